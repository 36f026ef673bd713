import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDecisionStore } from '../adapters/aws/dynamo-decision-store';
import { EventBridgeBus } from '../adapters/aws/eventbridge-bus';
import { powertoolsLog } from '../adapters/aws/powertools-log';
import { embeddedConfig, Env, readEnv } from '../shared/env';
import { systemClock } from '../shared/ports';
import { createRouter } from './router';

const env = readEnv([Env.EventBusName, Env.TableName]);
const logger = powertoolsLog('alertscale-router');

/** SQS (alerts queue) → router. */
export const handler = createRouter({
  config: embeddedConfig(),
  decisions: new DynamoDecisionStore(new DynamoDBClient({}), env[Env.TableName]),
  bus: new EventBridgeBus(new EventBridgeClient({}), env[Env.EventBusName]),
  clock: systemClock,
  log: logger,
});
