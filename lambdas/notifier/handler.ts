import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context, SQSEvent, SQSBatchResponse } from 'aws-lambda';
import { DynamoDecisionStore } from '../adapters/aws/dynamo-decision-store';
import { EventBridgeBus } from '../adapters/aws/eventbridge-bus';
import { powertoolsLog } from '../adapters/aws/powertools-log';
import { embeddedConfig, Env, readEnv } from '../shared/env';
import { DynamoDeliveryStore } from './delivery-store';
import { createNotifier } from './notifier';
import { SecretsManagerSecretResolver } from './secrets';
import { AwsSnsPublisher } from './sns';

// AWS wiring only; the use case is createNotifier. Read once per cold start.
const env = readEnv([Env.TableName, Env.EventBusName, Env.SnsTopicArn]);
const config = embeddedConfig();
const log = powertoolsLog('alertscale-notifier');
const dynamodb = new DynamoDBClient({});

const notify = createNotifier({
  config,
  decisions: new DynamoDecisionStore(dynamodb, env[Env.TableName]),
  deliveries: new DynamoDeliveryStore(dynamodb, env[Env.TableName]),
  bus: new EventBridgeBus(new EventBridgeClient({}), env[Env.EventBusName]),
  secrets: new SecretsManagerSecretResolver(new SecretsManagerClient({})),
  sns: new AwsSnsPublisher(new SNSClient({})),
  snsTopicArn: env[Env.SnsTopicArn],
  log,
});

/** SQS (Notify Requested) → PagerDuty, Slack, SNS and control-plane webhooks; partial batch failures reported. */
export const handler = (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => notify(event, context);
