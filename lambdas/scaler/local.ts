import { DynamoFleetLedger } from '../adapters/dynamodb/fleet-ledger';
import { DynamoNodeGroupStateStore } from '../adapters/dynamodb/node-group-state-store';
import { LocalPauseSwitch } from '../local/emulators/local-pause-switch';
import { SimulatedNodeGroups, type SimulationOptions } from '../local/emulators/simulated-node-groups';
import type { LocalStageWiring } from '../local/stage-wiring';
import { systemClock } from '../shared/clock';
import { scalerConsumer } from './consumer';
import type { FleetLedger, NodeGroupStateStore } from './ports';
import { createScaler, type Scaler } from './scaler';

/** What local mode needs to run the scaler in process. */
export interface LocalScalerOptions extends LocalStageWiring {
  /** Start with the kill switch on. @default false */
  readonly paused?: boolean;
  /** Where the simulated groups are kept and where Auto Scaling's events about them go. @default - in memory, no events */
  readonly simulation?: SimulationOptions;
}

/** The scaler wired for local mode, with handles on its simulated node groups and kill switch. */
export interface LocalScaler {
  readonly scaler: Scaler;
  /** The FIFO queue's consumer. */
  readonly consumer: ReturnType<typeof scalerConsumer>;
  /** Flip capacity refusal with `setRefuseCapacity`; `snapshot()` shows every group. */
  readonly nodeGroups: SimulatedNodeGroups;
  /** `set(true)` pauses scaling (what the CLI/HTTP kill switch flips). */
  readonly pause: LocalPauseSwitch;
  readonly state: NodeGroupStateStore;
  readonly fleet: FleetLedger;
}

/**
 * Wires the same scaler the Lambda runs with local adapters: node-group state
 * in the embedded DynamoDB, simulated node groups from `local.desired` (boot
 * delay, capacity refusal, instances with ids and node names for targeted
 * scale-in), and an in-memory kill switch.
 */
export function localScaler(options: LocalScalerOptions): LocalScaler {
  const clock = options.clock ?? systemClock;
  const nodeGroups = new SimulatedNodeGroups(options.config.node_groups, clock, options.simulation);
  const pause = new LocalPauseSwitch(options.paused ?? false);
  const state = new DynamoNodeGroupStateStore(options.dynamodb, options.tableName);
  const fleet = new DynamoFleetLedger(options.dynamodb, options.tableName);
  const scaler = createScaler({ config: options.config, nodeGroups, instances: nodeGroups, nodeInstances: nodeGroups, state, fleet, decisions: options.decisions, bus: options.bus, pause, log: options.log, clock, metrics: options.metrics });
  return { scaler, consumer: scalerConsumer(scaler, { log: options.log, onFailure: options.onFailure }), nodeGroups, pause, state, fleet };
}

export { nodeGroupsView, type LastScalingActionView, type NodeGroupView } from './node-groups-view';
