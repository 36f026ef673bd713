import { occurrenceKey } from '../shared/alertmanager';
import type { Config } from '../shared/config/schema';
import type { DecisionRecord } from '../shared/decisions';
import type { Alert, GroupRef } from '../shared/events';
import { planActions, type ActionPlan, type RoutedReceiver } from './plan';
import type { DecisionWriter } from './ports';

/**
 * Deduplicating alert deliveries: one decision per occurrence, whichever
 * replica, re-send, retry or redelivery brought it. What is known comes
 * from one batched read per router batch; a duplicate costs nothing more,
 * a new occurrence one conditional write, and a still-firing alert whose
 * cooldown has passed one conditional write to claim its next step.
 */

/** One alert in one notification (part) in one SQS record. */
export interface Delivery {
  /** The SQS record it came in: what fails when its work fails. */
  readonly messageId: string;
  /** The `Alertmanager Notification` event (part) it came in. */
  readonly eventId: string;
  /** When ingest accepted that notification: the time its actions were asked for. */
  readonly receivedAt: string;
  readonly alert: Alert;
  readonly group: GroupRef;
  readonly decisionId: string;
  readonly receivers: readonly RoutedReceiver[];
}

/** What one delivery came to, and what it asks to publish. */
export type DeliveryOutcome =
  | { readonly kind: 'new'; readonly plan: ActionPlan; readonly step: 1 }
  | { readonly kind: 'stepped'; readonly plan: ActionPlan; readonly step: number }
  /** A redelivery of the very event that created (or stepped) the decision: publish its actions again. */
  | { readonly kind: 'redelivered'; readonly plan: ActionPlan; readonly step: number }
  | { readonly kind: 'duplicate' };

export interface DedupeContext {
  readonly config: Config;
  readonly decisions: DecisionWriter;
  readonly now: Date;
}

/** The identity of an occurrence, as the decision id. */
export const decisionIdOf = (alert: Pick<Alert, 'fingerprint' | 'startsAt' | 'status'>): string => occurrenceKey(alert);

function newRecord(ctx: DedupeContext, delivery: Delivery, plan: ActionPlan): DecisionRecord {
  const at = ctx.now.toISOString();
  const { alert } = delivery;
  return {
    decisionId: delivery.decisionId,
    fingerprint: alert.fingerprint,
    startsAt: alert.startsAt,
    status: alert.status,
    labels: alert.labels,
    receivers: delivery.receivers.map((receiver) => receiver.name),
    actions: plan.records,
    step: 1,
    refireAt: plan.cooldownMs === undefined ? undefined : new Date(ctx.now.getTime() + plan.cooldownMs).toISOString(),
    createdAt: at,
    updatedAt: at,
    expiresAt: Math.floor((ctx.now.getTime() + ctx.config.settings.decision_ttl) / 1000),
    originEventId: delivery.eventId,
  };
}

/** Claims the next step of a known, still-firing decision whose cooldown has passed; undefined when it may not or lost the race. */
async function claimNextStep(ctx: DedupeContext, delivery: Delivery, known: DecisionRecord): Promise<{ outcome: DeliveryOutcome; record: DecisionRecord } | undefined> {
  const refireAt = known.refireAt;
  if (known.status !== 'firing' || refireAt === undefined || Date.parse(refireAt) > ctx.now.getTime()) return undefined;
  const step = known.step + 1;
  const plan = planActions(ctx.config, delivery.receivers, delivery.alert, delivery.decisionId, ctx.now.toISOString(), step);
  if (plan.cooldownMs === undefined) return undefined;
  const nextRefireAt = new Date(ctx.now.getTime() + plan.cooldownMs).toISOString();
  const claimed = await ctx.decisions.claimStep(delivery.decisionId, { expectedRefireAt: refireAt, nextRefireAt, step, actions: plan.records, eventId: delivery.eventId }, ctx.now);
  if (!claimed) return undefined;
  const record = { ...known, step, refireAt: nextRefireAt, stepEventId: delivery.eventId, actions: [...known.actions, ...plan.records], updatedAt: ctx.now.toISOString() };
  return { outcome: { kind: 'stepped', plan, step }, record };
}

/** A delivery of a decision that exists: a redelivery of its own event, the claim of a next step, or a duplicate. */
async function knownDelivery(ctx: DedupeContext, delivery: Delivery, known: DecisionRecord): Promise<{ outcome: DeliveryOutcome; record: DecisionRecord }> {
  const at = ctx.now.toISOString();
  if (known.originEventId === delivery.eventId) {
    return { outcome: { kind: 'redelivered', plan: planActions(ctx.config, delivery.receivers, delivery.alert, delivery.decisionId, at, 1), step: 1 }, record: known };
  }
  if (known.stepEventId === delivery.eventId) {
    return { outcome: { kind: 'redelivered', plan: planActions(ctx.config, delivery.receivers, delivery.alert, delivery.decisionId, at, known.step), step: known.step }, record: known };
  }
  return (await claimNextStep(ctx, delivery, known)) ?? { outcome: { kind: 'duplicate' }, record: known };
}

/**
 * Records one delivery against what is known of its decision (`known`, from
 * the batch's read, or `undefined`), and says what it came to and what the
 * decision is now. A creation that loses the race to another replica reads
 * the winner and is handled as a delivery of a known decision.
 */
export async function recordDelivery(ctx: DedupeContext, delivery: Delivery, known: DecisionRecord | undefined): Promise<{ outcome: DeliveryOutcome; record: DecisionRecord }> {
  if (known) return knownDelivery(ctx, delivery, known);
  const plan = planActions(ctx.config, delivery.receivers, delivery.alert, delivery.decisionId, ctx.now.toISOString(), 1);
  const record = newRecord(ctx, delivery, plan);
  if (await ctx.decisions.create(record, ctx.now)) return { outcome: { kind: 'new', plan, step: 1 }, record };
  const winner = (await ctx.decisions.getMany([delivery.decisionId], ctx.now)).get(delivery.decisionId);
  if (!winner) throw new Error(`decision ${delivery.decisionId} was neither created nor found; the record will be retried`);
  return knownDelivery(ctx, delivery, winner);
}
