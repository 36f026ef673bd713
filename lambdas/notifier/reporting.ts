import type { Clock } from '../shared/clock';
import type { ActionRecorder } from '../shared/decisions';
import { DetailType, type BusEvent, type NotificationSent, type NotifyRequested } from '../shared/events';
import type { Log } from '../shared/log';
import { METRIC, noMetrics, type Metrics } from '../shared/metrics';
import { publishAll, type EventBus } from '../shared/publish';
import type { SendOutcome } from './channels/sender';
import type { NotifyItem } from './items';
import type { SendStore } from './ports';
import { keyOfRequest, requestKey, type SendUnit } from './send-units';

/** A delivery failed transiently after every retry; the record fails so SQS retries it, then parks it in the DLQ. */
export class DeliveryFailedError extends Error {
  override readonly name = 'DeliveryFailedError';
}

/** What became of one item: its send's outcome, and whether it was sent just now (not found already sent). */
export interface ItemResult {
  readonly outcome: SendOutcome;
  readonly fresh: boolean;
}

export interface SendReporter {
  readonly sends: SendStore;
  readonly decisions: ActionRecorder;
  readonly bus: EventBus;
  readonly log: Log;
  readonly clock: Clock;
  readonly sleep: (ms: number) => Promise<void>;
  readonly metrics?: Metrics | undefined;
  /** ms */
  readonly ttlMs: number;
}

/** Records one item's result: the send (when fresh and sent) and its decision's action. */
async function recordItem(reporter: SendReporter, unit: SendUnit, item: NotifyItem, result: ItemResult, at: Date): Promise<void> {
  const { outcome } = result;
  if (outcome.outcome === 'sent' && result.fresh) {
    const recorded = await reporter.sends.recordSent(
      {
        decisionId: item.decisionId,
        actionId: item.action.actionId,
        receiver: unit.receiver,
        channel: unit.channel,
        dedupKey: outcome.dedupKey,
        attempts: outcome.attempts,
        sentAt: at.toISOString(),
        expiresAt: Math.floor((at.getTime() + reporter.ttlMs) / 1000),
      },
      at,
    );
    if (!recorded) reporter.log.info('send was recorded by a concurrent attempt', { decisionId: item.decisionId, actionId: item.action.actionId });
  }
  await reporter.decisions.recordAction(item.decisionId, {
    actionId: item.action.actionId,
    kind: 'notify',
    receiver: unit.receiver,
    target: unit.channel,
    outcome: outcome.outcome,
    at: at.toISOString(),
    detail: outcome.reason,
  });
}

/**
 * Records a unit's results and resolves to each item's error, if any: a
 * transient failure fails its record (SQS retries it), and so does a record
 * that could not be written — the send itself is recorded, so the
 * redelivery only reports again.
 */
export async function recordUnit(reporter: SendReporter, unit: SendUnit, results: ReadonlyMap<string, ItemResult>): Promise<Map<string, Error | undefined>> {
  const at = reporter.clock();
  const errors = new Map<string, Error | undefined>();
  await Promise.all(
    [...unit.items.values()].map(async (item) => {
      const key = keyOfRequest(item);
      const result = results.get(key);
      if (!result) return;
      try {
        await recordItem(reporter, unit, item, result, at);
        const { outcome } = result;
        errors.set(key, outcome.outcome === 'failed' && outcome.transient ? new DeliveryFailedError(`${unit.channel} delivery failed: ${outcome.reason}`) : undefined);
      } catch (error) {
        errors.set(key, error as Error);
      }
    }),
  );
  return errors;
}

/** The `Notification Sent` of one request: its items' outcomes, `failed` if any failed, else `sent` if any went out, else `skipped`. */
export function notificationSent(request: NotifyRequested, results: ReadonlyMap<string, ItemResult>, at: Date): BusEvent<NotificationSent> {
  const sends = request.alerts.flatMap((member) => {
    const result = results.get(requestKey(member.decisionId, member.actionId));
    if (!result) return [];
    const { outcome } = result;
    return [{ decisionId: member.decisionId, actionId: member.actionId, dedupKey: outcome.dedupKey, outcome: outcome.outcome, reason: outcome.reason, attempts: outcome.attempts }];
  });
  const outcome = sends.some((s) => s.outcome === 'failed') ? 'failed' : sends.some((s) => s.outcome === 'sent') ? 'sent' : 'skipped';
  return {
    detailType: DetailType.NotificationSent,
    detail: {
      actionId: request.actionId,
      receiver: request.receiver,
      channel: request.channel,
      reason: request.reason,
      outcome,
      decisionIds: [...new Set(sends.map((s) => s.decisionId))],
      sends,
      at: at.toISOString(),
    },
  };
}

/**
 * Publishes one `Notification Sent` per request whose items were all
 * recorded, and counts them; resolves to the error when the bus did not take
 * them all (the caller then fails the requests reported, whose redelivery
 * publishes again: their sends are recorded, so nothing is sent twice).
 */
export async function reportRequests(reporter: SendReporter, requests: readonly NotifyRequested[], results: ReadonlyMap<string, ItemResult>): Promise<Error | undefined> {
  const at = reporter.clock();
  const events = requests.map((request) => notificationSent(request, results, at)).filter((event) => event.detail.sends.length > 0);
  for (const event of events) (reporter.metrics ?? noMetrics).count(METRIC.Notifications, 1, { channel: event.detail.channel, outcome: event.detail.outcome });
  if (events.length === 0) return undefined;
  try {
    await publishAll(reporter.bus, events, { log: reporter.log, sleep: reporter.sleep });
    return undefined;
  } catch (error) {
    reporter.log.error('could not publish Notification Sent events', { count: events.length, error: (error as Error).message });
    return error as Error;
  }
}
