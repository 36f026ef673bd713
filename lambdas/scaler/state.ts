import * as z from 'zod/mini';
import { alertSchema, scaleRequestedSchema, scalingOutcomeSchema } from '../shared/events';

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
/** How many escalated occurrences are kept. */
export const ESCALATED_KEPT = 100;
/** Recent action times kept when no rate limit says how far back to look. */
export const RECENT_ACTIONS_KEPT = 100;

/** What one action came to: enough to answer a redelivery of the same message with the same outcome. */
export const appliedActionSchema = z.object({
  actionId: z.string(),
  decisionId: z.string(),
  outcome: scalingOutcomeSchema,
  from: z.nullable(z.int()),
  to: z.nullable(z.int()),
  reason: z.string(),
  at: z.number(),
  /** Escalated as part of this action. */
  escalated: z.optional(z.boolean()),
  /** The increment that moved on to a fallback group, and where. */
  forwarded: z.optional(z.object({ nodeGroup: z.string(), change: z.int(), actionId: z.string() })),
});
export type AppliedAction = z.infer<typeof appliedActionSchema>;

/** A claimed `SetDesiredCapacity` that has not been confirmed yet: the item's lock. */
export const inFlightSchema = z.object({
  actionId: z.string(),
  decisionId: z.string(),
  from: z.int(),
  to: z.int(),
  outcome: z.enum(['scaled', 'clamped']),
  reason: z.string(),
  direction: z.enum(['up', 'down']),
  /** The effective upper bound when claimed, to tell when the group reaches it. */
  upper: z.int(),
  at: z.number(),
});
export type InFlight = z.infer<typeof inFlightSchema>;

/** The last scale-up, so that an asynchronous launch failure can be traced back to its decision. */
export const lastScaleUpSchema = z.object({
  decisionId: z.string(),
  actionId: z.string(),
  receiver: z.string(),
  from: z.int(),
  to: z.int(),
  at: z.number(),
  step: z.int(),
  cooldownSeconds: z.number(),
  dryRun: z.boolean(),
  /** The group the increment first went to, when this was itself a fallback. */
  origin: z.optional(z.string()),
  alert: alertSchema,
  group: scaleRequestedSchema.shape.group,
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

/** Where node-group state items are kept. */
export interface NodeGroupStateStore {
  /** The state, or `emptyState()` (version 0) when there is none. Strongly consistent. */
  get(nodeGroup: string): Promise<NodeGroupState>;
  /**
   * Writes `next` only if the stored version is still `expectedVersion` (0: no
   * item yet). `next.version` must be `expectedVersion + 1`. Resolves false
   * when someone else wrote first: re-read and decide again.
   */
  put(nodeGroup: string, next: NodeGroupState, expectedVersion: number): Promise<boolean>;
}

/** An in-memory NodeGroupStateStore with the same conditional semantics, for unit tests and embedding. */
export class InMemoryNodeGroupStateStore implements NodeGroupStateStore {
  private readonly items = new Map<string, NodeGroupState>();

  async get(nodeGroup: string): Promise<NodeGroupState> {
    const item = this.items.get(nodeGroup);
    return item ? structuredClone(item) : emptyState();
  }

  async put(nodeGroup: string, next: NodeGroupState, expectedVersion: number): Promise<boolean> {
    const current = this.items.get(nodeGroup)?.version ?? 0;
    if (current !== expectedVersion) return false;
    this.items.set(nodeGroup, structuredClone(next));
    return true;
  }
}
