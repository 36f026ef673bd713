import type { NodeGroupStateStore } from './ports';
import type { NodeGroupState } from './state';

/**
 * Serializing on a node group's state item: read it, decide, write the
 * decision conditional on the version read, and on a conflict read again and
 * decide again. Every change the scaler makes to a group goes through here,
 * so two requests that read the same state can never both act on it.
 */

/** Another request kept the node group's state busy through every attempt; SQS will deliver this one again. */
export class NodeGroupBusyError extends Error {
  override readonly name = 'NodeGroupBusyError';
}

/** What to do with the state just read. */
export type LockStep<T> =
  /** Someone else holds the group (an in-flight claim): back off and read again. */
  | { readonly kind: 'wait' }
  /**
   * Write `write` (when given) if the version is still the one read, then
   * run `after`; on a conflict nothing runs and the state is read again.
   */
  | { readonly kind: 'commit'; readonly write?: NodeGroupState | undefined; readonly after: () => Promise<T> };

/** Back off and read again. */
export const WAIT = { kind: 'wait' } as const;

/** Write `write` (none: write nothing) if the state is unchanged, then run `after`. */
export const commit = <T>(write: NodeGroupState | undefined, after: () => Promise<T>): LockStep<T> => ({ kind: 'commit', write, after });

export interface NodeGroupLock {
  readonly store: NodeGroupStateStore;
  /** Reads of the state item before giving up. */
  readonly attempts: number;
  /** Waits before the next attempt (jittered; the attempt number counts from 1). */
  readonly backoff: (attempt: number) => Promise<void>;
}

export interface LockOptions {
  /** The message of the `NodeGroupBusyError` thrown when every attempt conflicted or waited. */
  readonly busy: string;
  /** A state already in hand (one this request just wrote): the first attempt decides on it without a read. */
  readonly initial?: NodeGroupState;
}

/**
 * Runs the read → decide → conditional write loop on `nodeGroup`'s state
 * item: `decide` sees the state (and which attempt this is) and says whether
 * to wait, or what to write and what to do once it is written. Resolves to
 * what `after` resolves to; throws `NodeGroupBusyError` after `lock.attempts`.
 */
export async function withNodeGroupState<T>(
  lock: NodeGroupLock,
  nodeGroup: string,
  decide: (state: NodeGroupState, attempt: number) => Promise<LockStep<T>>,
  options: LockOptions,
): Promise<T> {
  let known = options.initial;
  for (let attempt = 1; attempt <= lock.attempts; attempt++) {
    const state = known ?? (await lock.store.get(nodeGroup));
    known = undefined;
    const step = await decide(state, attempt);
    if (step.kind === 'wait') {
      await lock.backoff(attempt);
      continue;
    }
    if (step.write === undefined || (await lock.store.put(nodeGroup, step.write, state.version))) return step.after();
  }
  throw new NodeGroupBusyError(options.busy);
}
