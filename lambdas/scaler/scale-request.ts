import type { NodeGroupConfig } from '../shared/config/schema';
import type { ScaleRequested } from '../shared/events';
import type { ScalerContext } from './context';
import { escalationSettings, shouldEscalate, type EscalationSettings } from './escalation';
import { forwardFrom } from './fallback';
import { commit, WAIT, withNodeGroupState, type LockStep } from './node-group-lock';
import { decideScaling, type ScalingDecision } from './policy';
import { CapacityUnavailableError, NodeGroupNotFoundError, NodeGroupValidationError, type AsgDescription } from './ports';
import { emit, PLAIN_REFUSALS, plainRefusalOnDecision } from './reporting';
import { atMaxSinceAfter, nextState, type AppliedAction, type InFlight, type NodeGroupState, type StateChange } from './state';

/**
 * The scale-request use case: one `Scale Requested` against its node group.
 *
 * Read the group's state item, answer a redelivery from it, wait while another
 * request holds the group, then decide with the pure policy and commit the
 * decision with a version-conditional write. An acting decision is committed
 * first as an in-flight claim (the absolute target), then `SetDesiredCapacity`
 * is called, then the result is committed — so a conflict is always detected
 * before Auto Scaling is called, and a retry of a claim repeats the same
 * absolute call, which is idempotent. Outcomes are recorded on the decision
 * and emitted as `Scaling Action`.
 */

/** Auto Scaling failed in a way worth retrying after the adapter's own retries; the decision says failed until a retry succeeds. */
export class ScalingRetryError extends Error {
  override readonly name = 'ScalingRetryError';
}

/** What became of one scale request. */
export interface ScaleResult {
  readonly outcome: AppliedAction['outcome'];
  readonly from: number | null;
  readonly to: number | null;
  readonly reason: string;
  /** The request had been applied before: nothing was done again. */
  readonly redelivered: boolean;
}

/** What one request is about: its group and the escalation settings of the scale config that made it. */
interface Subject {
  readonly request: ScaleRequested;
  readonly group: NodeGroupConfig;
  readonly escalation: EscalationSettings | undefined;
}

const failure = (request: ScaleRequested, reason: string, at: number): AppliedAction => ({
  actionId: request.action.actionId,
  decisionId: request.decisionId,
  outcome: 'failed',
  from: null,
  to: null,
  reason,
  at,
});

async function report(ctx: ScalerContext, subject: Pick<Subject, 'group' | 'request'>, entry: AppliedAction, redelivered = false): Promise<ScaleResult> {
  await emit(ctx, subject.group, subject.request, entry, redelivered);
  return { ...entry, redelivered };
}

/** Handles one `Scale Requested`. Throws when it must be retried (SQS delivers it again). */
export async function handleScaleRequest(ctx: ScalerContext, request: ScaleRequested): Promise<ScaleResult> {
  const { action } = request;
  const group = ctx.byName.get(action.nodeGroup);
  if (!group) {
    ctx.log.error('scale request for an unknown node group', { nodeGroup: action.nodeGroup, actionId: action.actionId });
    const entry = failure(request, `no node group named "${action.nodeGroup}" in the configuration`, ctx.clock().getTime());
    await emit(ctx, undefined, request, entry);
    return { ...entry, redelivered: false };
  }
  const subject: Subject = { request, group, escalation: escalationSettings(ctx.config, action.receiver, action.configIndex) };
  return withNodeGroupState(ctx.lock, group.name, (state) => decideRequest(ctx, subject, state), {
    busy: `node group "${group.name}" stayed busy through ${ctx.lock.attempts} attempts; the request will be delivered again`,
  });
}

