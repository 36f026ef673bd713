import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { EventBridgeEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { DynamoDecisionStore } from '../adapters/aws/dynamo-decision-store';
import { EventBridgeBus } from '../adapters/aws/eventbridge-bus';
import { powertoolsLog } from '../adapters/aws/powertools-log';
import { embeddedConfig, Env, readEnv } from '../shared/env';
import { AutoScalingNodeGroups } from './adapters/auto-scaling-node-groups';
import { DynamoNodeGroupStateStore } from './adapters/dynamo-node-group-state';
import { SsmPauseSwitch } from './adapters/pause-switch';
import { createScaler } from './scaler';

// AWS wiring only: read env and config once per container, build clients, hand them to the scaler.
const env = readEnv([Env.TableName, Env.EventBusName, Env.PauseParameterName]);
const config = embeddedConfig();
const log = powertoolsLog('alertscale-scaler');
const dynamodb = new DynamoDBClient({});
// The SDK's standard retry strategy handles throttling first; the adapter adds ScalingActivityInProgress.
const autoScaling = new AutoScalingClient({ maxAttempts: 3 });

const scaler = createScaler({
  config,
  nodeGroups: new AutoScalingNodeGroups(autoScaling, { log }),
  state: new DynamoNodeGroupStateStore(dynamodb, env.TABLE_NAME),
  decisions: new DynamoDecisionStore(dynamodb, env.TABLE_NAME),
  bus: new EventBridgeBus(new EventBridgeClient({}), env.EVENT_BUS_NAME),
  pause: new SsmPauseSwitch(new SSMClient({}), env.PAUSE_PARAMETER_NAME, { log }),
  log,
});

/** The scaler Lambda on the FIFO queue of `Scale Requested` (and, if so wired, launch-failure events via SQS). */
export const handler = (event: SQSEvent): Promise<SQSBatchResponse> => scaler.handleSqs(event);

/** Auto Scaling's `EC2 Instance Launch Unsuccessful`, as a direct EventBridge target of the default bus. */
export const launchUnsuccessfulHandler = (event: EventBridgeEvent<'EC2 Instance Launch Unsuccessful', unknown>): Promise<void> =>
  scaler.handleLaunchUnsuccessful(event);
