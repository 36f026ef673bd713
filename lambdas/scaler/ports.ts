import type { DecisionRecord } from '../shared/decisions';
import type { NodeGroupState } from './state';

/**
 * The scaler's ports: the node groups it scales, the kill switch it obeys,
 * the state item it serializes on, and what it reads back from decisions.
 * `lambdas/adapters/` implements them on AWS; local mode's emulators in process.
 */

/** A node group's Auto Scaling group as it stands. */
export interface AsgDescription {
  readonly desired: number;
  /** The ASG's own bounds; the guardrails apply within them. */
  readonly min: number;
  readonly max: number;
  /** Instances currently in the group, when known (in service or coming up). */
  readonly instances?: number | undefined;
}

/** The Auto Scaling groups behind the node groups. */
export interface NodeGroups {
  /** Throws `NodeGroupNotFoundError` when there is no such group. */
  describe(asgName: string): Promise<AsgDescription>;
  /**
   * Sets the desired capacity, ignoring the ASG's own cooldown (ours is kept in
   * DynamoDB). Throws `CapacityUnavailableError` when the group cannot get the
   * instances, `NodeGroupValidationError` for a request Auto Scaling rejects
   * for good, and `TransientScalingError` when retries were spent.
   */
  setDesired(asgName: string, desired: number): Promise<void>;
}

/** One instance of an Auto Scaling group, as `DescribeAutoScalingGroups` lists it. */
export interface AsgMember {
  readonly instanceId: string;
  /** Auto Scaling's lifecycle state: `InService`, `Pending`, `Terminating:Wait`, `Standby`, … */
  readonly lifecycleState: string;
  readonly protectedFromScaleIn: boolean;
  /** The node's name, when the adapter knows it without asking EC2 (local mode's simulation). @default - unknown */
  readonly nodeName?: string | undefined;
}

/** An instance Auto Scaling is terminating (or has): `Terminating`, `Terminating:Wait`, `Terminating:Proceed`, `Terminated`. */
export const isTerminating = (lifecycleState: string): boolean => lifecycleState.startsWith('Terminat');

/** An Auto Scaling group with the instances it holds. */
export interface AsgWithMembers extends AsgDescription {
  readonly members: readonly AsgMember[];
}

/**
 * What a targeted scale-in needs of Auto Scaling: a group's instances, and
 * terminating one of them while lowering the desired capacity by one.
 */
export interface GroupInstances {
  /** Throws `NodeGroupNotFoundError` when there is no such group. */
  describeMembers(asgName: string): Promise<AsgWithMembers>;
  /**
   * `TerminateInstanceInAutoScalingGroup` with `ShouldDecrementDesiredCapacity`.
   * Throws `NodeGroupValidationError` when Auto Scaling refuses it for good
   * (not a member, already terminating, below the group's min) and
   * `TransientScalingError` when retries were spent.
   */
  terminate(asgName: string, instanceId: string): Promise<void>;
}

/** Kubernetes node names to EC2 instances: on EKS a node is named by its instance's private DNS name. */
export interface NodeInstances {
  /**
   * The ids of the instances, not terminated, with this private DNS name
   * (usually one; private DNS names repeat across VPCs). Throws on a failure
   * worth retrying.
   */
  instanceIdsOf(nodeName: string): Promise<readonly string[]>;
}

/** The global kill switch: while on, scale actions are recorded as `paused` and nothing changes. */
export interface PauseSwitch {
  isPaused(): Promise<boolean>;
}

/** No Auto Scaling group has this name. Not retried. */
export class NodeGroupNotFoundError extends Error {
  override readonly name = 'NodeGroupNotFoundError';
  constructor(
    readonly asgName: string,
    options?: ErrorOptions,
  ) {
    super(`Auto Scaling group "${asgName}" not found`, options);
  }
}

/** Auto Scaling rejected the request as invalid (outside bounds, bad name). Not retried. */
export class NodeGroupValidationError extends Error {
  override readonly name = 'NodeGroupValidationError';
}

/** The group could not get instances (InsufficientInstanceCapacity and the like): move the increment to a fallback. */
export class CapacityUnavailableError extends Error {
  override readonly name = 'CapacityUnavailableError';
  constructor(
    readonly asgName: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A failure worth retrying later (throttling, a scaling activity in progress) that outlasted the retries. */
export class TransientScalingError extends Error {
  override readonly name = 'TransientScalingError';
}

/** True for errors that tell of missing capacity, whether from the API or a launch event's status message. */
export function isCapacityFailure(error: { name?: string; message?: string } | string): boolean {
  const text = typeof error === 'string' ? error : `${error.name ?? ''} ${error.message ?? ''}`;
  return /Insufficient(Instance)?Capacity|insufficient capacity|not have sufficient \S+ capacity/i.test(text);
}

/** What the scaler reads back from a decision: the outcomes already recorded on it (redeliveries, escalations). */
export interface DecisionLookup {
  get(decisionId: string): Promise<DecisionRecord | undefined>;
  /** The live decisions among these ids, read strongly consistent, in batches. */
  getMany(decisionIds: readonly string[]): Promise<ReadonlyMap<string, DecisionRecord>>;
}

/** Where node-group state items are kept (DynamoDB; dynalite locally). */
export interface NodeGroupStateStore {
  /** The state, or `emptyState()` (version 0) when there is none. Strongly consistent. */
  get(nodeGroup: string): Promise<NodeGroupState>;
  /**
   * Writes `next` only if the stored version is still `expectedVersion` (0: no
   * item yet). `next.version` must be `expectedVersion + 1`. Resolves false
   * when someone else wrote first: re-read and decide again.
   */
  put(nodeGroup: string, next: NodeGroupState, expectedVersion: number): Promise<boolean>;
}

/** The nodes each group has as the fleet budget counts them: what alertscale last set or observed. */
export interface FleetNodes {
  /** 0: never written. */
  readonly version: number;
  readonly groups: Readonly<Record<string, number>>;
}

/**
 * The fleet budget's ledger: one item every scaling action that changes a
 * group writes conditionally (on `version`) before it claims the group, so
 * two groups scaling at the same moment cannot both take the last room.
 */
export interface FleetLedger {
  get(): Promise<FleetNodes>;
  /** Writes `next` only if the stored version is still `expectedVersion`; false when another writer won. */
  put(next: FleetNodes, expectedVersion: number): Promise<boolean>;
}
