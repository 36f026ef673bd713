import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SSMClient } from '@aws-sdk/client-ssm';
import { AutoScalingNodeGroups } from '../adapters/autoscaling/auto-scaling-node-groups';
import { DynamoDecisionStore } from '../adapters/dynamodb/decision-store';
import { DynamoFleetLedger } from '../adapters/dynamodb/fleet-ledger';
import { DynamoNodeGroupStateStore } from '../adapters/dynamodb/node-group-state-store';
import { Ec2NodeInstances } from '../adapters/ec2/ec2-node-instances';
import { EventBridgeBus } from '../adapters/eventbridge/eventbridge-bus';
import { eventBridgeTarget } from '../adapters/eventbridge/target';
import { powertoolsLog } from '../adapters/powertools/log';
import { powertoolsMetrics } from '../adapters/powertools/metrics';
import { SsmPauseSwitch } from '../adapters/ssm/pause-switch';
import { embeddedConfig, Env, readEnv } from '../shared/env';
import { scalerConsumer } from './consumer';
import { launchUnsuccessfulDetailSchema } from './launch-failure';
import { createScaler } from './scaler';

// AWS wiring only: read env and config once per container, build clients, hand them to the scaler.
const env = readEnv([Env.TableName, Env.EventBusName, Env.PauseParameterName]);
const config = embeddedConfig();
const log = powertoolsLog('alertscale-scaler');
const dynamodb = new DynamoDBClient({});
// The SDK's standard retry strategy handles throttling first; the adapter adds ScalingActivityInProgress.
const autoScaling = new AutoScalingClient({ maxAttempts: 3 });
const nodeGroups = new AutoScalingNodeGroups(autoScaling, { log });

const scaler = createScaler({
  config,
  nodeGroups,
  instances: nodeGroups,
  nodeInstances: new Ec2NodeInstances(),
  state: new DynamoNodeGroupStateStore(dynamodb, env.TABLE_NAME),
  fleet: new DynamoFleetLedger(dynamodb, env.TABLE_NAME),
  decisions: new DynamoDecisionStore(dynamodb, env.TABLE_NAME),
  bus: new EventBridgeBus(new EventBridgeClient({}), env.EVENT_BUS_NAME),
  pause: new SsmPauseSwitch(new SSMClient({}), env.PAUSE_PARAMETER_NAME, { log }),
  log,
  metrics: powertoolsMetrics('alertscale-scaler'),
});

/** The scaler Lambda on the FIFO queue of `Scale Requested`. */
export const handler = scalerConsumer(scaler, { log });

/** Auto Scaling's `EC2 Instance Launch Unsuccessful`, as a direct EventBridge target of the default bus. */
export const launchUnsuccessfulHandler = eventBridgeTarget(launchUnsuccessfulDetailSchema, (detail) => scaler.handleLaunchUnsuccessful(detail), log);
