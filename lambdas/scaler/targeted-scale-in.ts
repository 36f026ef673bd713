import { findReceiver } from '../shared/channels';
import { removeLabelOf } from '../shared/config/remove-label';
import type { Config } from '../shared/config/schema';
import type { RemoveTarget, ScaleMember, ScaleRequested } from '../shared/events';
import type { ScalerContext } from './context';
import { commit, WAIT, withNodeGroupState, type LockStep } from './node-group-lock';
import { isTerminating, NodeGroupNotFoundError, NodeGroupValidationError, type AsgWithMembers, type GroupInstances } from './ports';
import { decideRemoval, type RemovalTarget } from './removal-policy';
import { emit } from './reporting';
import {
  act,
  audience,
  describeFailed,
  railsFor,
  reserveFleet,
  openRequest,
  refusalStep,
  RETRY_PREFIX,
  ScalingRetryError,
  type ActResult,
  type ScaleResult,
  type Subject,
  type SubjectBase,
  type TargetedScaleIn,
} from './scale-request';
import type { InFlight, NodeGroupState } from './state';

/**
 * Targeted scale-in: a scale-down whose scale config names the instance to
 * remove (`remove_instance_label` or `remove_node_label`) terminates exactly
 * that instance with `TerminateInstanceInAutoScalingGroup`, lowering the
 * desired capacity by one, instead of letting Auto Scaling pick one.
 *
 * A request serves every decision of a router batch, so it may name several
 * instances: each is removed in turn, as its own action
 * (`<request>/remove/<instance or node>`), through the same node-group lock,
 * guardrails, kill switch, dry-run and `max_action_age` as any step. The
 * request counts once for the cooldown and the rate limits; the lower bound
 * holds for every instance. A member whose alert lacks the label is refused,
 * never turned into an untargeted step.
 *
 * Idempotency: the instance is resolved and written into the group's
 * in-flight claim before Auto Scaling is called. A retry of that claim (the
 * call went through, the result was not committed) first looks at that very
 * instance: terminating or gone means the call went through, and nothing is
 * called again — a second instance is never terminated for one decision.
 */

/** Where a sub-action's id puts the instance: `scale-…/remove/i-0abc…`. */
const REMOVE_SEGMENT = '/remove/';

/** Lifecycle states of an instance on its way out. */

/** One instance a request names, and the decisions that name it. */
interface Target {
  readonly key: string;
  readonly remove: RemoveTarget;
  readonly members: readonly ScaleMember[];
}

/** Whether a request removes named instances: its scale config has a remove label, or its members name instances. */
function isTargeted(config: Config, request: ScaleRequested): boolean {
  const scale = findReceiver(config, request.receiver)?.scale_configs[request.configIndex];
  return (scale !== undefined && removeLabelOf(scale) !== undefined) || request.alerts.some((member) => member.remove !== undefined);
}

/** The request's targets in the order its decisions name them; decisions naming the same instance share one. */
function targetsOf(request: ScaleRequested): Target[] {
  const byKey = new Map<string, { key: string; remove: RemoveTarget; members: ScaleMember[] }>();
  for (const member of request.alerts) {
    const remove = member.remove ?? {};
    const key = remove.instanceId ?? remove.nodeName ?? '';
    const target = byKey.get(key) ?? { key, remove, members: [] };
    target.members.push(member);
    byKey.set(key, target);
  }
  return [...byKey.values()];
}

/** The id of the action that removes one target of a request. */
const removalActionId = (requestActionId: string, key: string) => `${requestActionId}${REMOVE_SEGMENT}${key || 'unnamed'}`;

/** The request one target becomes: its own action id, its own decisions. */
function subRequest(request: ScaleRequested, target: Target): ScaleRequested {
  return { ...request, actionId: removalActionId(request.actionId, target.key), alerts: [...target.members], decisionIds: [...new Set(target.members.map((m) => m.decisionId))] };
}

/** Another target of the same request was removed already (its cooldown and rate-limit slot are this request's). */
function siblingActed(state: Pick<NodeGroupState, 'applied'>, actionId: string): boolean {
  const prefix = actionId.slice(0, actionId.indexOf(REMOVE_SEGMENT) + REMOVE_SEGMENT.length);
  return state.applied.some((entry) => entry.actionId !== actionId && entry.actionId.startsWith(prefix) && entry.outcome === 'scaled');
}

