import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { occurrenceKey } from '../shared/alertmanager';
import type { Config } from '../shared/config/schema';
import { alertEventSchema, DetailType, type AlertEvent, type BusEvent, type NotifyRequested, type ScaleRequested } from '../shared/events';
import type { Clock, DecisionRecord, DecisionStore, EventBus, Log } from '../shared/ports';
import { publishAll, type PublishOptions } from '../shared/publish';
import { buildRouteTree, matchReceivers } from '../shared/routing/route-tree';
import { planActions, type ActionPlan } from './plan';

export interface RouterDeps {
  readonly config: Config;
  readonly decisions: DecisionStore;
  readonly bus: EventBus;
  readonly clock: Clock;
  readonly log: Log;
  readonly publish?: PublishOptions;
}

/** A queue record that is not an `Alertmanager Alert` event; retrying cannot fix it, so it ends in the DLQ. */
export class MalformedAlertEventError extends Error {
  override readonly name = 'MalformedAlertEventError';
}

/** The EventBridge envelope as its SQS target delivers it. */
const envelopeSchema = z.looseObject({ id: z.string(), 'detail-type': z.literal(DetailType.Alert), detail: z.unknown() });

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
export function createAlertRouter(deps: RouterDeps) {
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

  return async function route(event: AlertEvent, eventId: string): Promise<RouteOutcome> {
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
  };
}

/** Parses one SQS record into the alert event it carries, or throws `MalformedAlertEventError`. */
export function parseAlertRecord(record: Pick<SQSRecord, 'body' | 'messageId'>): { event: AlertEvent; eventId: string } {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch (error) {
    throw new MalformedAlertEventError(`message ${record.messageId} is not JSON`, { cause: error });
  }
  const envelope = envelopeSchema.safeParse(body);
  const detail = envelope.success ? alertEventSchema.safeParse(envelope.data.detail) : undefined;
  if (!envelope.success || !detail?.success) {
    const issue = (envelope.success ? detail?.error?.issues[0] : envelope.error.issues[0]) ?? undefined;
    throw new MalformedAlertEventError(`message ${record.messageId} is not an Alertmanager Alert event: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return { event: detail.data, eventId: envelope.data.id };
}

/**
 * The router as an SQS batch consumer: each record is routed on its own, and
 * only the records that failed are reported back, so SQS retries those and
 * not the rest of the batch.
 */
export function createRouter(deps: RouterDeps): (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse> {
  const route = createAlertRouter(deps);
  const handleRecord = async (record: SQSRecord) => {
    try {
      const { event, eventId } = parseAlertRecord(record);
      await route(event, eventId);
    } catch (error) {
      deps.log.error('could not route record; it will be retried, then parked in the DLQ', {
        messageId: record.messageId,
        error: (error as Error).message,
      });
      throw error;
    }
  };
  // A batch whose every record failed is reported like any other (not thrown), so local mode and Lambda agree.
  // A processor per batch: it holds one batch's state, and local mode runs several batches at once.
  return (event, context) =>
    processPartialResponse(event, handleRecord, new BatchProcessor(EventType.SQS), { ...(context ? { context } : {}), throwOnFullBatchFailure: false });
}
