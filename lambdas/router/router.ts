import { eachLimited } from '../shared/concurrency';
import type { Clock } from '../shared/clock';
import type { Config } from '../shared/config/schema';
import type { DecisionRecord } from '../shared/decisions';
import type { NotificationEvent } from '../shared/events';
import type { Log } from '../shared/log';
import { METRIC, noMetrics, type Metrics } from '../shared/metrics';
import { PublishError, publishAll, type EventBus, type PublishOptions } from '../shared/publish';
import { buildRouteTree, matchRoutes, routeTimeMute, type RouteNode } from '../shared/routing/route-tree';
import { indexTimeIntervals } from '../shared/time/intervals';
import { publications, type Contribution, type Publication } from './coalesce';
import { decisionIdOf, recordDelivery, type DedupeContext, type Delivery, type DeliveryOutcome } from './dedupe';
import type { RoutedReceiver } from './plan';
import type { DecisionWriter } from './ports';

export interface RouterDeps {
  readonly config: Config;
  readonly decisions: DecisionWriter;
  readonly bus: EventBus;
  readonly clock: Clock;
  readonly log: Log;
  /** @default - none */
  readonly metrics?: Metrics;
  readonly publish?: PublishOptions;
  /** Decisions written at once in one batch (each occurrence's deliveries in order). @default 16 */
  readonly concurrency?: number;
}

/** One `Alertmanager Notification` (or part) as the router receives it. */
export interface InboundNotification {
  /** The SQS record it came in. */
  readonly messageId: string;
  /** The EventBridge event id: the same on every delivery of this event. */
  readonly eventId: string;
  readonly notification: NotificationEvent;
}

/** What a batch came to, for tests, logs and metrics. */
export interface BatchOutcome {
  /** Each record's error, by message id (absent: done). */
  readonly errors: ReadonlyMap<string, Error>;
  readonly counts: { readonly new: number; readonly duplicate: number; readonly stepped: number; readonly redelivered: number; readonly published: number };
}

/** The router use case: a batch of notifications at a time. */
export interface Router {
  routeBatch(notifications: readonly InboundNotification[]): Promise<BatchOutcome>;
}

/** The receivers a route match gives, once each, muted only when every route to it is muted now. */
function routedReceivers(routes: readonly RouteNode[], intervals: ReturnType<typeof indexTimeIntervals>, now: Date): RoutedReceiver[] {
  const byName = new Map<string, RoutedReceiver>();
  for (const route of routes) {
    const mute = routeTimeMute(route, intervals, now);
    const seen = byName.get(route.receiver);
    if (!seen || (seen.mute.muted && !mute.muted)) byName.set(route.receiver, { name: route.receiver, mute });
  }
  return [...byName.values()];
}

/** Every alert of a batch's notifications, with its decision id and the receivers its labels route to now. */
function deliveriesOf(notifications: readonly InboundNotification[], tree: ReturnType<typeof buildRouteTree>, intervals: ReturnType<typeof indexTimeIntervals>, now: Date): Delivery[] {
  return notifications.flatMap(({ messageId, eventId, notification }) => {
    const group = {
      groupKey: notification.groupKey,
      notificationId: notification.notificationId,
      externalURL: notification.externalURL,
      truncatedAlerts: notification.truncatedAlerts,
      size: notification.size,
    };
    return notification.alerts.map((alert) => ({
      messageId,
      eventId,
      receivedAt: notification.receivedAt,
      alert,
      group,
      decisionId: decisionIdOf(alert),
      receivers: routedReceivers(matchRoutes(tree, alert.labels), intervals, now),
    }));
  });
}

/** Records every delivery, each occurrence's in order; fills `failed` with the records whose writes failed. */
async function recordAll(deps: RouterDeps, deliveries: readonly Delivery[], known: Map<string, DecisionRecord>, ctx: DedupeContext, failed: Map<string, Error>) {
  const byDecision = new Map<string, Delivery[]>();
  for (const delivery of deliveries) byDecision.set(delivery.decisionId, [...(byDecision.get(delivery.decisionId) ?? []), delivery]);
  const outcomes: { delivery: Delivery; outcome: DeliveryOutcome }[] = [];
  await eachLimited([...byDecision.values()], deps.concurrency ?? 16, async (sameOccurrence) => {
    for (const delivery of sameOccurrence) {
      if (failed.has(delivery.messageId)) continue;
      try {
        const { outcome, record } = await recordDelivery(ctx, delivery, known.get(delivery.decisionId));
        known.set(delivery.decisionId, record);
        outcomes.push({ delivery, outcome });
        deps.log.debug('alert delivery', { decisionId: delivery.decisionId, alertname: delivery.alert.labels.alertname, status: delivery.alert.status, outcome: outcome.kind });
      } catch (error) {
        failed.set(delivery.messageId, error as Error);
      }
    }
  });
  return outcomes;
}