/** How the scale config names instances, for the reason a member without the label is refused. */
function unnamedReason(config: Config, request: ScaleRequested): string {
  const scale = findReceiver(config, request.receiver)?.scale_configs[request.configIndex];
  const named = scale ? removeLabelOf(scale) : undefined;
  const what = named ? `no "${named.label}" label naming the ${named.kind === 'node' ? 'node' : 'instance'} to remove` : 'no instance named to remove';
  return `the alert has ${what}; nothing removed (a targeted scale-in never lets Auto Scaling pick another instance)`;
}

/** The instance a target names, looked up by node name when it gives one. */
async function resolveTarget(ctx: ScalerContext, target: Target, asg: AsgWithMembers, unnamed: string): Promise<RemovalTarget> {
  const { instanceId, nodeName } = target.remove;
  if (instanceId) return { instanceId };
  if (!nodeName) return { unresolved: unnamed };
  if (!ctx.nodeInstances) return { unresolved: `this scaler cannot look node names up (no EC2 access wired); node ${nodeName} not removed` };
  const ids = await ctx.nodeInstances.instanceIdsOf(nodeName);
  if (ids.length === 0) return { unresolved: `no EC2 instance (not terminated) has the private DNS name ${nodeName}; nothing removed` };
  // Private DNS names repeat across VPCs: the one in this group is the one meant.
  return { instanceId: ids.find((id) => asg.members.some((member) => member.instanceId === id)) ?? ids[0]! };
}

/** Terminates the claimed instance, unless (on a retry) it is already on its way out; what that came to. */
async function terminate(ctx: ScalerContext, subject: Subject, claimedState: NodeGroupState, claim: InFlight, verifyFirst: boolean): Promise<ActResult> {
  const instances = ctx.instances as GroupInstances;
  const asgName = subject.group.asg_name;
  const instanceId = claim.instanceId ?? '';
  const tags = { instanceId, ...(claim.nodeName !== undefined ? { nodeName: claim.nodeName } : {}) };
  const base = { actionId: claim.actionId, from: claim.from, at: ctx.clock().getTime(), ...tags };
  try {
    const already = verifyFirst && (await alreadyGoing(instances, asgName, instanceId));
    if (!already) await instances.terminate(asgName, instanceId);
    const reason = already ? `${claim.reason} (found terminating when retried: the earlier call went through)` : claim.reason;
    // The request counts once for cooldown and rate limits, however many instances it removes.
    const acted = siblingActed(claimedState, claim.actionId) ? undefined : { direction: 'down' as const };
    return { entry: { ...base, outcome: 'scaled', to: claim.to, reason }, change: { acted, observed: { desired: claim.to, upper: claim.upper } }, escalate: [] };
  } catch (error) {
    if (error instanceof NodeGroupValidationError || error instanceof NodeGroupNotFoundError) {
      return { entry: { ...base, outcome: 'failed', to: claim.from, reason: error.message }, change: {}, escalate: [] };
    }
    // Throttled past the retries, or unknown: keep the claim, so the retry looks at this instance again.
    ctx.log.warn('terminating the named instance failed; the record will be retried', { nodeGroup: subject.group.name, actionId: claim.actionId, instanceId, error: (error as Error).name });
    await emit(ctx, audience(subject, subject.members), { ...base, outcome: 'failed', to: claim.to, reason: `${RETRY_PREFIX}${(error as Error).message}` }, { known: subject.known });
    throw new ScalingRetryError(`TerminateInstanceInAutoScalingGroup ${instanceId} (${asgName}) failed: ${(error as Error).message}`, { cause: error });
  }
}

/** The instance left the group or is terminating: an earlier call for it went through. */
async function alreadyGoing(instances: GroupInstances, asgName: string, instanceId: string): Promise<boolean> {
  const member = (await instances.describeMembers(asgName)).members.find((candidate) => candidate.instanceId === instanceId);
  return member === undefined || isTerminating(member.lifecycleState);
}

const terminateClaimed = (ctx: ScalerContext, subject: Subject, state: NodeGroupState, claim: InFlight) => terminate(ctx, subject, state, claim, false);
const terminateAgain = (ctx: ScalerContext, subject: Subject, state: NodeGroupState, claim: InFlight) => terminate(ctx, subject, state, claim, true);

