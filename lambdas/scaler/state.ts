import * as z from 'zod/mini';
import type { NodeGroupConfig } from '../shared/config/schema';
import { groupRefSchema, scalingOutcomeSchema } from '../shared/events';

/**
 * The node-group state item (`pk = nodegroup#<name>` in the one table): what the
 * scaler must remember between requests to serialize them safely. Every write
 * is conditional on `version`, so two requests that read the same state cannot
 * both act on it. Times are epoch milliseconds.
 */

/**
 * How many applied actions (acts, failures, forwards, escalations: plain refusals live on the
 * decision instead) the state item keeps for redelivery checks. SQS redelivers within minutes,
 * and rate limits allow a few actions an hour; the item is rewritten on every act, so keep it small.
 */
export const APPLIED_KEPT = 20;
/** How many decisions of the last scale-up the state item keeps for a launch failure (the item stays far below DynamoDB's 400 KB). */
export const MEMBERS_KEPT = 200;
/** How many escalated occurrences are kept. */
export const ESCALATED_KEPT = 100;
/** Recent action times kept when no rate limit says how far back to look. */
export const RECENT_ACTIONS_KEPT = 100;

/** What one action came to: enough to answer a redelivery of the same message with the same outcome. */
export const appliedActionSchema = z.object({
  /** The request's id. */
  actionId: z.string(),
  outcome: scalingOutcomeSchema,
  from: z.nullable(z.int()),
  to: z.nullable(z.int()),
  reason: z.string(),
  at: z.number(),
  /** Escalated as part of this action (the decisions that had not escalated before). */
  escalated: z.optional(z.boolean()),
  /** The increment that moved on to a fallback group, and where. */
  forwarded: z.optional(z.object({ nodeGroup: z.string(), change: z.int(), actionId: z.string() })),
  /** Targeted scale-in: the instance removed (or refused), once known. */
  instanceId: z.optional(z.string()),
  /** Targeted scale-in: the node name the alert gave. */
  nodeName: z.optional(z.string()),
});
export type AppliedAction = z.infer<typeof appliedActionSchema>;

/** A claimed `SetDesiredCapacity` that has not been confirmed yet: the item's lock. */
export const inFlightSchema = z.object({
  actionId: z.string(),
  from: z.int(),
  to: z.int(),
  outcome: z.enum(['scaled', 'clamped']),
  reason: z.string(),
  direction: z.enum(['up', 'down']),
  /** The effective upper bound when claimed, to tell when the group reaches it. */
  upper: z.int(),
  at: z.number(),
  /**
   * Targeted scale-in: the instance being terminated. Written before the call,
   * so a retry after an unrecorded success finds it terminating (or gone) and
   * never terminates another.
   */
  instanceId: z.optional(z.string()),
  nodeName: z.optional(z.string()),
});
export type InFlight = z.infer<typeof inFlightSchema>;

/** The last scale-up, so that an asynchronous launch failure can be traced back to its decision. */
export const lastScaleUpSchema = z.object({
  /** The request's id. */
  actionId: z.string(),
  receiver: z.string(),
  from: z.int(),
  to: z.int(),
  at: z.number(),
  /** Which of the receiver's `scale_configs` made the request (its escalation settings). */
  configIndex: z._default(z.int(), 0),
  cooldownSeconds: z.number(),
  dryRun: z.boolean(),
  /** The group the increment first went to, when this was itself a fallback. */
  origin: z.optional(z.string()),
  /** The decisions it served (the first `MEMBERS_KEPT`), to record where their increment went. */
  members: z.array(z.object({ decisionId: z.string(), actionId: z.string() })),
  /** The group notification of its first decision, for an escalation's page. */
  group: groupRefSchema,
  requestedAt: z.string(),
  /** A launch failure has already moved this increment on. */
  failureHandled: z.boolean(),
});
export type LastScaleUp = z.infer<typeof lastScaleUpSchema>;

export const nodeGroupStateSchema = z.object({
  version: z.int().check(z.nonnegative()),
  lastActionAt: z.object({ up: z.optional(z.number()), down: z.optional(z.number()) }),
  recentActions: z.array(z.number()),
  backoffUntil: z.optional(z.number()),
  /** Since when the group has been at its upper bound, as last observed. */
  atMaxSince: z.optional(z.number()),
  inFlight: z.optional(inFlightSchema),
  applied: z.array(appliedActionSchema),
  lastScaleUp: z.optional(lastScaleUpSchema),
  /** The most recent action of any outcome, for `GET /api/node-groups`. */
  lastAction: z.optional(appliedActionSchema),
  /** Decision ids (occurrences) that have escalated from this group. */
  escalated: z.array(z.string()),
});
export type NodeGroupState = z.infer<typeof nodeGroupStateSchema>;

/** The state of a group never written: version 0, nothing remembered. */
export function emptyState(): NodeGroupState {
  return { version: 0, lastActionAt: {}, recentActions: [], applied: [], escalated: [] };
}

/** Keeps the item bounded: old action times, applied ids and escalations are dropped. */
export function pruneState(state: NodeGroupState, now: number, longestWindow: number): NodeGroupState {
  const recentActions = state.recentActions.filter((at) => at > now - longestWindow).slice(-RECENT_ACTIONS_KEPT);
  return {
    ...state,
    recentActions,
    applied: state.applied.slice(-APPLIED_KEPT),
    escalated: state.escalated.slice(-ESCALATED_KEPT),
  };
}

/** How far back the state item must remember actions: the longest rate-limit window, and at least a day. */
export function longestWindow(group: Pick<NodeGroupConfig, 'rate_limits'>): number {
  return Math.max(86_400_000, ...group.rate_limits.map((limit) => limit.window));
}

/** What an outcome teaches the state item besides the applied entry. */
export interface StateChange {
  /** The group was changed, in this direction: starts its cooldown and counts for the rate limits. */
  readonly acted?: { readonly direction: 'up' | 'down' } | undefined;
  readonly scaleUp?: LastScaleUp | undefined;
  readonly backoffUntil?: number | undefined;
  /** The desired capacity now and the upper bound, when known. */
  readonly observed?: { readonly desired: number; readonly upper: number } | undefined;
  readonly atMaxSince?: number | undefined;
  /** Decisions that escalated with this outcome. */
  readonly escalated?: readonly string[] | undefined;
}

/** The state after an outcome: the applied entry, and whatever the outcome teaches about the group. Pure. */
export function nextState(state: NodeGroupState, group: Pick<NodeGroupConfig, 'rate_limits'>, entry: AppliedAction, change: StateChange): NodeGroupState {
  const now = entry.at;
  const next: NodeGroupState = {
    ...state,
    version: state.version + 1,
    applied: [...state.applied, entry],
    lastAction: entry,
    inFlight: state.inFlight?.actionId === entry.actionId ? undefined : state.inFlight,
    escalated: change.escalated ? [...state.escalated, ...change.escalated] : state.escalated,
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

/**
 * Since when the group is at its upper bound, given what was just observed:
 * reaching it starts the escalation clock, leaving it stops the clock. Pure.
 */
export function atMaxSinceAfter(state: Pick<NodeGroupState, 'atMaxSince'>, observed: { readonly desired: number; readonly upper: number }, now: number): number | undefined {
  return observed.desired >= observed.upper ? (state.atMaxSince ?? now) : undefined;
}
