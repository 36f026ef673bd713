import { occurrenceKey } from '../shared/alertmanager';
import type { Config } from '../shared/config/schema';
import { DetailType, type AlertEvent, type BusEvent, type NotifyRequested, type ScaleRequested } from '../shared/events';
import type { Clock } from '../shared/clock';
import type { DecisionRecord } from '../shared/decisions';
import type { DecisionWriter } from './ports';
import type { EventBus } from '../shared/publish';
import type { Log } from '../shared/log';
import { publishAll, type PublishOptions } from '../shared/publish';
import { buildRouteTree, matchReceivers } from '../shared/routing/route-tree';
import { planActions, type ActionPlan } from './plan';

export interface RouterDeps {
  readonly config: Config;
  readonly decisions: DecisionWriter;
  readonly bus: EventBus;
  readonly clock: Clock;
  readonly log: Log;
  readonly publish?: PublishOptions;
}

/** The router use case: one `Alertmanager Alert` event at a time. */
export interface Router {
  routeAlert(event: AlertEvent, eventId: string): Promise<RouteOutcome>;
}

/** What happened to one delivery; returned for tests and logs. */
export type RouteOutcome =
  | { readonly kind: 'decided'; readonly decision: DecisionRecord; readonly published: number }
  | { readonly kind: 'duplicate'; readonly decisionId: string }
  | { readonly kind: 'stepped'; readonly decisionId: string; readonly step: number; readonly published: number };

/**
 * The router use case for one `Alertmanager Alert` event: route it through the
 * configured tree, record one decision per occurrence (the dedupe is that
 * record's conditional write), and put the decided actions on the bus.
 *
 * Exactly once: a duplicate delivery only counts. Two exceptions make that
 * safe under failures and useful as a control loop: a redelivery of the very
 * event that created (or stepped) a record publishes its actions again — the
 * stages downstream are idempotent per action id — and a still-firing alert
 * whose cooldown has passed may claim one more scale step.
 */
export function createRouter(deps: RouterDeps): Router {
  const tree = buildRouteTree(deps.config.route);

  const requestEvents = (decisionId: string, event: AlertEvent, plan: ActionPlan, at: string): BusEvent[] => {
    const group = {
      groupKey: event.group.groupKey,
      notificationId: event.group.notificationId,
      size: event.group.size,
      externalURL: event.group.externalURL,
      truncatedAlerts: event.group.truncatedAlerts,
    };
    return [
      ...plan.scale.map((action): BusEvent<ScaleRequested> => ({
        detailType: DetailType.ScaleRequested,
        detail: { decisionId, alert: event.alert, group, action, requestedAt: at },
      })),
      ...plan.notify.map((action): BusEvent<NotifyRequested> => ({
        detailType: DetailType.NotifyRequested,
        detail: { decisionId, alert: event.alert, group, action, requestedAt: at },
      })),
    ];
  };

  return { routeAlert };

  async function routeAlert(event: AlertEvent, eventId: string): Promise<RouteOutcome> {
    const now = deps.clock();
    const at = now.toISOString();
    const { alert } = event;
    const decisionId = occurrenceKey(alert);
    const receivers = [...new Set(matchReceivers(tree, alert.labels))];
    const plan = planActions(deps.config, receivers, alert, decisionId, at);
    const record: DecisionRecord = {
      decisionId,
      fingerprint: alert.fingerprint,
      startsAt: alert.startsAt,
      status: alert.status,
      labels: alert.labels,
      receivers,
      actions: plan.records,
      duplicates: 0,
      step: 1,
      refireAt: plan.cooldownMs === undefined ? undefined : new Date(now.getTime() + plan.cooldownMs).toISOString(),
      createdAt: at,
      updatedAt: at,
      expiresAt: Math.floor((now.getTime() + deps.config.settings.decision_ttl) / 1000),
    };
    const publish = (events: BusEvent[]) => publishAll(deps.bus, events, { log: deps.log, ...deps.publish });

    const result = await deps.decisions.recordDelivery(record, now, { eventId });
    const { decision } = result;
    if (result.kind === 'new' || decision.originEventId === eventId) {
      const events = requestEvents(decisionId, event, plan, at);
      await publish(events);
      deps.log.info('decided', { decisionId, receivers, actions: events.length, redelivery: result.kind !== 'new' });
      return { kind: 'decided', decision, published: events.length };
    }

    if (decision.stepEventId === eventId) {
      const again = planActions(deps.config, receivers, alert, decisionId, at, decision.step);
      await publish(requestEvents(decisionId, event, again, at));
      return { kind: 'stepped', decisionId, step: decision.step, published: again.scale.length };
    }

    const refireAt = decision.refireAt;
    if (decision.status === 'firing' && refireAt !== undefined && Date.parse(refireAt) <= now.getTime() && plan.cooldownMs !== undefined) {
      const step = decision.step + 1;
      const next = planActions(deps.config, receivers, alert, decisionId, at, step);
      const claimed = await deps.decisions.claimStep(
        decisionId,
        {
          expectedRefireAt: refireAt,
          nextRefireAt: new Date(now.getTime() + (next.cooldownMs ?? plan.cooldownMs)).toISOString(),
          step,
          actions: next.records,
          eventId,
        },
        now,
      );
      if (claimed) {
        await publish(requestEvents(decisionId, event, next, at));
        deps.log.info('still firing after cooldown; stepping again', { decisionId, step });
        return { kind: 'stepped', decisionId, step, published: next.scale.length };
      }
    }
    deps.log.debug('duplicate delivery absorbed', { decisionId, duplicates: decision.duplicates });
    return { kind: 'duplicate', decisionId };
  }
}