/** Publishes, failing exactly the records that contributed to an event the bus did not take. */
async function publish(deps: RouterDeps, pubs: readonly Publication[], failed: Map<string, Error>): Promise<void> {
  try {
    await publishAll(deps.bus, pubs.map((p) => p.event), { log: deps.log, ...deps.publish });
  } catch (error) {
    const refused = error instanceof PublishError ? new Set(error.failed.map((f) => f.event)) : undefined;
    for (const pub of pubs) {
      if (refused && !refused.has(pub.event)) continue;
      for (const messageId of pub.messageIds) if (!failed.has(messageId)) failed.set(messageId, error as Error);
    }
  }
}

/** The batch's counts, as metrics and one log line. */
function reportBatch(deps: RouterDeps, batch: { notifications: number; deliveries: number; outcomes: readonly { outcome: DeliveryOutcome }[]; contributions: readonly Contribution[]; published: number; failed: number }): BatchOutcome['counts'] {
  const metrics = deps.metrics ?? noMetrics;
  const count = (kind: DeliveryOutcome['kind']) => batch.outcomes.filter((o) => o.outcome.kind === kind).length;
  const counts = { new: count('new'), duplicate: count('duplicate'), stepped: count('stepped'), redelivered: count('redelivered'), published: batch.published };
  metrics.count(METRIC.AlertDeliveries, counts.new, { outcome: 'new' });
  metrics.count(METRIC.AlertDeliveries, counts.duplicate + counts.redelivered, { outcome: 'duplicate' });
  metrics.count(METRIC.AlertDeliveries, counts.stepped, { outcome: 'stepped' });
  metrics.count(METRIC.Decisions, counts.new + counts.stepped);
  // Names, not alerts: one line per batch stays small in a storm and still says what it was about.
  const alertnames = [...new Set(batch.contributions.map((c) => c.delivery.alert.labels.alertname))].slice(0, 10);
  deps.log.info('routed batch', { notifications: batch.notifications, deliveries: batch.deliveries, ...counts, alertnames, failedRecords: batch.failed });
  return counts;
}

/**
 * Builds the router: for a batch of `Alertmanager Notification` events,
 * routes every alert through the configured tree (and its time intervals),
 * records one decision per occurrence (deduplicated with one batched read;
 * a write only for what is new or steps), and publishes what was decided,
 * coalesced: `Alert Decided` per new occurrence, one `Scale Requested` per
 * node group and scale config, one `Notify Requested` per channel config and
 * group notification.
 *
 * Exactly once: a duplicate delivery publishes nothing. A redelivery of the
 * very event that created (or stepped) a decision publishes its actions
 * again — the stages downstream are idempotent per action id — so a record
 * that failed halfway is finished by its redelivery.
 */
export function createRouter(deps: RouterDeps): Router {
  const tree = buildRouteTree(deps.config.route);
  const intervals = indexTimeIntervals(deps.config.time_intervals);

  return {
    async routeBatch(notifications) {
      const now = deps.clock();
      const failed = new Map<string, Error>();
      const deliveries = deliveriesOf(notifications, tree, intervals, now);
      let known: Map<string, DecisionRecord>;
      try {
        known = new Map(await deps.decisions.getMany([...new Set(deliveries.map((d) => d.decisionId))], now));
      } catch (error) {
        for (const { messageId } of notifications) failed.set(messageId, error as Error);
        return { errors: failed, counts: { new: 0, duplicate: 0, stepped: 0, redelivered: 0, published: 0 } };
      }
      const outcomes = await recordAll(deps, deliveries, known, { config: deps.config, decisions: deps.decisions, now }, failed);
      // A record whose work failed publishes nothing now: its redelivery republishes what it created.
      const contributions = outcomes.filter((o): o is Contribution => o.outcome.kind !== 'duplicate' && !failed.has(o.delivery.messageId));
      const pubs = publications(deps.config, contributions, now);
      await publish(deps, pubs, failed);
      const counts = reportBatch(deps, { notifications: notifications.length, deliveries: deliveries.length, outcomes, contributions, published: pubs.length, failed: failed.size });
      return { errors: failed, counts };
    },
  };
}
