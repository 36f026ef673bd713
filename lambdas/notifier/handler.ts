import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSEvent, SQSBatchResponse } from 'aws-lambda';
import { DynamoDecisionStore } from '../adapters/aws/dynamo-decision-store';
import { EventBridgeBus } from '../adapters/aws/eventbridge-bus';
import { embeddedConfig, Env, readEnv } from '../shared/env';
import type { Log } from '../shared/ports';
import { DynamoDeliveryStore } from './delivery-store';
import { createNotifier } from './notifier';
import { SecretsManagerSecretResolver } from './secrets';
import { AwsSnsPublisher } from './sns';

// AWS wiring only; the use case is createNotifier. Read once per cold start.
const env = readEnv([Env.TableName, Env.EventBusName, Env.SnsTopicArn]);
const config = embeddedConfig();
const logger = new Logger({ serviceName: 'alertscale-notifier' });
const log: Log = {
  debug: (message, extra) => logger.debug(message, extra ?? {}),
  info: (message, extra) => logger.info(message, extra ?? {}),
  warn: (message, extra) => logger.warn(message, extra ?? {}),
  error: (message, extra) => logger.error(message, extra ?? {}),
};
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
