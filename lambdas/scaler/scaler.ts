import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { EventBridgeEvent, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import type { Config, NodeGroupConfig } from '../shared/config/schema';
import { DetailType, scaleRequestedSchema, type ScaleRequested } from '../shared/events';
import { systemClock, type Clock, type DecisionStore, type EventBus, type Log } from '../shared/ports';
import { publishAll, type PublishOptions } from '../shared/publish';
import { effectsOf, escalationSettings, fallbackActionId } from './effects';
import { decideScaling, nextFallback, shouldEscalateAtMax, type ScalingDecision } from './policy';
import {
  CapacityUnavailableError,
  NodeGroupNotFoundError,
  NodeGroupValidationError,
  type AsgDescription,
  type NodeGroups,
  type PauseSwitch,
} from './ports';
import { pruneState, type AppliedAction, type InFlight, type LastScaleUp, type NodeGroupState, type NodeGroupStateStore } from './state';
import { fullJitter, sleep } from '../shared/backoff';

/** Outcomes that change nothing on a node group: recorded on the decision, not on the group's state item. */
const PLAIN_REFUSALS: ReadonlySet<string> = new Set(['cooldown', 'at-target', 'rate-limited', 'paused', 'dry-run', 'backed-off']);

/** Collaborators of the scaler; AWS and local mode wire different adapters. */
export interface ScalerDeps {
  readonly config: Config;
  readonly nodeGroups: NodeGroups;
  readonly state: NodeGroupStateStore;
  readonly decisions: DecisionStore;
  readonly bus: EventBus;
  readonly pause: PauseSwitch;
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

/** The scaler's entry points, shared by the Lambda handlers and local mode. */
export interface Scaler {
  /** The FIFO queue consumer: records in order, a failed record stops its message group. */
  handleSqs(event: SQSEvent): Promise<SQSBatchResponse>;
  /** One `Scale Requested` detail. Throws when it must be retried. */
  handleScaleRequested(request: ScaleRequested): Promise<ScaleResult>;
  /** Auto Scaling's `EC2 Instance Launch Unsuccessful` event (EventBridge direct target or via SQS). */
  handleLaunchUnsuccessful(event: Pick<EventBridgeEvent<string, unknown>, 'detail'>): Promise<void>;
}

/** An SQS record that is not a request the scaler understands: parked in the DLQ, never retried into success. */
export class InvalidScalerInputError extends Error {
  override readonly name = 'InvalidScalerInputError';
}

/** Another request kept the node group's state busy through every attempt; SQS will deliver this one again. */
export class NodeGroupBusyError extends Error {
  override readonly name = 'NodeGroupBusyError';
}

/** Auto Scaling failed in a way worth retrying after the adapter's own retries; the decision says failed until a retry succeeds. */
export class ScalingRetryError extends Error {
  override readonly name = 'ScalingRetryError';
}

const envelopeSchema = z.looseObject({ 'detail-type': z.string(), source: z.optional(z.string()), detail: z.unknown() });

/** The parts of Auto Scaling's launch-failure event the scaler reads. */
export const launchUnsuccessfulDetailSchema = z.looseObject({
  AutoScalingGroupName: z.string(),
  StatusMessage: z.optional(z.string()),
  Cause: z.optional(z.string()),
  ActivityId: z.optional(z.string()),
});

const LAUNCH_UNSUCCESSFUL = 'EC2 Instance Launch Unsuccessful';

/**
 * Builds the scaler: turns `Scale Requested` into Auto Scaling calls, safely.
 *
 * Per request: read the node group's state item, answer a redelivery from it,
 * wait while another request holds the group, then decide with the pure
 * policy and commit the decision to the state item with a version-conditional
 * write. An acting decision is committed first as an in-flight claim (the
 * absolute target), then `SetDesiredCapacity` is called, then the result is
 * committed — so a conflict is always detected before Auto Scaling is called,
 * and a retry of a claim repeats the same absolute call, which is idempotent.
 * Outcomes are recorded on the decision and emitted as `Scaling Action`.
 */
export function createScaler(deps: ScalerDeps): Scaler {
  const { config, nodeGroups, state: store, decisions, bus, pause, log } = deps;
  const clock = deps.clock ?? systemClock;
  const stateAttempts = deps.stateAttempts ?? 10;
  const leaseMs = deps.inFlightLeaseMs ?? 60_000;
  const launchWindowMs = deps.launchFailureWindowMs ?? 30 * 60_000;
  const wait = deps.sleep ?? sleep;
  const random = deps.random ?? Math.random;
  const byName = new Map(config.node_groups.map((group) => [group.name, group]));
  const byAsg = new Map(config.node_groups.map((group) => [group.asg_name, group]));
  const fallbacks = new Map(config.node_groups.map((group) => [group.name, group.fallback]));

  const longestWindow = (group: NodeGroupConfig) => Math.max(86_400_000, ...group.rate_limits.map((limit) => limit.window));
  const backoff = (attempt: number) => wait(fullJitter(attempt + 1, 5, 100, random));

  /** Records the entry's effects on the decision, then puts its events on the bus. */
  async function emit(group: NodeGroupConfig | undefined, request: ScaleRequested, entry: AppliedAction, redelivery = false): Promise<void> {
    const { records, events } = effectsOf(config, group, request, entry);
    const [own, ...requested] = records;
    // On a redelivery, a fallback or escalation already on the decision may have its own outcome by now: keep it.
    const known = redelivery ? new Set((await decisions.get(request.decisionId))?.actions.map((recorded) => recorded.actionId)) : new Set<string>();
    // New actions (fallback, escalation) are on the decision before anything downstream can report on them.
    for (const record of requested) if (!known.has(record.actionId)) await decisions.recordAction(request.decisionId, record);
    if (own) await decisions.recordAction(request.decisionId, own);
    await publishAll(bus, events, { log, ...deps.publish });
  }

  /** A plain refusal this request already got, as recorded on its decision (refusals are not kept on the state item). */
  async function plainRefusalOnDecision(request: ScaleRequested): Promise<AppliedAction | undefined> {
    const recorded = (await decisions.get(request.decisionId))?.actions.find((candidate) => candidate.actionId === request.action.actionId);
    if (!recorded || !PLAIN_REFUSALS.has(recorded.outcome)) return undefined;
    return {
      actionId: recorded.actionId,
      decisionId: request.decisionId,
      outcome: recorded.outcome as AppliedAction['outcome'],
      from: recorded.from ?? null,
      to: recorded.to ?? null,
      reason: recorded.detail ?? '',
      at: Date.parse(recorded.at),
    };
  }

  /** Whether this occurrence escalated already, from any group: the decision record has its escalation actions. */
  async function escalatedBefore(decisionId: string, state: NodeGroupState): Promise<boolean> {
    if (state.escalated.includes(decisionId)) return true;
    const decision = await decisions.get(decisionId);
    return decision?.actions.some((action) => action.actionId.startsWith(`${decisionId}/escalation/`)) ?? false;
  }

  /** The state after an outcome: the applied entry, and whatever the outcome teaches about the group. */
  function nextState(
    state: NodeGroupState,
    group: NodeGroupConfig,
    entry: AppliedAction,
    change: {
      acted?: { direction: 'up' | 'down' } | undefined;
      scaleUp?: LastScaleUp | undefined;
      backoffUntil?: number | undefined;
      /** The desired capacity now and the upper bound, when known. */
      observed?: { desired: number; upper: number } | undefined;
      atMaxSince?: number | undefined;
    },
  ): NodeGroupState {
    const now = entry.at;
    const next: NodeGroupState = {
      ...state,
      version: state.version + 1,
      applied: [...state.applied, entry],
      lastAction: entry,
      inFlight: state.inFlight?.actionId === entry.actionId ? undefined : state.inFlight,
      escalated: entry.escalated ? [...state.escalated, entry.decisionId] : state.escalated,
    };
    if (change.acted) {
      next.lastActionAt = { ...state.lastActionAt, [change.acted.direction]: now };
      next.recentActions = [...state.recentActions, now];
    }
    if (change.scaleUp) next.lastScaleUp = change.scaleUp;
    if (change.backoffUntil !== undefined) next.backoffUntil = change.backoffUntil;
    if (change.observed) next.atMaxSince = change.atMaxSince;
    return pruneState(next, now, longestWindow(group));
  }

  /** Since when the group is at its upper bound, given what was just observed. */
  const atMaxSinceAfter = (state: NodeGroupState, observed: { desired: number; upper: number }, now: number) =>
    observed.desired >= observed.upper ? (state.atMaxSince ?? now) : undefined;

  /** An increment that cannot be placed here moves on along the origin's fallback chain. */
  function forwardFrom(request: ScaleRequested, increment: number): { forwarded?: AppliedAction['forwarded']; note: string; exhausted: boolean } {
    if (increment <= 0) return { note: '', exhausted: false };
    const origin = request.action.fallbackFrom ?? request.action.nodeGroup;
    const next = nextFallback(fallbacks, origin, request.action.nodeGroup);
    if (!next) return { note: `; no fallback group left for +${increment}`, exhausted: true };
    return {
      forwarded: { nodeGroup: next, change: increment, actionId: fallbackActionId(request.action.actionId, next) },
      note: `; +${increment} moved to fallback group ${next}`,
      exhausted: false,
    };
  }

  async function handleScaleRequested(request: ScaleRequested): Promise<ScaleResult> {
    const { action } = request;
    const failure = (reason: string, at: number): AppliedAction => ({
      actionId: action.actionId,
      decisionId: request.decisionId,
      outcome: 'failed',
      from: null,
      to: null,
      reason,
      at,
    });
    const group = byName.get(action.nodeGroup);
    if (!group) {
      const entry = failure(`no node group named "${action.nodeGroup}" in the configuration`, clock().getTime());
      log.error('scale request for an unknown node group', { nodeGroup: action.nodeGroup, actionId: action.actionId });
      await emit(undefined, request, entry);
      return { ...entry, redelivered: false };
    }
    const escalation = escalationSettings(config, action.receiver, action.fallbackFrom ?? action.nodeGroup, request.alert.labels);

    for (let attempt = 1; attempt <= stateAttempts; attempt++) {
      const state = await store.get(group.name);
      const now = clock().getTime();
      const applied = state.applied.find((candidate) => candidate.actionId === action.actionId) ?? (await plainRefusalOnDecision(request));
      if (applied) {
        log.info('scale request already applied; reporting its outcome again', { actionId: action.actionId, outcome: applied.outcome });
        await emit(group, request, applied, true);
        return { ...applied, redelivered: true };
      }
      const inFlight = state.inFlight;
      if (inFlight && inFlight.actionId !== action.actionId && now - inFlight.at < leaseMs) {
        // Another request is between its claim and its Auto Scaling call: wait for it.
        await backoff(attempt);
        continue;
      }
      if (inFlight && inFlight.actionId !== action.actionId) {
        log.warn('taking over an abandoned in-flight scaling claim', { nodeGroup: group.name, abandoned: inFlight.actionId, claimedAt: new Date(inFlight.at).toISOString() });
      }
      const paused = await pause.isPaused();
      if (inFlight?.actionId === action.actionId && !paused) {
        // A retry of our own claim: repeat the same absolute call.
        return act(request, group, state, inFlight, escalation);
      }

      let asg: AsgDescription;
      try {
        asg = await nodeGroups.describe(group.asg_name);
      } catch (error) {
        if (!(error instanceof NodeGroupNotFoundError || error instanceof NodeGroupValidationError)) {
          await emit(group, request, failure(`will be retried: ${(error as Error).message}`, now));
          throw new ScalingRetryError(`DescribeAutoScalingGroups ${group.asg_name} failed: ${(error as Error).message}`, { cause: error });
        }
        const entry: AppliedAction = {
          ...failure(error.message, now),
          escalated: escalation !== undefined && request.alert.status === 'firing' && !(await escalatedBefore(request.decisionId, state)),
        };
        const next = nextState({ ...state, inFlight: undefined }, group, entry, {});
        if (!(await store.put(group.name, next, state.version))) continue;
        await emit(group, request, entry);
        return { ...entry, redelivered: false };
      }

      const decision = decideScaling({
        request: { change: action.change, set: action.set, cooldownSeconds: action.cooldownSeconds, dryRun: action.dryRun, fallback: action.fallbackFrom !== undefined },
        guardrails: { min: group.min, max: group.max, rateLimits: group.rate_limits },
        asg,
        history: state,
        now,
        paused,
        dryRun: config.settings.dry_run,
      });

      if (decision.act) {
        const claim: InFlight = {
          actionId: action.actionId,
          decisionId: request.decisionId,
          from: decision.from,
          to: decision.to,
          outcome: decision.outcome === 'clamped' ? 'clamped' : 'scaled',
          reason: decision.reason,
          direction: decision.direction ?? 'up',
          upper: decision.upperBound,
          at: now,
        };
        const claimed: NodeGroupState = { ...state, version: state.version + 1, inFlight: claim };
        if (!(await store.put(group.name, claimed, state.version))) continue;
        return act(request, group, claimed, claim, escalation);
      }

      const entry = await refusal(request, state, decision, now, escalation);
      const atMaxSince = atMaxSinceAfter(state, { desired: decision.from, upper: decision.upperBound }, now);
      // A plain refusal changes nothing on the group, so the state item (the group's history, kilobytes
      // of it) is not rewritten: its outcome goes on the decision, where a redelivery finds it. The item
      // is written when the refusal teaches it something: a claim to release (past the wait above, any
      // claim left is ours or abandoned), the group reaching its bound, a failure, a forward, an escalation.
      const teachesState =
        !PLAIN_REFUSALS.has(entry.outcome) || state.inFlight !== undefined || atMaxSince !== state.atMaxSince || entry.forwarded !== undefined || entry.escalated === true;
      if (teachesState) {
        const next = nextState({ ...state, inFlight: undefined }, group, entry, {
          observed: { desired: decision.from, upper: decision.upperBound },
          atMaxSince,
        });
        if (!(await store.put(group.name, next, state.version))) continue;
      }
      await emit(group, request, entry);
      return { ...entry, redelivered: false };
    }
    throw new NodeGroupBusyError(`node group "${group.name}" stayed busy through ${stateAttempts} attempts; the request will be delivered again`);
  }

  /** The applied entry for a decision that does not act: why, and where the increment goes instead. */
  async function refusal(request: ScaleRequested, state: NodeGroupState, decision: ScalingDecision, now: number, escalation: ReturnType<typeof escalationSettings>): Promise<AppliedAction> {
    const { action } = request;
    let reason = decision.reason;
    let forwarded: AppliedAction['forwarded'];
    let failedEverywhere = false;
    // A backed-off group sends scale-ups straight to its fallbacks; a fallback request passes on what it could not take.
    const passesOn =
      decision.direction === 'up' &&
      (decision.outcome === 'backed-off' ||
        (action.fallbackFrom !== undefined && ['at-target', 'rate-limited', 'failed'].includes(decision.outcome)));
    if (passesOn) {
      const moved = forwardFrom(request, decision.requested - decision.from);
      reason += moved.note;
      forwarded = moved.forwarded;
      failedEverywhere = moved.exhausted;
    }
    const mayEscalate = escalation !== undefined && request.alert.status === 'firing' && decision.direction === 'up';
    let escalated = false;
    if (mayEscalate && (failedEverywhere || decision.outcome === 'failed' || (action.fallbackFrom === undefined && decision.outcome === 'at-target'))) {
      const atMaxSince = atMaxSinceAfter(state, { desired: decision.from, upper: decision.upperBound }, now);
      const due =
        failedEverywhere ||
        decision.outcome === 'failed' ||
        shouldEscalateAtMax({ alertStatus: request.alert.status, escalateAfter: escalation.after, atMaxSince, now, alreadyEscalated: false });
      if (due && !(await escalatedBefore(request.decisionId, state))) {
        escalated = true;
        reason += `; escalated to ${escalation.receiver}`;
      }
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
  async function act(request: ScaleRequested, group: NodeGroupConfig, claimedState: NodeGroupState, claim: InFlight, escalation: ReturnType<typeof escalationSettings>): Promise<ScaleResult> {
    let entry: AppliedAction;
    let change: Parameters<typeof nextState>[3];
    try {
      await nodeGroups.setDesired(group.asg_name, claim.to);
      const now = clock().getTime();
      entry = { actionId: claim.actionId, decisionId: claim.decisionId, outcome: claim.outcome, from: claim.from, to: claim.to, reason: claim.reason, at: now };
      change = {
        acted: { direction: claim.direction },
        scaleUp:
          claim.direction === 'up'
            ? {
                decisionId: request.decisionId,
                actionId: claim.actionId,
                receiver: request.action.receiver,
                from: claim.from,
                to: claim.to,
                at: now,
                step: request.action.step,
                cooldownSeconds: request.action.cooldownSeconds,
                dryRun: request.action.dryRun,
                origin: request.action.fallbackFrom,
                alert: request.alert,
                group: request.group,
                failureHandled: false,
              }
            : undefined,
        observed: { desired: claim.to, upper: claim.upper },
      };
      // A fallback that fit only in part passes the rest on along the chain.
      const remainder = request.action.fallbackFrom !== undefined && claim.direction === 'up' ? (request.action.change ?? 0) - (claim.to - claim.from) : 0;
      if (remainder > 0) {
        const moved = forwardFrom(request, remainder);
        entry = { ...entry, reason: `${entry.reason}${moved.note}`, ...(moved.forwarded ? { forwarded: moved.forwarded } : {}) };
      }
    } catch (error) {
      const now = clock().getTime();
      if (error instanceof CapacityUnavailableError && claim.direction === 'up') {
        const moved = forwardFrom(request, claim.to - claim.from);
        entry = {
          actionId: claim.actionId,
          decisionId: claim.decisionId,
          outcome: moved.forwarded ? 'fallback' : 'failed',
          from: claim.from,
          to: claim.from,
          reason: `no capacity: ${error.message}${moved.note}`,
          at: now,
          ...(moved.forwarded ? { forwarded: moved.forwarded } : {}),
        };
        change = { backoffUntil: now + group.capacity_backoff };
      } else if (error instanceof CapacityUnavailableError || error instanceof NodeGroupNotFoundError || error instanceof NodeGroupValidationError) {
        entry = { actionId: claim.actionId, decisionId: claim.decisionId, outcome: 'failed', from: claim.from, to: claim.from, reason: error.message, at: now };
        change = {};
      } else {
        // Throttled or busy past the adapter's retries, or an unknown error: keep the claim so a retry repeats it.
        const reason = `will be retried: ${(error as Error).message}`;
        log.warn('scaling call failed; the record will be retried', { nodeGroup: group.name, actionId: claim.actionId, error: (error as Error).name });
        await emit(group, request, { actionId: claim.actionId, decisionId: claim.decisionId, outcome: 'failed', from: claim.from, to: claim.to, reason, at: now });
        throw new ScalingRetryError(`SetDesiredCapacity ${group.asg_name} ${claim.to} failed: ${(error as Error).message}`, { cause: error });
      }
      if (entry.outcome === 'failed' && escalation !== undefined && request.alert.status === 'firing' && !(await escalatedBefore(request.decisionId, claimedState))) {
        entry = { ...entry, escalated: true, reason: `${entry.reason}; escalated to ${escalation.receiver}` };
      }
    }

    // Commit the result. Only a takeover of an abandoned claim writes in between, so this rarely loops.
    let state = claimedState;
    for (let attempt = 1; attempt <= stateAttempts; attempt++) {
      // Reaching the upper bound starts the escalation clock (atMaxSince); a later step escalates once it has run out.
      const atMaxSince = change.observed ? atMaxSinceAfter(state, change.observed, entry.at) : undefined;
      const next = nextState(state, group, entry, { ...change, atMaxSince });
      if (await store.put(group.name, next, state.version)) break;
      state = await store.get(group.name);
      if (state.inFlight?.actionId !== claim.actionId && !state.applied.some((candidate) => candidate.actionId === claim.actionId)) {
        log.warn('in-flight claim was taken over before its result was committed', { nodeGroup: group.name, actionId: claim.actionId });
        break;
      }
      if (state.applied.some((candidate) => candidate.actionId === claim.actionId)) break;
      if (attempt === stateAttempts) throw new NodeGroupBusyError(`could not commit the result of ${claim.actionId} on node group "${group.name}"`);
    }
    await emit(group, request, entry);
    return { ...entry, redelivered: false };
  }

  async function handleLaunchUnsuccessful(event: Pick<EventBridgeEvent<string, unknown>, 'detail'>): Promise<void> {
    const parsed = launchUnsuccessfulDetailSchema.safeParse(event.detail);
    if (!parsed.success) throw new InvalidScalerInputError(`launch-unsuccessful event detail does not parse: ${parsed.error.issues[0]?.message ?? ''}`);
    const detail = parsed.data;
    const group = byAsg.get(detail.AutoScalingGroupName);
    if (!group) {
      log.info('launch failure in an Auto Scaling group alertscale does not manage', { asgName: detail.AutoScalingGroupName });
      return;
    }
    const message = detail.StatusMessage ?? detail.Cause ?? 'launch unsuccessful';

    for (let attempt = 1; attempt <= stateAttempts; attempt++) {
      const state = await store.get(group.name);
      const now = clock().getTime();
      const backoffUntil = Math.max(state.backoffUntil ?? 0, now + group.capacity_backoff);
      const last = state.lastScaleUp;
      if (!last || last.failureHandled || now - last.at > launchWindowMs) {
        // Nothing of ours to move: the group still could not launch, so skip it for a while.
        const next: NodeGroupState = { ...state, version: state.version + 1, backoffUntil };
        if (await store.put(group.name, next, state.version)) {
          log.info('launch failure backs the group off', { nodeGroup: group.name, until: new Date(backoffUntil).toISOString() });
          return;
        }
        continue;
      }

      // The request that made the failed scale-up, rebuilt from the state item.
      const request: ScaleRequested = {
        decisionId: last.decisionId,
        alert: last.alert,
        group: last.group,
        action: {
          kind: 'scale',
          actionId: last.actionId,
          receiver: last.receiver,
          nodeGroup: group.name,
          change: last.to - last.from,
          cooldownSeconds: last.cooldownSeconds,
          dryRun: last.dryRun,
          step: last.step,
          ...(last.origin ? { fallbackFrom: last.origin } : {}),
        },
        requestedAt: new Date(last.at).toISOString(),
      };
      // Give the failed increment back, unless someone moved the group since: the ASG would keep retrying the launch.
      let to = last.to;
      try {
        const asg = await nodeGroups.describe(group.asg_name);
        to = asg.desired;
        if (asg.desired === last.to) {
          await nodeGroups.setDesired(group.asg_name, last.from);
          to = last.from;
        }
      } catch (error) {
        log.warn('could not give back the failed increment', { nodeGroup: group.name, error: (error as Error).message });
      }
      const moved = forwardFrom(request, last.to - last.from);
      const escalation = escalationSettings(config, last.receiver, last.origin ?? group.name, last.alert.labels);
      const escalate = moved.exhausted && escalation !== undefined && last.alert.status === 'firing' && !(await escalatedBefore(last.decisionId, state));
      const entry: AppliedAction = {
        actionId: last.actionId,
        decisionId: last.decisionId,
        outcome: moved.forwarded ? 'fallback' : 'failed',
        from: last.to,
        to,
        reason: `launch unsuccessful: ${message}${moved.note}${escalate && escalation ? `; escalated to ${escalation.receiver}` : ''}`,
        at: now,
        ...(moved.forwarded ? { forwarded: moved.forwarded } : {}),
        ...(escalate ? { escalated: true } : {}),
      };
      // Report first: a retry of this event forwards the same derived actionId, which the fallback group applies once.
      await emit(group, request, entry);
      const next: NodeGroupState = pruneState(
        {
          ...state,
          version: state.version + 1,
          backoffUntil,
          lastScaleUp: { ...last, failureHandled: true },
          lastAction: entry,
          atMaxSince: undefined,
          escalated: escalate ? [...state.escalated, last.decisionId] : state.escalated,
        },
        now,
        longestWindow(group),
      );
      if (await store.put(group.name, next, state.version)) return;
    }
    throw new NodeGroupBusyError(`node group "${group.name}" stayed busy while handling a launch failure`);
  }

  async function handleRecord(record: SQSRecord): Promise<void> {
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch (error) {
      log.error('scaler record is not JSON; it goes to the DLQ', { messageId: record.messageId });
      throw new InvalidScalerInputError('record body is not JSON', { cause: error });
    }
    const envelope = envelopeSchema.safeParse(body);
    if (!envelope.success) {
      log.error('scaler record is not an EventBridge event; it goes to the DLQ', { messageId: record.messageId });
      throw new InvalidScalerInputError('record body is not an EventBridge event', { cause: envelope.error });
    }
    const detailType = envelope.data['detail-type'];
    if (detailType === LAUNCH_UNSUCCESSFUL) return handleLaunchUnsuccessful({ detail: envelope.data.detail });
    if (detailType !== DetailType.ScaleRequested) {
      log.error('scaler record has an unexpected detail-type; it goes to the DLQ', { messageId: record.messageId, detailType });
      throw new InvalidScalerInputError(`unexpected detail-type "${detailType}"`);
    }
    const request = scaleRequestedSchema.safeParse(envelope.data.detail);
    if (!request.success) {
      const issue = request.error.issues[0];
      log.error('Scale Requested detail does not parse; it goes to the DLQ', { messageId: record.messageId, path: issue?.path.join('.'), issue: issue?.message });
      throw new InvalidScalerInputError(`Scale Requested detail does not parse: ${issue?.message ?? ''}`, { cause: request.error });
    }
    const result = await handleScaleRequested(request.data);
    log.info('scale request handled', { actionId: request.data.action.actionId, nodeGroup: request.data.action.nodeGroup, ...result });
  }

  return {
    async handleSqs(event: SQSEvent): Promise<SQSBatchResponse> {
      // A processor per batch: it keeps per-batch state, and local mode may run batches concurrently.
      const processor = new SqsFifoPartialProcessorAsync();
      // skipGroupOnError: a failure stops the rest of its message group (one node group) in this batch, keeping
      // that group's order, while other node groups' records still run.
      return processPartialResponse(event, handleRecord, processor, { skipGroupOnError: true, throwOnFullBatchFailure: false });
    },
    handleScaleRequested,
    handleLaunchUnsuccessful,
  };
}
