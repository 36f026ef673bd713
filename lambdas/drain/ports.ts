/**
 * The drain's ports: the pending drains it keeps, Auto Scaling's lifecycle
 * actions it completes, and node names. AWS adapters live in
 * `lambdas/adapters/`; local mode's simulated node groups stand in for Auto
 * Scaling and EC2, dynalite for DynamoDB.
 */

/** Where a drain stands: waiting for the control plane, or ended one of two ways. */
export type DrainStatus = 'pending' | 'confirmed' | 'timeout';

/** One drain: an instance held in `Terminating:Wait` by alertscale's lifecycle hook. */
export interface DrainRecord {
  /** Opaque and derived from the lifecycle action, so a redelivered event finds the same drain. */
  readonly drainId: string;
  readonly instanceId: string;
  readonly nodeGroup: string;
  readonly asgName: string;
  readonly hookName: string;
  /** Auto Scaling's token for the lifecycle action; completes it. Never leaves alertscale. */
  readonly lifecycleActionToken: string;
  readonly nodeName?: string | undefined;
  readonly receiver: string;
  /** ISO. */
  readonly requestedAt: string;
  /** ISO: when the heartbeat timeout lets the termination go on. */
  readonly deadline: string;
  readonly status: DrainStatus;
  /** ISO: when `Drain Requested` was published (the webhooks were asked); absent until then. */
  readonly notifiedAt?: string | undefined;
  /** Rounds of sends that reached no webhook and will be tried again; absent before the first such round. */
  readonly rounds?: number | undefined;
  /** ISO, once the drain ended. */
  readonly completedAt?: string | undefined;
  readonly reason?: string | undefined;
  /** Epoch seconds; DynamoDB's TTL deletes the item some time after. */
  readonly expiresAt: number;
}

/** The pending drains, one per instance (an instance terminates once). Reads are strongly consistent. */
export interface DrainStore {
  /** The drain of this instance, or undefined (also when it has expired). */
  get(instanceId: string, now: Date): Promise<DrainRecord | undefined>;
  /** Writes a drain unless this very drain is stored already; false when it was. */
  create(record: DrainRecord, now: Date): Promise<boolean>;
  /** Records that the webhooks were asked. */
  markNotified(instanceId: string, drainId: string, at: string): Promise<void>;
  /** Records how many rounds of sends reached no webhook so far, if it is still this drain. */
  noteRound(instanceId: string, drainId: string, rounds: number): Promise<void>;
  /**
   * Moves the drain from `from` to `to` (with why and when), only if it is
   * still this drain in status `from`; false when it was not.
   */
  transition(instanceId: string, drainId: string, from: DrainStatus, to: DrainStatus, fields: { readonly at?: string; readonly reason?: string }): Promise<boolean>;
}

/** The lifecycle action of one instance, as Auto Scaling's event names it. */
export interface LifecycleAction {
  readonly asgName: string;
  readonly hookName: string;
  readonly token: string;
  readonly instanceId: string;
}

/** Auto Scaling's lifecycle actions. */
export interface LifecycleActions {
  /**
   * `CompleteLifecycleAction` with `CONTINUE`: the termination goes on.
   * Throws `LifecycleActionGoneError` when no such action waits any more.
   */
  complete(action: LifecycleAction): Promise<void>;
}

/** The lifecycle action has ended already (completed, or its heartbeat timeout passed). Not retried. */
export class LifecycleActionGoneError extends Error {
  override readonly name = 'LifecycleActionGoneError';
}

/** Instances to the names Kubernetes knows their nodes by. */
export interface NodeNames {
  /** The instance's private DNS name; undefined when EC2 no longer knows it. */
  nodeNameOf(instanceId: string): Promise<string | undefined>;
}
