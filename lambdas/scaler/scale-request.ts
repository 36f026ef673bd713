import type { NodeGroupConfig } from '../shared/config/schema';
import type { DecisionRecord } from '../shared/decisions';
import type { ScaleMember, ScaleRequested } from '../shared/events';
import type { ScalerContext } from './context';
import { escalationDue, escalationSettings, toEscalate, type EscalationSettings, type EscalationTrigger } from './escalation';
import { forwardFrom } from './fallback';
import { commit, WAIT, withNodeGroupState, type LockStep } from './node-group-lock';
import { decideScaling, type ScalingDecision } from './policy';
import { guardrailsNow } from './guardrails';
import { CapacityUnavailableError, NodeGroupNotFoundError, NodeGroupValidationError, type AsgDescription, type FleetNodes } from './ports';
import { emit, PLAIN_REFUSALS, type Audience } from './reporting';
import { atMaxSinceAfter, MEMBERS_KEPT, nextState, type AppliedAction, type InFlight, type NodeGroupState, type StateChange } from './state';

/**
 * The scale-request use case: one `Scale Requested` — one step for every
 * decision it lists — against its node group.
 *
 * Read the group's state item, answer a redelivery from it (or, for a plain
 * refusal, from the decisions), wait while another request holds the group,
 * refuse a request older than `max_action_age`, then decide with the pure
 * policy and commit the decision with a version-conditional write. An acting
 * decision is committed first as an in-flight claim (the absolute target),
 * then `SetDesiredCapacity` is called, then the result is committed — so a
 * conflict is always detected before Auto Scaling is called, and a retry of
 * a claim repeats the same absolute call, which is idempotent. The shared
 * outcome is recorded on every decision and emitted as one `Scaling Action`.
 */

/** Auto Scaling failed in a way worth retrying after the adapter's own retries; the decisions say failed until a retry succeeds. */
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

/** What one request is about: its group, the scale config's escalation settings, and the decisions it reports to. */
export interface Subject {
  readonly request: ScaleRequested;
  readonly group: NodeGroupConfig;
  readonly escalation: EscalationSettings | undefined;
  /** The decisions not yet served by any request (a redelivery may list some that were). */
  readonly members: readonly ScaleMember[];
  /** The request's decisions as read before deciding. */
  readonly known: ReadonlyMap<string, DecisionRecord>;
}

export const entryOf = (request: ScaleRequested, fields: Omit<AppliedAction, 'actionId'>): AppliedAction => ({ actionId: request.actionId, ...fields });

export const audience = (subject: Pick<Subject, 'request' | 'group'>, members: readonly ScaleMember[], escalate: readonly ScaleMember[] = []): Audience => ({ request: subject.request, group: subject.group, members, escalate });

export async function report(ctx: ScalerContext, subject: Subject, entry: AppliedAction, escalate: readonly ScaleMember[] = []): Promise<ScaleResult> {
  await emit(ctx, audience(subject, subject.members, escalate), entry, { known: subject.known });
  return { ...entry, redelivered: false };
}

/** Reports an outcome the request already had to all of its decisions again (a redelivery), escalations included. */
async function reportAgain(ctx: ScalerContext, subject: Subject, entry: AppliedAction, state: Pick<NodeGroupState, 'escalated'>): Promise<ScaleResult> {
  ctx.log.info('scale request already applied; reporting its outcome again', { actionId: subject.request.actionId, outcome: entry.outcome });
  const escalate = entry.escalated ? subject.request.alerts.filter((m) => m.alert.status === 'firing' && state.escalated.includes(m.decisionId)) : [];
  await emit(ctx, audience(subject, subject.request.alerts, escalate), entry, { known: subject.known, redelivery: true });
  return { ...entry, redelivered: true };
}

/** What a request is about before its group's state is read. */
export type SubjectBase = Omit<Subject, 'members'>;

/** The use case that takes over a request whose scale config removes named instances (`targeted-scale-in.ts`). */
export interface TargetedScaleIn {
  readonly applies: (config: ScalerContext['config'], request: ScaleRequested) => boolean;
  readonly handle: (ctx: ScalerContext, base: SubjectBase) => Promise<ScaleResult>;
}