async function decideRequest(ctx: ScalerContext, subject: Subject, state: NodeGroupState): Promise<LockStep<ScaleResult>> {
  const { request, group } = subject;
  const { action } = request;
  const now = ctx.clock().getTime();
  const applied = state.applied.find((candidate) => candidate.actionId === action.actionId) ?? (await plainRefusalOnDecision(ctx.decisions, request));
  if (applied) {
    ctx.log.info('scale request already applied; reporting its outcome again', { actionId: action.actionId, outcome: applied.outcome });
    return commit(undefined, () => report(ctx, subject, applied, true));
  }
  const inFlight = state.inFlight;
  // Another request is between its claim and its Auto Scaling call: wait for it.
  if (inFlight && inFlight.actionId !== action.actionId && now - inFlight.at < ctx.leaseMs) return WAIT;
  if (inFlight && inFlight.actionId !== action.actionId) {
    ctx.log.warn('taking over an abandoned in-flight scaling claim', { nodeGroup: group.name, abandoned: inFlight.actionId, claimedAt: new Date(inFlight.at).toISOString() });
  }
  const paused = await ctx.pause.isPaused();
  // A retry of our own claim: repeat the same absolute call.
  if (inFlight?.actionId === action.actionId && !paused) return commit(undefined, () => act(ctx, subject, state, inFlight));

  let asg: AsgDescription;
  try {
    asg = await ctx.nodeGroups.describe(group.asg_name);
  } catch (error) {
    return describeFailed(ctx, subject, state, error as Error, now);
  }
  const decision = decideScaling({
    request: { change: action.change, set: action.set, cooldownSeconds: action.cooldownSeconds, dryRun: action.dryRun, fallback: action.fallbackFrom !== undefined },
    guardrails: { min: group.min, max: group.max, rateLimits: group.rate_limits },
    asg,
    history: state,
    now,
    paused,
    dryRun: ctx.config.settings.dry_run,
  });
  if (decision.act) {
    const claim = claimFor(request, decision, now);
    const claimed: NodeGroupState = { ...state, version: state.version + 1, inFlight: claim };
    return commit(claimed, () => act(ctx, subject, claimed, claim));
  }
  return refusalStep(ctx, subject, state, decision, now);
}

/** A describe that failed: retried later when transient, recorded as failed (and maybe escalated) when not. */
async function describeFailed(ctx: ScalerContext, subject: Subject, state: NodeGroupState, error: Error, now: number): Promise<LockStep<ScaleResult>> {
  const { request, group } = subject;
  if (!(error instanceof NodeGroupNotFoundError || error instanceof NodeGroupValidationError)) {
    return commit(undefined, async () => {
      await emit(ctx, group, request, failure(request, `will be retried: ${error.message}`, now));
      throw new ScalingRetryError(`DescribeAutoScalingGroups ${group.asg_name} failed: ${error.message}`, { cause: error });
    });
  }
  const escalated = await shouldEscalate(ctx.decisions, { decisionId: request.decisionId, alertStatus: request.alert.status }, subject.escalation, state, { kind: 'failed' });
  const entry: AppliedAction = { ...failure(request, error.message, now), escalated };
  return commit(nextState({ ...state, inFlight: undefined }, group, entry, {}), () => report(ctx, subject, entry));
}

function claimFor(request: ScaleRequested, decision: ScalingDecision, now: number): InFlight {
  return {
    actionId: request.action.actionId,
    decisionId: request.decisionId,
    from: decision.from,
    to: decision.to,
    outcome: decision.outcome === 'clamped' ? 'clamped' : 'scaled',
    reason: decision.reason,
    direction: decision.direction ?? 'up',
    upper: decision.upperBound,
    at: now,
  };
}

/**
 * A decision that does not act. A plain refusal changes nothing on the group,
 * so the state item (the group's history, kilobytes of it) is not rewritten:
 * its outcome goes on the decision, where a redelivery finds it. The item is
 * written when the refusal teaches it something: a claim to release (past the
 * wait, any claim left is ours or abandoned), the group reaching its bound, a
 * failure, a forward, an escalation.
 */
