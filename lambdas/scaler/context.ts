import { fullJitter, sleep } from '../shared/backoff';
import { systemClock, type Clock } from '../shared/clock';
import type { Config, NodeGroupConfig } from '../shared/config/schema';
import type { ActionRecorder } from '../shared/decisions';
import type { Log } from '../shared/log';
import type { Metrics } from '../shared/metrics';
import type { EventBus, PublishOptions } from '../shared/publish';
import type { NodeGroupLock } from './node-group-lock';
import { indexTimeIntervals, type TimeInterval } from '../shared/time/intervals';
import type { DecisionLookup, FleetLedger, GroupInstances, NodeGroups, NodeGroupStateStore, NodeInstances, PauseSwitch } from './ports';
import type { ScalingReporter } from './reporting';

/** Collaborators of the scaler; AWS and local mode wire different adapters. */
export interface ScalerDeps {
  readonly config: Config;
  readonly nodeGroups: NodeGroups;
  /**
   * The groups' instances, for targeted scale-in (`remove_*_label`).
   * @default - none: a targeted scale-in fails, saying so
   */
  readonly instances?: GroupInstances;
  /**
   * Node names to instances, for `remove_node_label`.
   * @default - none: a scale-in naming a node fails, saying so
   */
  readonly nodeInstances?: NodeInstances;
  readonly state: NodeGroupStateStore;
  readonly decisions: ActionRecorder & DecisionLookup;
  readonly bus: EventBus;
  readonly pause: PauseSwitch;
  /** The fleet budget's ledger; needed only when `settings.budget` is set. @default - none */
  readonly fleet?: FleetLedger;
  readonly log: Log;
  /** @default - the system clock */
  readonly clock?: Clock;
  /**
   * Reads of the state item per request before giving up (the record then
   * fails and SQS delivers it again). A FIFO message group hands the scaler
   * one request per node group at a time, so conflicts are rare. @default 10
   */
  readonly stateAttempts?: number;
  /**
   * How long another request's claimed `SetDesiredCapacity` holds the group
   * before it is presumed abandoned (its Lambda died) and taken over, ms.
   * @default 60 seconds - longer than any Auto Scaling call with its retries
   */
  readonly inFlightLeaseMs?: number;
  /**
   * A launch failure is traced back to the last scale-up only if that was at
   * most this long ago, ms; older failures (an instance replaced by Auto
   * Scaling itself) only back the group off. @default 30 minutes
   */
  readonly launchFailureWindowMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly publish?: PublishOptions;
  /** @default - none */
  readonly metrics?: Metrics;
}

/** What every scaler use case works with: the deps with their defaults, and lookups built once. */
export interface ScalerContext extends ScalingReporter {
  readonly nodeGroups: NodeGroups;
  readonly instances: GroupInstances | undefined;
  readonly nodeInstances: NodeInstances | undefined;
  readonly pause: PauseSwitch;
  readonly fleet: FleetLedger | undefined;
  readonly clock: Clock;
  /** The configuration's time intervals by name, for schedules. */
  readonly intervals: ReadonlyMap<string, readonly TimeInterval[]>;
  readonly lock: NodeGroupLock;
  readonly leaseMs: number;
  readonly launchWindowMs: number;
  readonly byName: ReadonlyMap<string, NodeGroupConfig>;
  readonly byAsg: ReadonlyMap<string, NodeGroupConfig>;
  /** Each node group's `fallback` list, for the fallback chain. */
  readonly fallbacks: ReadonlyMap<string, readonly string[]>;
}

/** The context for `deps`, defaults applied. */
export function scalerContext(deps: ScalerDeps): ScalerContext {
  if (deps.config.settings.budget && !deps.fleet) throw new Error('settings.budget is set, but the scaler was given no fleet ledger to count the fleet with');
  const wait = deps.sleep ?? sleep;
  const random = deps.random ?? Math.random;
  const groups = deps.config.node_groups;
  return {
    config: deps.config,
    decisions: deps.decisions,
    bus: deps.bus,
    log: deps.log,
    publish: deps.publish,
    metrics: deps.metrics,
    nodeGroups: deps.nodeGroups,
    instances: deps.instances,
    nodeInstances: deps.nodeInstances,
    pause: deps.pause,
    fleet: deps.fleet,
    clock: deps.clock ?? systemClock,
    intervals: indexTimeIntervals(deps.config.time_intervals),
    lock: { store: deps.state, attempts: deps.stateAttempts ?? 10, backoff: (attempt) => wait(fullJitter(attempt + 1, 5, 100, random)) },
    leaseMs: deps.inFlightLeaseMs ?? 60_000,
    launchWindowMs: deps.launchFailureWindowMs ?? 30 * 60_000,
    byName: new Map(groups.map((group) => [group.name, group])),
    byAsg: new Map(groups.map((group) => [group.asg_name, group])),
    fallbacks: new Map(groups.map((group) => [group.name, group.fallback])),
  };
}
