import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDecisionStore } from '../adapters/dynamodb/decision-store';
import { DynamoSendStore } from '../adapters/dynamodb/send-store';
import { EventBridgeBus } from '../adapters/eventbridge/eventbridge-bus';
import { powertoolsLog } from '../adapters/powertools/log';
import { powertoolsMetrics } from '../adapters/powertools/metrics';
import { SecretsManagerSecretResolver } from '../adapters/secrets-manager/secret-resolver';
import { AwsSnsPublisher } from '../adapters/sns/sns-publisher';
import { embeddedConfig, Env, readEnv } from '../shared/env';
import { notifierConsumer } from './consumer';
import { createNotifier } from './notifier';

// AWS wiring only: read env and config once per container, build clients, hand them to the notifier.
const env = readEnv([Env.TableName, Env.EventBusName, Env.SnsTopicArn]);
const config = embeddedConfig();
const log = powertoolsLog('alertscale-notifier');
const dynamodb = new DynamoDBClient({});

const notifier = createNotifier({
  config,
  decisions: new DynamoDecisionStore(dynamodb, env[Env.TableName]),
  sends: new DynamoSendStore(dynamodb, env[Env.TableName]),
  bus: new EventBridgeBus(new EventBridgeClient({}), env[Env.EventBusName]),
  secrets: new SecretsManagerSecretResolver(new SecretsManagerClient({})),
  sns: new AwsSnsPublisher(new SNSClient({})),
  snsTopicArn: env[Env.SnsTopicArn],
  log,
  metrics: powertoolsMetrics('alertscale-notifier'),
});

/** SQS (Notify Requested) → PagerDuty, Slack, SNS and control-plane webhooks; partial batch failures reported. */
export const handler = notifierConsumer(notifier, { log });
