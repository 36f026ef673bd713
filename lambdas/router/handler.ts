import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDecisionStore } from '../adapters/dynamodb/decision-store';
import { EventBridgeBus } from '../adapters/eventbridge/eventbridge-bus';
import { powertoolsLog } from '../adapters/powertools/log';
import { powertoolsMetrics } from '../adapters/powertools/metrics';
import { systemClock } from '../shared/clock';
import { embeddedConfig, Env, readEnv } from '../shared/env';
import { routerConsumer } from './consumer';
import { createRouter } from './router';

// AWS wiring only: read env and config once per container, build clients, hand them to the router.
const env = readEnv([Env.EventBusName, Env.TableName]);
const log = powertoolsLog('alertscale-router');

const router = createRouter({
  config: embeddedConfig(),
  decisions: new DynamoDecisionStore(new DynamoDBClient({}), env[Env.TableName]),
  bus: new EventBridgeBus(new EventBridgeClient({}), env[Env.EventBusName]),
  clock: systemClock,
  log,
  metrics: powertoolsMetrics('alertscale-router'),
});

/** SQS (alerts queue) → router. */
export const handler = routerConsumer(router, { log });