/** Handles one `Scale Requested`. Throws when it must be retried (SQS delivers it again). */
export async function handleScaleRequest(ctx: ScalerContext, request: ScaleRequested, targeted?: TargetedScaleIn): Promise<ScaleResult> {
  const group = ctx.byName.get(request.nodeGroup);
  const known = await ctx.decisions.getMany(request.decisionIds);
  if (!group) {
    ctx.log.error('scale request for an unknown node group', { nodeGroup: request.nodeGroup, actionId: request.actionId });
    const entry = entryOf(request, { outcome: 'failed', from: null, to: null, reason: `no node group named "${request.nodeGroup}" in the configuration`, at: ctx.clock().getTime() });
    await emit(ctx, { request, group: undefined, members: request.alerts, escalate: [] }, entry, { known });
    return { ...entry, redelivered: false };
  }
  const escalation = escalationSettings(ctx.config, request.receiver, request.configIndex);
  const base = { request, group, escalation, known };
  if (targeted?.applies(ctx.config, request)) return targeted.handle(ctx, base);
  return withNodeGroupState(ctx.lock, group.name, (state) => decideRequest(ctx, base, state), {
    busy: `node group "${group.name}" stayed busy through ${ctx.lock.attempts} attempts; the request will be delivered again`,
  });
}

/** How the reason of a failure that will be retried starts: the decision says failed, but it is not final. */
export const RETRY_PREFIX = 'will be retried: ';

/** The final outcome a decision already has for its action in this request, when some request has served it. */
export const servedOutcome = (member: ScaleMember, known: ReadonlyMap<string, DecisionRecord>) => {
  const recorded = known.get(member.decisionId)?.actions.find((action) => action.actionId === member.actionId);
  if (!recorded || recorded.outcome === 'requested') return undefined;
  return recorded.outcome === 'failed' && recorded.detail?.startsWith(RETRY_PREFIX) ? undefined : recorded;
};

/**
 * What every step of a scale request, targeted or not, settles first under
 * the lock: a request already applied reports its outcome again; decisions
 * already served (by this request, redelivered, or another one) keep theirs;
 * another request between its claim and its call is waited for; a request
 * older than `max_action_age` is recorded as expired. Otherwise, the
 * decisions still to serve (a claim abandoned past its lease is taken over,
 * with a warning), and the instant they are decided at.
 */
export function openRequest(ctx: ScalerContext, base: SubjectBase, state: NodeGroupState): { readonly step: LockStep<ScaleResult> } | { readonly subject: Subject; readonly now: number } {
  const { request, known } = base;
  const now = ctx.clock().getTime();
  const applied = state.applied.find((candidate) => candidate.actionId === request.actionId);
  if (applied) return { step: commit(undefined, () => reportAgain(ctx, { ...base, members: request.alerts }, applied, state)) };
  const members = request.alerts.filter((member) => !servedOutcome(member, known));
  if (members.length === 0) return { step: servedElsewhere(ctx, { ...base, members }, now) };
  const inFlight = state.inFlight;
  if (inFlight && inFlight.actionId !== request.actionId && now - inFlight.at < ctx.leaseMs) return { step: WAIT };
  const subject = { ...base, members };
  const age = now - Date.parse(request.requestedAt);
  if (age > ctx.config.settings.max_action_age) return { step: expired(ctx, subject, state, age, now) };
  if (inFlight && inFlight.actionId !== request.actionId) {
    ctx.log.warn('taking over an abandoned in-flight scaling claim', { nodeGroup: base.group.name, abandoned: inFlight.actionId, claimedAt: new Date(inFlight.at).toISOString() });
  }
  return { subject, now };
}

async function decideRequest(ctx: ScalerContext, base: SubjectBase, state: NodeGroupState): Promise<LockStep<ScaleResult>> {
  const { request, group } = base;
  const opened = openRequest(ctx, base, state);
  if ('step' in opened) return opened.step;
  const { subject, now } = opened;

  const inFlight = state.inFlight;
  const paused = await ctx.pause.isPaused();
  // A retry of our own claim: repeat the same absolute call.
  if (inFlight?.actionId === request.actionId && !paused) return commit(undefined, () => act(ctx, subject, state, inFlight));

  let asg: AsgDescription;
  try {
    asg = await ctx.nodeGroups.describe(group.asg_name);
  } catch (error) {
    return describeFailed(ctx, subject, state, error as Error, now);
  }
  const { ledger, guardrails } = await railsFor(ctx, group, asg, now);
  const decision = decideScaling({
    request: { change: request.change, set: request.set, cooldownSeconds: request.cooldownSeconds, dryRun: request.dryRun, fallback: request.fallbackFrom !== undefined },
    guardrails,
    asg,
    history: state,
    now,
    paused,
    dryRun: ctx.config.settings.dry_run,
  });
  if (decision.act) {
    if (!(await reserveFleet(ctx, ledger, group, decision.to))) return WAIT;
    const claim = claimFor(request, decision, now);
    const claimed: NodeGroupState = { ...state, version: state.version + 1, inFlight: claim };
    return commit(claimed, () => act(ctx, subject, claimed, claim));
  }
  return refusalStep(ctx, subject, state, decision, now);
}

