import { findReceiver } from '../shared/channels';
import type { Clock } from '../shared/clock';
import type { Config, NodeGroupConfig } from '../shared/config/schema';
import type { Log } from '../shared/log';
import { publishAll, type EventBus, type PublishOptions } from '../shared/publish';
import { drainCompletedEvent, drainIdOf, drainRequestedEvent } from './drain-events';
import { sendDrainRequests, type DrainSendContext } from './drain-webhook';
import type { TerminateLifecycleAction, TerminateSuccessful } from './lifecycle-events';
import type { DrainRecord, DrainStore, NodeNames } from './ports';

/**
 * The drain-request use case: an instance of a node group with `drain` waits
 * in `Terminating:Wait` on alertscale's lifecycle hook — whoever terminates
 * it: alertscale, a scale-in by anyone, a rebalance. The drain is recorded
 * (so the confirmation can be checked against it), the drain receiver's
 * webhooks are asked to drain the node, and `Drain Requested` goes on the
 * bus. When the instance has terminated without a confirmation, the
 * heartbeat timeout let it go: `Drain Completed` says so.
 *
 * A redelivered lifecycle event finds its drain by its id and, once the
 * webhooks were asked, does nothing again. When no webhook took the request
 * and a failure may pass (network, timeout, 429, 5xx after each send's own
 * retries), the round is counted on the drain and the event handed back to
 * be delivered again (Lambda's asynchronous retries; local mode's queue), up
 * to {@link DRAIN_SEND_ROUNDS} rounds and never past the deadline. Then, or
 * at once for a failure that will not pass (another 4xx, no signing key),
 * `Drain Requested` reports each send as it ended: the heartbeat timeout
 * lets the termination go on regardless. A lifecycle event that arrives
 * after its deadline asks no one and ends the drain as timed out.
 */

/**
 * Rounds of sends before `Drain Requested` reports the failures: the first
 * delivery and the drain function's two asynchronous retries on AWS (a
 * minute and two minutes later), so the last round is not lost to them.
 */
export const DRAIN_SEND_ROUNDS = 3;

/** No webhook of the drain receiver took the drain request this round; thrown so the event is delivered again. */
export class DrainNotReachedError extends Error {
  override readonly name = 'DrainNotReachedError';
}

/** How long a drain record outlives its deadline, for the read-back of a late confirmation. */
const KEPT_AFTER_DEADLINE_S = 7 * 86_400;

export interface DrainRequestDeps {
  readonly config: Config;
  readonly store: DrainStore;
  readonly nodeNames: NodeNames;
  readonly bus: EventBus;
  /** The name of alertscale's termination lifecycle hook: events of other hooks on the same group are not ours to answer. */
  readonly hookName: string;
  /** Where the control plane confirms (`POST /api/drain/complete` of this deployment). */
  readonly callbackUrl: () => string;
  readonly send: DrainSendContext;
  readonly clock: Clock;
  readonly log: Log;
  readonly publish?: PublishOptions;
}

export interface DrainRequests {
  /** One `EC2 Instance-terminate Lifecycle Action`; `at` is the event's time (when the wait began). Throws to be retried. */
  handleLifecycleAction(detail: TerminateLifecycleAction, at?: Date): Promise<void>;
  /** One `EC2 Instance Terminate Successful`. Throws to be retried. */
  handleTerminated(detail: TerminateSuccessful): Promise<void>;
}

/** The node groups that drain, by their Auto Scaling group's name. */
function drainedGroups(config: Pick<Config, 'node_groups'>): ReadonlyMap<string, NodeGroupConfig & { drain: NonNullable<NodeGroupConfig['drain']> }> {
  return new Map(config.node_groups.flatMap((group) => (group.drain ? [[group.asg_name, group as NodeGroupConfig & { drain: NonNullable<NodeGroupConfig['drain']> }] as const] : [])));
}