async function refusalStep(ctx: ScalerContext, subject: Subject, state: NodeGroupState, decision: ScalingDecision, now: number): Promise<LockStep<ScaleResult>> {
  const entry = await refusal(ctx, subject, state, decision, now);
  const observed = { desired: decision.from, upper: decision.upperBound };
  const atMaxSince = atMaxSinceAfter(state, observed, now);
  const teachesState =
    !PLAIN_REFUSALS.has(entry.outcome) || state.inFlight !== undefined || atMaxSince !== state.atMaxSince || entry.forwarded !== undefined || entry.escalated === true;
  const write = teachesState ? nextState({ ...state, inFlight: undefined }, subject.group, entry, { observed, atMaxSince }) : undefined;
  return commit(write, () => report(ctx, subject, entry));
}

/** The applied entry for a decision that does not act: why, and where the increment goes instead. */
async function refusal(ctx: ScalerContext, subject: Subject, state: NodeGroupState, decision: ScalingDecision, now: number): Promise<AppliedAction> {
  const { request } = subject;
  const { action } = request;
  let reason = decision.reason;
  let forwarded: AppliedAction['forwarded'];
  let failedEverywhere = false;
  // A backed-off group sends scale-ups straight to its fallbacks; a fallback request passes on what it could not take.
  const passesOn =
    decision.direction === 'up' &&
    (decision.outcome === 'backed-off' || (action.fallbackFrom !== undefined && ['at-target', 'rate-limited', 'failed'].includes(decision.outcome)));
  if (passesOn) {
    const moved = forwardFrom(ctx.fallbacks, request, decision.requested - decision.from);
    reason += moved.note;
    forwarded = moved.forwarded;
    failedEverywhere = moved.exhausted;
  }
  let escalated = false;
  if (decision.direction === 'up') {
    const trigger =
      failedEverywhere || decision.outcome === 'failed'
        ? ({ kind: 'failed' } as const)
        : action.fallbackFrom === undefined && decision.outcome === 'at-target'
          ? ({ kind: 'at-max', atMaxSince: atMaxSinceAfter(state, { desired: decision.from, upper: decision.upperBound }, now), now } as const)
          : undefined;
    escalated = trigger !== undefined && (await shouldEscalate(ctx.decisions, { decisionId: request.decisionId, alertStatus: request.alert.status }, subject.escalation, state, trigger));
    if (escalated) reason += `; escalated to ${subject.escalation?.receiver}`;
  }
  return {
    actionId: action.actionId,
    decisionId: request.decisionId,
    outcome: decision.outcome,
    from: decision.from,
    to: decision.to,
    reason,
    at: now,
    ...(escalated ? { escalated } : {}),
    ...(forwarded ? { forwarded } : {}),
  };
}

/** Calls Auto Scaling for a committed claim, then commits and reports what happened. */
async function act(ctx: ScalerContext, subject: Subject, claimedState: NodeGroupState, claim: InFlight): Promise<ScaleResult> {
  const { entry, change } = await setDesired(ctx, subject, claimedState, claim);
  await withNodeGroupState(
    ctx.lock,
    subject.group.name,
    async (state, attempt): Promise<LockStep<void>> => {
      const done = async () => {};
      // Only a takeover of an abandoned claim writes in between, so this rarely loops.
      if (attempt > 1 && state.applied.some((candidate) => candidate.actionId === claim.actionId)) return commit(undefined, done);
      if (attempt > 1 && state.inFlight?.actionId !== claim.actionId) {
        ctx.log.warn('in-flight claim was taken over before its result was committed', { nodeGroup: subject.group.name, actionId: claim.actionId });
        return commit(undefined, done);
      }
      // Reaching the upper bound starts the escalation clock (atMaxSince); a later step escalates once it has run out.
      const atMaxSince = change.observed ? atMaxSinceAfter(state, change.observed, entry.at) : undefined;
      return commit(nextState(state, subject.group, entry, { ...change, atMaxSince }), done);
    },
    { busy: `could not commit the result of ${claim.actionId} on node group "${subject.group.name}"`, initial: claimedState },
  );
  return report(ctx, subject, entry);
}