/** A lookup that failed for now (EC2 or Auto Scaling throttled): the decisions say so, and the record is retried. */
function lookupFailed(ctx: ScalerContext, subject: Subject, error: Error, now: number): LockStep<ScaleResult> {
  return commit(undefined, async () => {
    const entry = { actionId: subject.request.actionId, outcome: 'failed' as const, from: null, to: null, reason: `${RETRY_PREFIX}${error.message}`, at: now };
    await emit(ctx, audience(subject, subject.members), entry, { known: subject.known });
    throw new ScalingRetryError(`looking up the instance to remove for ${subject.request.actionId} failed: ${error.message}`, { cause: error });
  });
}

/** One target, under the node-group lock: answer a redelivery, wait for another claim, refuse, or claim and terminate. */
async function decideTarget(ctx: ScalerContext, base: SubjectBase, target: Target, state: NodeGroupState): Promise<LockStep<ScaleResult>> {
  const { request, group } = base;
  const opened = openRequest(ctx, base, state);
  if ('step' in opened) return opened.step;
  const { subject, now } = opened;

  const inFlight = state.inFlight;
  if (!ctx.instances) return describeFailed(ctx, subject, state, new NodeGroupValidationError('this scaler has no access to the groups\' instances, which a targeted scale-in needs'), now);
  const paused = await ctx.pause.isPaused();
  // Our own claim, not committed: the call may have gone through. Look before calling again; while
  // paused, finish only a call that went through (its instance is going), never make a new one.
  if (inFlight?.actionId === request.actionId && (!paused || (await alreadyGoing(ctx.instances, group.asg_name, inFlight.instanceId ?? '')))) {
    return commit(undefined, () => act(ctx, subject, state, inFlight, terminateAgain));
  }

  let asg: AsgWithMembers;
  let resolved: RemovalTarget;
  try {
    asg = await ctx.instances.describeMembers(group.asg_name);
  } catch (error) {
    return describeFailed(ctx, subject, state, error as Error, now);
  }
  try {
    resolved = await resolveTarget(ctx, target, asg, unnamedReason(ctx.config, request));
  } catch (error) {
    return lookupFailed(ctx, subject, error as Error, now);
  }
  const { ledger, guardrails } = await railsFor(ctx, group, asg, now);
  const { nodeName } = target.remove;
  const decision = decideRemoval({
    target: resolved,
    namedAs: nodeName ? `node ${nodeName}` : undefined,
    asgName: group.asg_name,
    asg,
    guardrails,
    history: state,
    cooldownSeconds: request.cooldownSeconds,
    now,
    paused,
    dryRun: ctx.config.settings.dry_run,
    requestDryRun: request.dryRun,
    sameRequestActed: siblingActed(state, request.actionId),
  });
  const tags = { ...(decision.instanceId !== undefined ? { instanceId: decision.instanceId } : {}), ...(nodeName ? { nodeName } : {}) };
  if (!decision.act) return refusalStep(ctx, subject, state, decision, now, tags);
  if (!(await reserveFleet(ctx, ledger, group, decision.to))) return WAIT;
  const claim: InFlight = { actionId: request.actionId, from: decision.from, to: decision.to, outcome: 'scaled', reason: decision.reason, direction: 'down', upper: decision.upperBound, at: now, ...tags };
  const claimed: NodeGroupState = { ...state, version: state.version + 1, inFlight: claim };
  return commit(claimed, () => act(ctx, subject, claimed, claim, terminateClaimed));
}

/** Several targets' results as one: scaled when any instance went, from the first `from` to the last `to`. */
function combined(results: readonly ScaleResult[]): ScaleResult {
  const first = results[0]!;
  return {
    outcome: results.some((r) => r.outcome === 'scaled') ? 'scaled' : first.outcome,
    from: first.from,
    to: results[results.length - 1]!.to,
    reason: results.map((r) => r.reason).join('; '),
    redelivered: results.every((r) => r.redelivered),
  };
}

/** Removes each instance a request names, in turn. Throws when the request must be retried; what is done stays done. */
async function handleTargeted(ctx: ScalerContext, base: SubjectBase): Promise<ScaleResult> {
  const results: ScaleResult[] = [];
  for (const target of targetsOf(base.request)) {
    const sub: SubjectBase = { ...base, request: subRequest(base.request, target) };
    results.push(
      await withNodeGroupState(ctx.lock, base.group.name, (state) => decideTarget(ctx, sub, target, state), {
        busy: `node group "${base.group.name}" stayed busy through ${ctx.lock.attempts} attempts; the request will be delivered again`,
      }),
    );
  }
  return combined(results);
}

/** The targeted scale-in use case, as `handleScaleRequest` takes it. */
export const targetedScaleIn: TargetedScaleIn = { applies: isTargeted, handle: handleTargeted };