/** Builds the drain-request use cases. */
export function createDrainRequests(deps: DrainRequestDeps): DrainRequests {
  const groups = drainedGroups(deps.config);
  const publish = (events: Parameters<typeof publishAll>[1]) => publishAll(deps.bus, events, { log: deps.log, ...deps.publish });

  /** The drain this lifecycle action stands for, as stored (a new one is written first). */
  async function drainFor(detail: TerminateLifecycleAction, group: NodeGroupConfig & { drain: { receiver: string; timeout: number } }, at: Date): Promise<DrainRecord> {
    const now = deps.clock();
    const drainId = drainIdOf(detail.AutoScalingGroupName, detail.EC2InstanceId, detail.LifecycleActionToken);
    const known = await deps.store.get(detail.EC2InstanceId, now);
    if (known?.drainId === drainId) return known;
    const deadline = new Date(at.getTime() + group.drain.timeout);
    const nodeName = await deps.nodeNames.nodeNameOf(detail.EC2InstanceId);
    const record: DrainRecord = {
      drainId,
      instanceId: detail.EC2InstanceId,
      nodeGroup: group.name,
      asgName: group.asg_name,
      hookName: detail.LifecycleHookName,
      lifecycleActionToken: detail.LifecycleActionToken,
      ...(nodeName !== undefined ? { nodeName } : {}),
      receiver: group.drain.receiver,
      requestedAt: at.toISOString(),
      deadline: deadline.toISOString(),
      status: 'pending',
      expiresAt: Math.floor(deadline.getTime() / 1000) + KEPT_AFTER_DEADLINE_S,
    };
    // A concurrent delivery of the same event may have written it first: then use that one.
    if (!(await deps.store.create(record, now))) return (await deps.store.get(detail.EC2InstanceId, now)) ?? record;
    return record;
  }

  /**
   * The event came after its deadline (delivered late): the heartbeat timeout
   * has let the instance go, so no one is asked to drain a node that is gone.
   */
  async function endUnasked(drain: DrainRecord): Promise<void> {
    const now = deps.clock().toISOString();
    const reason = `the lifecycle action reached alertscale at ${now}, after its deadline ${drain.deadline}: the heartbeat timeout let the termination go on, and the control plane was not asked`;
    await publish([drainCompletedEvent(drain, 'timeout', reason, now)]);
    await deps.store.transition(drain.instanceId, drain.drainId, 'pending', 'timeout', { at: now, reason });
    deps.log.warn('lifecycle action arrived after its drain deadline; not asked', { nodeGroup: drain.nodeGroup, instanceId: drain.instanceId, deadline: drain.deadline });
  }

  return {
    async handleLifecycleAction(detail, at) {
      const group = groups.get(detail.AutoScalingGroupName);
      if (!group || detail.LifecycleHookName !== deps.hookName || detail.LifecycleTransition !== 'autoscaling:EC2_INSTANCE_TERMINATING') {
        deps.log.info('lifecycle action not for alertscale\'s drain hook; left alone', { asgName: detail.AutoScalingGroupName, hook: detail.LifecycleHookName });
        return;
      }
      const drain = await drainFor(detail, group, at ?? deps.clock());
      if (drain.notifiedAt !== undefined || drain.status !== 'pending') return;
      if (deps.clock().getTime() >= Date.parse(drain.deadline)) return endUnasked(drain);
      const receiver = findReceiver(deps.config, drain.receiver);
      const round = receiver ? await sendDrainRequests(receiver, drain, deps.callbackUrl(), deps.send) : { sends: [], worthAskingAgain: false };
      const rounds = (drain.rounds ?? 0) + 1;
      if (round.worthAskingAgain && rounds < DRAIN_SEND_ROUNDS && deps.clock().getTime() < Date.parse(drain.deadline)) {
        await deps.store.noteRound(drain.instanceId, drain.drainId, rounds);
        const reasons = round.sends.map((send) => send.reason).join('; ');
        throw new DrainNotReachedError(`no webhook of ${drain.receiver} took the drain request for ${drain.instanceId} (round ${rounds} of ${DRAIN_SEND_ROUNDS}): ${reasons}`);
      }
      await publish([drainRequestedEvent(drain, round.sends)]);
      await deps.store.markNotified(drain.instanceId, drain.drainId, deps.clock().toISOString());
      deps.log.info('drain requested', { nodeGroup: drain.nodeGroup, instanceId: drain.instanceId, deadline: drain.deadline, rounds, sends: round.sends.map((s) => s.outcome) });
    },

    async handleTerminated(detail) {
      const now = deps.clock();
      const drain = await deps.store.get(detail.EC2InstanceId, now);
      if (!drain || drain.status !== 'pending') return;
      const early = now.getTime() < Date.parse(drain.deadline);
      const reason = early
        ? `the instance terminated at ${now.toISOString()}, before its deadline, without a confirmation through alertscale (its lifecycle action was completed elsewhere)`
        : `no confirmation by the deadline ${drain.deadline}: the lifecycle hook's heartbeat timeout let the termination go on`;
      // Published first: a retry publishes again rather than never.
      await publish([drainCompletedEvent(drain, 'timeout', reason, now.toISOString())]);
      await deps.store.transition(drain.instanceId, drain.drainId, 'pending', 'timeout', { at: now.toISOString(), reason });
    },
  };
}
