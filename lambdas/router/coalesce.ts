import { createHash } from 'node:crypto';
import { removeLabelOf } from '../shared/config/remove-label';
import type { Config, ScaleConfig } from '../shared/config/schema';
import {
  DetailType,
  EVENT_SOURCE,
  type AlertDecided,
  type BusEvent,
  type NotifyMember,
  type Alert,
  type NotifyRequested,
  type RemoveTarget,
  type ScaleMember,
  type ScaleRequested,
} from '../shared/events';
import { entrySize, MAX_PUT_BYTES } from '../shared/publish';
import type { Delivery, DeliveryOutcome } from './dedupe';
import type { NotifyPlan, ScalePlan } from './plan';

/**
 * Coalescing a router batch's decisions into few events: one `Alert
 * Decided` per new occurrence or extra step, one `Scale Requested` per node
 * group and scale config (listing every decision it serves), one `Notify
 * Requested` per receiver channel config and Alertmanager group
 * notification. A request past the bus's size limit is split into parts
 * that share its id.
 */

/** A delivery that asks for something to be published, and the SQS record it came in. */
export interface Contribution {
  readonly delivery: Delivery;
  readonly outcome: Exclude<DeliveryOutcome, { kind: 'duplicate' }>;
}

/** An event to publish and the SQS records that contributed to it: they fail if it cannot be put. */
export interface Publication {
  readonly event: BusEvent;
  readonly messageIds: ReadonlySet<string>;
}

/** Room left in an event for its members, below EventBridge's limit. */
const BUDGET_BYTES = MAX_PUT_BYTES - 2048;

const digest = (parts: readonly string[]) => createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 32);

/** Splits `members` into as few parts as fit the budget, each with `base`'s fields. */
function inParts<T extends { decisionId: string }, B extends object>(detailType: string, base: B, members: readonly T[]): (B & { alerts: T[]; decisionIds: string[]; part: number; parts: number })[] {
  const empty = entrySize({ detailType: detailType as DetailType, detail: { ...base, alerts: [], decisionIds: [], part: 1, parts: 1 } }, EVENT_SOURCE) + 16;
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = empty;
  for (const member of members) {
    const size = Buffer.byteLength(JSON.stringify(member)) + member.decisionId.length + 4;
    if (current.length > 0 && bytes + size > BUDGET_BYTES) {
      chunks.push(current);
      current = [];
      bytes = empty;
    }
    current.push(member);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks.map((alerts, i) => ({ ...base, alerts, decisionIds: [...new Set(alerts.map((m) => m.decisionId))], part: i + 1, parts: chunks.length }));
}

/** Groups the members of a kind of request by key, remembering which records contributed. */
function grouped<P, M>(contributions: readonly Contribution[], plansOf: (c: Contribution) => readonly P[], keyOf: (p: P, c: Contribution) => string, memberOf: (p: P, c: Contribution) => M) {
  const groups = new Map<string, { first: { plan: P; contribution: Contribution }; members: M[]; messageIds: Set<string>; contributions: Contribution[] }>();
  for (const contribution of contributions) {
    for (const plan of plansOf(contribution)) {
      const key = keyOf(plan, contribution);
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { first: { plan, contribution }, members: [], messageIds: new Set(), contributions: [] }));
      group.members.push(memberOf(plan, contribution));
      group.messageIds.add(contribution.delivery.messageId);
      group.contributions.push(contribution);
    }
  }
  return [...groups.values()];
}

/** The oldest of the times its decisions' notifications arrived: a request is as old as the oldest alert it serves. */
const oldestReceivedAt = (contributions: readonly Contribution[], fallback: string) =>
  contributions.reduce((oldest, c) => (c.delivery.receivedAt < oldest ? c.delivery.receivedAt : oldest), fallback);

/**
 * What a member of a targeted scale-in asks to remove: the instance its alert
 * names by the config's `remove_*_label`, or nothing (an empty target the
 * scaler refuses, never an untargeted step) when the alert lacks the label.
 */