/** `SetDesiredCapacity` for the claim, and what its result (or its failure) teaches the state item. */
async function setDesired(ctx: ScalerContext, subject: Subject, claimedState: NodeGroupState, claim: InFlight): Promise<{ entry: AppliedAction; change: StateChange }> {
  const { request, group } = subject;
  let result: { entry: AppliedAction; change: StateChange };
  try {
    await ctx.nodeGroups.setDesired(group.asg_name, claim.to);
    result = scaled(ctx, request, claim, ctx.clock().getTime());
  } catch (error) {
    result = await setDesiredFailed(ctx, subject, claim, error as Error, ctx.clock().getTime());
  }
  const { entry } = result;
  if (entry.outcome === 'failed' && (await shouldEscalate(ctx.decisions, { decisionId: request.decisionId, alertStatus: request.alert.status }, subject.escalation, claimedState, { kind: 'failed' }))) {
    return { ...result, entry: { ...entry, escalated: true, reason: `${entry.reason}; escalated to ${subject.escalation?.receiver}` } };
  }
  return result;
}

function scaled(ctx: ScalerContext, request: ScaleRequested, claim: InFlight, now: number): { entry: AppliedAction; change: StateChange } {
  const { action } = request;
  let entry: AppliedAction = { actionId: claim.actionId, decisionId: claim.decisionId, outcome: claim.outcome, from: claim.from, to: claim.to, reason: claim.reason, at: now };
  const scaleUp =
    claim.direction === 'up'
      ? {
          decisionId: request.decisionId,
          actionId: claim.actionId,
          receiver: action.receiver,
          from: claim.from,
          to: claim.to,
          at: now,
          step: action.step,
          configIndex: action.configIndex,
          cooldownSeconds: action.cooldownSeconds,
          dryRun: action.dryRun,
          origin: action.fallbackFrom,
          alert: request.alert,
          group: request.group,
          failureHandled: false,
        }
      : undefined;
  // A fallback that fit only in part passes the rest on along the chain.
  const remainder = action.fallbackFrom !== undefined && claim.direction === 'up' ? (action.change ?? 0) - (claim.to - claim.from) : 0;
  if (remainder > 0) {
    const moved = forwardFrom(ctx.fallbacks, request, remainder);
    entry = { ...entry, reason: `${entry.reason}${moved.note}`, ...(moved.forwarded ? { forwarded: moved.forwarded } : {}) };
  }
  return { entry, change: { acted: { direction: claim.direction }, scaleUp, observed: { desired: claim.to, upper: claim.upper } } };
}

async function setDesiredFailed(ctx: ScalerContext, subject: Subject, claim: InFlight, error: Error, now: number): Promise<{ entry: AppliedAction; change: StateChange }> {
  const { request, group } = subject;
  const base = { actionId: claim.actionId, decisionId: claim.decisionId, from: claim.from, to: claim.from, at: now };
  if (error instanceof CapacityUnavailableError && claim.direction === 'up') {
    const moved = forwardFrom(ctx.fallbacks, request, claim.to - claim.from);
    const entry: AppliedAction = {
      ...base,
      outcome: moved.forwarded ? 'fallback' : 'failed',
      reason: `no capacity: ${error.message}${moved.note}`,
      ...(moved.forwarded ? { forwarded: moved.forwarded } : {}),
    };
    return { entry, change: { backoffUntil: now + group.capacity_backoff } };
  }
  if (error instanceof CapacityUnavailableError || error instanceof NodeGroupNotFoundError || error instanceof NodeGroupValidationError) {
    return { entry: { ...base, outcome: 'failed', reason: error.message }, change: {} };
  }
  // Throttled or busy past the adapter's retries, or an unknown error: keep the claim so a retry repeats it.
  ctx.log.warn('scaling call failed; the record will be retried', { nodeGroup: group.name, actionId: claim.actionId, error: error.name });
  await emit(ctx, group, request, { ...base, to: claim.to, outcome: 'failed', reason: `will be retried: ${error.message}` });
  throw new ScalingRetryError(`SetDesiredCapacity ${group.asg_name} ${claim.to} failed: ${error.message}`, { cause: error });
}
