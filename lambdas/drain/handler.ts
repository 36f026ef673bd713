import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { EventBridgeEvent } from 'aws-lambda';
import { DynamoDrainStore } from '../adapters/dynamodb/drain-store';
import { Ec2NodeInstances } from '../adapters/ec2/ec2-node-instances';
import { EventBridgeBus } from '../adapters/eventbridge/eventbridge-bus';
import { eventBridgeTarget, InvalidEventError } from '../adapters/eventbridge/target';
import { powertoolsLog } from '../adapters/powertools/log';
import { SecretsManagerSecretResolver } from '../adapters/secrets-manager/secret-resolver';
import { systemClock } from '../shared/clock';
import { embeddedConfig, Env, readEnv } from '../shared/env';
import { drainSendContext } from './drain-context';
import { createDrainRequests } from './drain-request';
import { TERMINATE_LIFECYCLE_ACTION, TERMINATE_SUCCESSFUL, terminateLifecycleActionSchema, terminateSuccessfulSchema } from './lifecycle-events';

// AWS wiring only: read env and config once per container, build clients, hand them to the use case.
const env = readEnv([Env.TableName, Env.EventBusName, Env.DrainHookName, Env.DrainCallbackUrl]);
const config = embeddedConfig();
const log = powertoolsLog('alertscale-drain');

const drains = createDrainRequests({
  config,
  store: new DynamoDrainStore(new DynamoDBClient({}), env[Env.TableName]),
  nodeNames: new Ec2NodeInstances(),
  bus: new EventBridgeBus(new EventBridgeClient({}), env[Env.EventBusName]),
  hookName: env[Env.DrainHookName],
  callbackUrl: () => env[Env.DrainCallbackUrl],
  send: drainSendContext({ secrets: new SecretsManagerSecretResolver(new SecretsManagerClient({})), clock: systemClock, log }),
  clock: systemClock,
  log,
});

const onLifecycleAction = eventBridgeTarget(terminateLifecycleActionSchema, (detail, event) => drains.handleLifecycleAction(detail, event.time ? new Date(event.time) : undefined), log);
const onTerminated = eventBridgeTarget(terminateSuccessfulSchema, (detail) => drains.handleTerminated(detail), log);

/** Auto Scaling's lifecycle and termination events of the drained groups, as direct targets of the default bus. */
export async function handler(event: EventBridgeEvent<string, unknown>): Promise<void> {
  if (event['detail-type'] === TERMINATE_LIFECYCLE_ACTION) return onLifecycleAction(event);
  if (event['detail-type'] === TERMINATE_SUCCESSFUL) return onTerminated(event);
  throw new InvalidEventError(`the drain takes "${TERMINATE_LIFECYCLE_ACTION}" and "${TERMINATE_SUCCESSFUL}" events, not "${event['detail-type']}"`);
}