function removeTargetOf(config: ScaleConfig, alert: Alert): { remove?: RemoveTarget } {
  const remove = removeLabelOf(config);
  if (!remove) return {};
  const value = alert.labels[remove.label];
  if (!value) return { remove: {} };
  return { remove: remove.kind === 'instance' ? { instanceId: value } : { nodeName: value } };
}

function scaleRequests(config: Config, contributions: readonly Contribution[], now: string): Publication[] {
  return grouped<ScalePlan, ScaleMember>(
    contributions,
    (c) => c.outcome.plan.scale,
    (plan) => `${plan.nodeGroup}\u0000${plan.receiver}\u0000${plan.configIndex}`,
    (plan, c) => ({ decisionId: c.delivery.decisionId, actionId: plan.actionId, alert: c.delivery.alert, group: c.delivery.group, ...removeTargetOf(plan.config, c.delivery.alert) }),
  ).flatMap(({ first, members, messageIds, contributions: served }) => {
    const { plan } = first;
    // Stamped with when the alerts arrived, not when they were routed: a notification that waited
    // in a queue asks for a step as late as it is, and the scaler refuses it past max_action_age.
    const requestedAt = oldestReceivedAt(served, now);
    const base = {
      actionId: `scale-${digest([plan.nodeGroup, plan.receiver, String(plan.configIndex), ...members.map((m) => m.actionId).sort()])}`,
      nodeGroup: plan.nodeGroup,
      receiver: plan.receiver,
      configIndex: plan.configIndex,
      ...(plan.config.change !== undefined ? { change: plan.config.change } : { set: plan.config.set }),
      cooldownSeconds: plan.config.cooldown / 1000,
      dryRun: config.settings.dry_run || plan.config.dry_run === true,
      requestedAt,
    };
    return inParts(DetailType.ScaleRequested, base, members).map((detail): Publication => ({ event: { detailType: DetailType.ScaleRequested, detail: detail satisfies ScaleRequested }, messageIds }));
  });
}

function notifyRequests(contributions: readonly Contribution[], requestedAt: string): Publication[] {
  return grouped<NotifyPlan, NotifyMember>(
    contributions,
    (c) => c.outcome.plan.notify,
    (plan, c) => `${plan.receiver}\u0000${plan.channel}\u0000${plan.configIndex}\u0000${c.delivery.group.notificationId}`,
    (plan, c) => ({ decisionId: c.delivery.decisionId, actionId: plan.actionId, alert: c.delivery.alert }),
  ).flatMap(({ first, members, messageIds }) => {
    const { plan, contribution } = first;
    const base = {
      actionId: `notify-${digest([plan.receiver, plan.channel, String(plan.configIndex), ...members.map((m) => m.actionId).sort()])}`,
      receiver: plan.receiver,
      channel: plan.channel,
      configIndex: plan.configIndex,
      reason: 'routed' as const,
      group: contribution.delivery.group,
      requestedAt,
    };
    return inParts(DetailType.NotifyRequested, base, members).map((detail): Publication => ({ event: { detailType: DetailType.NotifyRequested, detail: detail satisfies NotifyRequested }, messageIds }));
  });
}

function alertDecided(contribution: Contribution, at: string): Publication {
  const { delivery, outcome } = contribution;
  const detail: AlertDecided = {
    decisionId: delivery.decisionId,
    alert: delivery.alert,
    group: delivery.group,
    receivers: delivery.receivers.map((receiver) => receiver.name),
    step: outcome.step,
    actions: outcome.plan.records.map(({ actionId, kind, receiver, target, outcome: planned, detail: why }) => ({
      actionId,
      kind,
      receiver,
      target,
      outcome: planned as AlertDecided['actions'][number]['outcome'],
      ...(why !== undefined ? { detail: why } : {}),
    })),
    at,
  };
  return { event: { detailType: DetailType.AlertDecided, detail }, messageIds: new Set([delivery.messageId]) };
}

/** Everything a router batch publishes, each event with the records that contributed to it. */
export function publications(config: Config, contributions: readonly Contribution[], now: Date): Publication[] {
  const at = now.toISOString();
  return [...contributions.map((c) => alertDecided(c, at)), ...scaleRequests(config, contributions, at), ...notifyRequests(contributions, at)];
}
