import type { Clock } from '../shared/clock';
import type { Log } from '../shared/log';
import { publishAll, type EventBus, type PublishOptions } from '../shared/publish';
import { drainCompletedEvent } from './drain-events';
import { LifecycleActionGoneError, type DrainRecord, type DrainStore, type LifecycleActions } from './ports';

/**
 * The confirmation use case: the control plane says a node is drained
 * (`POST /api/drain/complete` with the drain id and instance id it was
 * sent). The drain is checked against the pending one of that instance,
 * marked confirmed (so the termination event that follows is not taken for
 * a timeout), its lifecycle action completed with `CONTINUE`, and `Drain
 * Completed` (`confirmed`) published. Anything else is refused with why.
 */

/** No drain waits for this instance: unknown to alertscale, or long gone. Answered 404. */
export class DrainNotFoundError extends Error {
  override readonly name = 'DrainNotFoundError';
}

/** The drain cannot be confirmed: another instance's id, or it has ended. Answered 409. */
export class DrainConflictError extends Error {
  override readonly name = 'DrainConflictError';
}

export interface DrainConfirmDeps {
  readonly store: DrainStore;
  readonly lifecycle: LifecycleActions;
  readonly bus: EventBus;
  readonly clock: Clock;
  readonly log: Log;
  readonly publish?: PublishOptions;
}

/** What a confirmation names. */
export interface DrainConfirmation {
  readonly drainId: string;
  readonly instanceId: string;
}

/** What a confirmation came to. */
export interface DrainConfirmed extends DrainConfirmation {
  readonly result: 'confirmed';
  readonly completedAt: string;
}

export interface DrainConfirm {
  /** Throws `DrainNotFoundError` or `DrainConflictError` for a confirmation it refuses; anything else is worth a retry. */
  confirm(confirmation: DrainConfirmation): Promise<DrainConfirmed>;
}

function ended(drain: DrainRecord): string {
  const how = drain.status === 'confirmed' ? 'was confirmed' : 'timed out: its termination went on without a confirmation';
  return `the drain of instance ${drain.instanceId} has ended: it ${how}${drain.completedAt ? ` at ${drain.completedAt}` : ''}`;
}

/** The pending drain a confirmation names, or the refusal. */
async function pendingDrain(store: DrainStore, { drainId, instanceId }: DrainConfirmation, now: Date): Promise<DrainRecord> {
  const drain = await store.get(instanceId, now);
  if (!drain) throw new DrainNotFoundError(`no drain was requested for instance ${instanceId}`);
  if (drain.drainId !== drainId) throw new DrainConflictError(`drain ${drainId} is not the drain of instance ${instanceId}; confirm with the drainId its drain request carried`);
  if (drain.status !== 'pending') throw new DrainConflictError(ended(drain));
  return drain;
}

/** Builds the confirmation use case. */
export function createDrainConfirm(deps: DrainConfirmDeps): DrainConfirm {
  const publish = (drain: DrainRecord, result: 'confirmed' | 'timeout', reason: string, at: string) =>
    publishAll(deps.bus, [drainCompletedEvent(drain, result, reason, at)], { log: deps.log, ...deps.publish });

  return {
    async confirm(confirmation) {
      const now = deps.clock();
      const drain = await pendingDrain(deps.store, confirmation, now);
      const at = now.toISOString();
      const reason = `the control plane confirmed the node is drained, ${Math.max(0, Math.round((now.getTime() - Date.parse(drain.requestedAt)) / 1000))}s after the request`;
      if (!(await deps.store.transition(drain.instanceId, drain.drainId, 'pending', 'confirmed', { at, reason }))) {
        throw new DrainConflictError(ended((await deps.store.get(drain.instanceId, now)) ?? drain));
      }
      try {
        await deps.lifecycle.complete({ asgName: drain.asgName, hookName: drain.hookName, token: drain.lifecycleActionToken, instanceId: drain.instanceId });
      } catch (error) {
        if (error instanceof LifecycleActionGoneError) {
          const late = `the heartbeat timeout had passed before the confirmation: the termination went on at the deadline ${drain.deadline}`;
          await deps.store.transition(drain.instanceId, drain.drainId, 'confirmed', 'timeout', { at, reason: late });
          await publish(drain, 'timeout', late, at);
          throw new DrainConflictError(`the drain of instance ${drain.instanceId} has ended: ${late}`, { cause: error });
        }
        // Not done: let the control plane's retry find the drain pending again.
        await deps.store.transition(drain.instanceId, drain.drainId, 'confirmed', 'pending', {});
        throw error;
      }
      await publish(drain, 'confirmed', reason, at);
      deps.log.info('drain confirmed; termination goes on', { nodeGroup: drain.nodeGroup, instanceId: drain.instanceId });
      return { drainId: drain.drainId, instanceId: drain.instanceId, result: 'confirmed', completedAt: at };
    },
  };
}