/**
 * The fleet ledger with every group counted: this group at its actual desired
 * capacity, any group the ledger has never seen at its own (read once; the
 * write that follows an action keeps it).
 */
async function fleetLedgerWith(ctx: ScalerContext, group: NodeGroupConfig, asg: AsgDescription): Promise<FleetNodes> {
  const ledger = await ctx.fleet!.get();
  const groups: Record<string, number> = { ...ledger.groups, [group.name]: asg.desired };
  for (const other of ctx.config.node_groups) {
    if (groups[other.name] === undefined) groups[other.name] = (await ctx.nodeGroups.describe(other.asg_name)).desired;
  }
  return { version: ledger.version, groups };
}

/**
 * The bounds a step of `group` is decided within now: min and max from the
 * configuration, schedules and (with `settings.budget`) the fleet ledger,
 * which is returned too for {@link reserveFleet}; and the group's rate limits.
 */
export async function railsFor(ctx: ScalerContext, group: NodeGroupConfig, asg: AsgDescription, now: number) {
  const ledger = ctx.config.settings.budget ? await fleetLedgerWith(ctx, group, asg) : undefined;
  const rails = guardrailsNow(ctx.config, group, ctx.intervals, new Date(now), ledger);
  return { ledger, guardrails: { min: rails.min, max: rails.max, minSource: rails.minSource, maxSource: rails.maxSource, rateLimits: group.rate_limits } };
}

/**
 * Takes the fleet's room for `group` at `to` before the group is claimed, so
 * another group acting at the same moment reads it; false when the ledger
 * changed since it was read (wait, and decide again). Always true without a budget.
 */
export async function reserveFleet(ctx: ScalerContext, ledger: FleetNodes | undefined, group: NodeGroupConfig, to: number): Promise<boolean> {
  if (!ledger) return true;
  return ctx.fleet!.put({ version: ledger.version + 1, groups: { ...ledger.groups, [group.name]: to } }, ledger.version);
}

/**
 * Every decision of the request has a final outcome already: a redelivered
 * plain refusal (acts, failures and forwards are found on the state item),
 * or decisions served by an earlier request. Their outcomes stay; only the
 * `Scaling Action` goes out again, in case the first was lost after the
 * decisions were written.
 */
function servedElsewhere(ctx: ScalerContext, subject: Subject, now: number): LockStep<ScaleResult> {
  const { request } = subject;
  const first = request.alerts.map((member) => servedOutcome(member, subject.known)).find((outcome) => outcome !== undefined);
  if (!first) {
    ctx.log.warn('scale request serves no decision on record; nothing to do', { actionId: request.actionId, nodeGroup: request.nodeGroup });
    return commit(undefined, async () => ({ outcome: 'failed', from: null, to: null, reason: 'no decision of this request is on record', redelivered: true }));
  }
  const entry = entryOf(request, { outcome: first.outcome as AppliedAction['outcome'], from: first.from ?? null, to: first.to ?? null, reason: first.detail ?? '', at: Date.parse(first.at) || now });
  return commit(undefined, async () => {
    ctx.log.info('scale request already answered; reporting its outcome again', { actionId: request.actionId, outcome: entry.outcome });
    await emit(ctx, audience(subject, request.alerts), entry, { known: subject.known, redelivery: true, eventsOnly: true });
    return { ...entry, redelivered: true };
  });
}

/** A request older than `max_action_age` is never applied: `expired`, on every decision (and releases our own stale claim). */
function expired(ctx: ScalerContext, subject: Subject, state: NodeGroupState, age: number, now: number): LockStep<ScaleResult> {
  const maxAge = ctx.config.settings.max_action_age;
  const entry = entryOf(subject.request, { outcome: 'expired', from: null, to: null, reason: `requested at ${subject.request.requestedAt}, ${Math.round(age / 1000)}s ago: older than max_action_age (${maxAge / 1000}s), so never applied`, at: now });
  ctx.log.warn('scale request expired; not applied', { actionId: subject.request.actionId, nodeGroup: subject.group.name, ageSeconds: Math.round(age / 1000) });
  const write = state.inFlight?.actionId === subject.request.actionId ? { ...state, version: state.version + 1, inFlight: undefined } : undefined;
  return commit(write, () => report(ctx, subject, entry));
}

