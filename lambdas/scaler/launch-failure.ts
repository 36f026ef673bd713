import * as z from 'zod/mini';
import type { NodeGroupConfig } from '../shared/config/schema';
import type { ScaleRequested } from '../shared/events';
import type { ScalerContext } from './context';
import type { DecisionRecord } from '../shared/decisions';
import { escalationDue, escalationSettings, toEscalate } from './escalation';
import { forwardFrom } from './fallback';
import { commit, withNodeGroupState, type LockStep } from './node-group-lock';
import { emit } from './reporting';
import { pruneState, longestWindow, type AppliedAction, type LastScaleUp, type NodeGroupState } from './state';

/**
 * The launch-failure use case: Auto Scaling's own `EC2 Instance Launch
 * Unsuccessful` event, which arrives after `SetDesiredCapacity` succeeded
 * but EC2 could not find the capacity. The group is backed off; a recent
 * scale-up of ours gives its increment back and moves it to the fallback
 * groups, as a capacity error at call time would.
 */

/** The detail-type Auto Scaling publishes on the default bus. */
export const LAUNCH_UNSUCCESSFUL = 'EC2 Instance Launch Unsuccessful';

/** The parts of Auto Scaling's launch-failure event the scaler reads. */
export const launchUnsuccessfulDetailSchema = z.looseObject({
  AutoScalingGroupName: z.string(),
  StatusMessage: z.optional(z.string()),
  Cause: z.optional(z.string()),
  ActivityId: z.optional(z.string()),
});
export type LaunchUnsuccessfulDetail = z.infer<typeof launchUnsuccessfulDetailSchema>;

/**
 * The request that made the failed scale-up, rebuilt from the state item and
 * its decisions (the state item keeps their ids, not their alerts).
 */
function requestOf(last: LastScaleUp, group: NodeGroupConfig, decisions: ReadonlyMap<string, DecisionRecord>): ScaleRequested {
  const alerts = last.members.flatMap(({ decisionId, actionId }) => {
    const decision = decisions.get(decisionId);
    if (!decision) return [];
    const alert = { status: decision.status, labels: decision.labels, annotations: {}, startsAt: decision.startsAt, generatorURL: '', fingerprint: decision.fingerprint };
    return [{ decisionId, actionId, alert, group: last.group }];
  });
  return {
    actionId: last.actionId,
    nodeGroup: group.name,
    receiver: last.receiver,
    configIndex: last.configIndex,
    change: last.to - last.from,
    cooldownSeconds: last.cooldownSeconds,
    dryRun: last.dryRun,
    ...(last.origin ? { fallbackFrom: last.origin } : {}),
    decisionIds: alerts.map((a) => a.decisionId),
    alerts,
    part: 1,
    parts: 1,
    requestedAt: last.requestedAt,
  };
}

/** Handles one launch failure. Throws `NodeGroupBusyError` when the group's state stayed busy. */
export async function handleLaunchFailure(ctx: ScalerContext, detail: LaunchUnsuccessfulDetail): Promise<void> {
  const group = ctx.byAsg.get(detail.AutoScalingGroupName);
  if (!group) {
    ctx.log.info('launch failure in an Auto Scaling group alertscale does not manage', { asgName: detail.AutoScalingGroupName });
    return;
  }
  const message = detail.StatusMessage ?? detail.Cause ?? 'launch unsuccessful';
  await withNodeGroupState(ctx.lock, group.name, (state) => decideLaunchFailure(ctx, group, state, message), {
    busy: `node group "${group.name}" stayed busy while handling a launch failure`,
  });
}

async function decideLaunchFailure(ctx: ScalerContext, group: NodeGroupConfig, state: NodeGroupState, message: string): Promise<LockStep<void>> {
  const now = ctx.clock().getTime();
  const backoffUntil = Math.max(state.backoffUntil ?? 0, now + group.capacity_backoff);
  const last = state.lastScaleUp;
  if (!last || last.failureHandled || now - last.at > ctx.launchWindowMs) {
    // Nothing of ours to move: the group still could not launch, so skip it for a while.
    return commit({ ...state, version: state.version + 1, backoffUntil }, async () =>
      ctx.log.info('launch failure backs the group off', { nodeGroup: group.name, until: new Date(backoffUntil).toISOString() }),
    );
  }
  const known = await ctx.decisions.getMany(last.members.map((member) => member.decisionId));
  const request = requestOf(last, group, known);
  const to = await giveBackIncrement(ctx, group, last);
  const moved = forwardFrom(ctx.fallbacks, request, last.to - last.from);
  const escalation = escalationSettings(ctx.config, last.receiver, last.configIndex);
  const escalate = moved.exhausted && escalationDue(escalation, { kind: 'failed' }) ? toEscalate(request.alerts, state, known) : [];
  const entry: AppliedAction = {
    actionId: last.actionId,
    outcome: moved.forwarded ? 'fallback' : 'failed',
    from: last.to,
    to,
    reason: `launch unsuccessful: ${message}${moved.note}${escalate.length > 0 ? `; escalated to ${escalation?.receiver}` : ''}`,
    at: now,
    ...(moved.forwarded ? { forwarded: moved.forwarded } : {}),
    ...(escalate.length > 0 ? { escalated: true } : {}),
  };
  // Report first: a retry of this event forwards the same derived actionId, which the fallback group applies once.
  await emit(ctx, { request, group, members: request.alerts, escalate }, entry, { known });
  const next: NodeGroupState = pruneState(
    {
      ...state,
      version: state.version + 1,
      backoffUntil,
      lastScaleUp: { ...last, failureHandled: true },
      lastAction: entry,
      atMaxSince: undefined,
      escalated: [...state.escalated, ...escalate.map((member) => member.decisionId)],
    },
    now,
    longestWindow(group),
  );
  return commit(next, async () => {});
}

/** Gives the failed increment back, unless someone moved the group since (the ASG would keep retrying the launch); the desired capacity after. */
async function giveBackIncrement(ctx: ScalerContext, group: NodeGroupConfig, last: LastScaleUp): Promise<number> {
  try {
    const asg = await ctx.nodeGroups.describe(group.asg_name);
    if (asg.desired !== last.to) return asg.desired;
    await ctx.nodeGroups.setDesired(group.asg_name, last.from);
    return last.from;
  } catch (error) {
    ctx.log.warn('could not give back the failed increment', { nodeGroup: group.name, error: (error as Error).message });
    return last.to;
  }
}