/** A describe that failed: retried later when transient, recorded as failed (and maybe escalated) when not. */
export function describeFailed(ctx: ScalerContext, subject: Subject, state: NodeGroupState, error: Error, now: number): LockStep<ScaleResult> {
  const { request, group } = subject;
  if (!(error instanceof NodeGroupNotFoundError || error instanceof NodeGroupValidationError)) {
    return commit(undefined, async () => {
      await emit(ctx, audience(subject, subject.members), entryOf(request, { outcome: 'failed', from: null, to: null, reason: `${RETRY_PREFIX}${error.message}`, at: now }), { known: subject.known });
      throw new ScalingRetryError(`DescribeAutoScalingGroups ${group.asg_name} failed: ${error.message}`, { cause: error });
    });
  }
  const escalate = escalationDue(subject.escalation, { kind: 'failed' }) ? toEscalate(subject.members, state, subject.known) : [];
  const entry = entryOf(request, { outcome: 'failed', from: null, to: null, reason: error.message, at: now, ...(escalate.length > 0 ? { escalated: true } : {}) });
  const next = nextState({ ...state, inFlight: undefined }, group, entry, { escalated: escalate.map((m) => m.decisionId) });
  return commit(next, () => report(ctx, subject, entry, escalate));
}

function claimFor(request: ScaleRequested, decision: ScalingDecision, now: number): InFlight {
  return {
    actionId: request.actionId,
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
 * so the state item (the group's history) is not rewritten: its outcome goes
 * on the decisions, where a redelivery finds it. The item is written when
 * the refusal teaches it something: a claim to release (past the wait, any
 * claim left is ours or abandoned), the group reaching its bound, a failure,
 * a forward, an escalation.
 */
export function refusalStep(
  ctx: ScalerContext,
  subject: Subject,
  state: NodeGroupState,
  decision: ScalingDecision,
  now: number,
  /** Fields the entry carries besides the decision's (a targeted scale-in's instance). */
  extra: Pick<AppliedAction, 'instanceId' | 'nodeName'> = {},
): LockStep<ScaleResult> {
  const refused = refusal(ctx, subject, state, decision, now);
  const { escalate } = refused;
  const entry: AppliedAction = { ...refused.entry, ...extra };
  const observed = { desired: decision.from, upper: decision.upperBound };
  const atMaxSince = atMaxSinceAfter(state, observed, now);
  const teachesState =
    !PLAIN_REFUSALS.has(entry.outcome) || state.inFlight !== undefined || atMaxSince !== state.atMaxSince || entry.forwarded !== undefined || entry.escalated === true;
  const write = teachesState ? nextState({ ...state, inFlight: undefined }, subject.group, entry, { observed, atMaxSince, escalated: escalate.map((m) => m.decisionId) }) : undefined;
  return commit(write, () => report(ctx, subject, entry, escalate));
}

/** The applied entry for a decision that does not act: why, where the increment goes instead, and whom it escalates. */
function refusal(ctx: ScalerContext, subject: Subject, state: NodeGroupState, decision: ScalingDecision, now: number): { entry: AppliedAction; escalate: ScaleMember[] } {
  const { request } = subject;
  let reason = decision.reason;
  let forwarded: AppliedAction['forwarded'];
  let failedEverywhere = false;
  // A backed-off group sends scale-ups straight to its fallbacks; a fallback request passes on what it could not take.
  const passesOn =
    decision.direction === 'up' &&
    (decision.outcome === 'backed-off' || (request.fallbackFrom !== undefined && ['at-target', 'rate-limited', 'failed'].includes(decision.outcome)));
  if (passesOn) {
    const moved = forwardFrom(ctx.fallbacks, request, decision.requested - decision.from);
    reason += moved.note;
    forwarded = moved.forwarded;
    failedEverywhere = moved.exhausted;
  }
  let trigger: EscalationTrigger | undefined;
  if (decision.direction === 'up' && (failedEverywhere || decision.outcome === 'failed')) trigger = { kind: 'failed' };
  else if (decision.direction === 'up' && request.fallbackFrom === undefined && decision.outcome === 'at-target') {
    trigger = { kind: 'at-max', atMaxSince: atMaxSinceAfter(state, { desired: decision.from, upper: decision.upperBound }, now), now };
  }
  const escalate = trigger && escalationDue(subject.escalation, trigger) ? toEscalate(subject.members, state, subject.known) : [];
  if (escalate.length > 0) reason += `; escalated to ${subject.escalation?.receiver}`;
  const entry = entryOf(request, {
    outcome: decision.outcome,
    from: decision.from,
    to: decision.to,
    reason,
    at: now,
    ...(escalate.length > 0 ? { escalated: true } : {}),
    ...(forwarded ? { forwarded } : {}),
  });
  return { entry, escalate };
}

/** What an Auto Scaling call for a claim came to: the entry, what it teaches the state, whom it escalates. */
export interface ActResult {
  readonly entry: AppliedAction;
  readonly change: StateChange;
  readonly escalate: ScaleMember[];
}

/**
 * Calls Auto Scaling for a committed claim (`perform`: `SetDesiredCapacity`
 * unless told otherwise), then commits and reports what happened.
 */
export async function act(
  ctx: ScalerContext,
  subject: Subject,
  claimedState: NodeGroupState,
  claim: InFlight,
  perform: (ctx: ScalerContext, subject: Subject, claimedState: NodeGroupState, claim: InFlight) => Promise<ActResult> = setDesired,
): Promise<ScaleResult> {
  const { entry, change, escalate } = await perform(ctx, subject, claimedState, claim);
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
  return report(ctx, subject, entry, escalate);
}

/** `SetDesiredCapacity` for the claim, and what its result (or its failure) teaches the state item. */
async function setDesired(ctx: ScalerContext, subject: Subject, claimedState: NodeGroupState, claim: InFlight): Promise<ActResult> {
  let result: { entry: AppliedAction; change: StateChange };
  try {
    await ctx.nodeGroups.setDesired(subject.group.asg_name, claim.to);
    result = scaled(ctx, subject, claim, ctx.clock().getTime());
  } catch (error) {
    result = await setDesiredFailed(ctx, subject, claim, error as Error, ctx.clock().getTime());
  }
  const { entry } = result;
  const escalate = entry.outcome === 'failed' && escalationDue(subject.escalation, { kind: 'failed' }) ? toEscalate(subject.members, claimedState, subject.known) : [];
  if (escalate.length === 0) return { ...result, escalate };
  return {
    entry: { ...entry, escalated: true, reason: `${entry.reason}; escalated to ${subject.escalation?.receiver}` },
    change: { ...result.change, escalated: escalate.map((m) => m.decisionId) },
    escalate,
  };
}

function scaled(ctx: ScalerContext, subject: Subject, claim: InFlight, now: number): { entry: AppliedAction; change: StateChange } {
  const { request } = subject;
  let entry: AppliedAction = { actionId: claim.actionId, outcome: claim.outcome, from: claim.from, to: claim.to, reason: claim.reason, at: now };
  const scaleUp =
    claim.direction === 'up'
      ? {
          actionId: claim.actionId,
          receiver: request.receiver,
          from: claim.from,
          to: claim.to,
          at: now,
          configIndex: request.configIndex,
          cooldownSeconds: request.cooldownSeconds,
          dryRun: request.dryRun,
          origin: request.fallbackFrom,
          members: subject.members.slice(0, MEMBERS_KEPT).map(({ decisionId, actionId }) => ({ decisionId, actionId })),
          group: subject.members[0]!.group,
          requestedAt: request.requestedAt,
          failureHandled: false,
        }
      : undefined;
  // A fallback that fit only in part passes the rest on along the chain.
  const remainder = request.fallbackFrom !== undefined && claim.direction === 'up' ? (request.change ?? 0) - (claim.to - claim.from) : 0;
  if (remainder > 0) {
    const moved = forwardFrom(ctx.fallbacks, request, remainder);
    entry = { ...entry, reason: `${entry.reason}${moved.note}`, ...(moved.forwarded ? { forwarded: moved.forwarded } : {}) };
  }
  return { entry, change: { acted: { direction: claim.direction }, scaleUp, observed: { desired: claim.to, upper: claim.upper } } };
}

async function setDesiredFailed(ctx: ScalerContext, subject: Subject, claim: InFlight, error: Error, now: number): Promise<{ entry: AppliedAction; change: StateChange }> {
  const { request, group } = subject;
  const base = { actionId: claim.actionId, from: claim.from, to: claim.from, at: now };
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
  await emit(ctx, audience(subject, subject.members), { ...base, to: claim.to, outcome: 'failed', reason: `${RETRY_PREFIX}${error.message}` }, { known: subject.known });
  throw new ScalingRetryError(`SetDesiredCapacity ${group.asg_name} ${claim.to} failed: ${error.message}`, { cause: error });
}
