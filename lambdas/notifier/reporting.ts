import type { ActionRecorder } from '../shared/decisions';
import { DetailType, type BusEvent, type NotificationSent, type NotifyRequested } from '../shared/events';
import type { Clock } from '../shared/clock';
import type { Log } from '../shared/log';
import { publishAll, type EventBus } from '../shared/publish';
import type { SendOutcome } from './channels/sender';
import type { SendStore } from './ports';
import { keyOfRequest, requestKey, type SendUnit } from './send-units';

/** A delivery failed transiently after every retry; the record fails so SQS retries it, then parks it in the DLQ. */
export class DeliveryFailedError extends Error {
  override readonly name = 'DeliveryFailedError';
}

/** What became of one request: its send's outcome, and whether it was sent just now (not found already sent). */
export interface RequestResult {
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
  /** ms */
  readonly ttlMs: number;
}

/** Records one request's result: the send (when fresh and sent), the decision's action, and its `Notification Sent` event. */
async function reportOne(reporter: SendReporter, unit: SendUnit, request: NotifyRequested, result: RequestResult, at: Date): Promise<BusEvent<NotificationSent>> {
  const { outcome } = result;
  if (outcome.outcome === 'sent' && result.fresh) {
    const recorded = await reporter.sends.recordSent(
      {
        decisionId: request.decisionId,
        actionId: request.action.actionId,
        receiver: unit.receiver,
        channel: unit.channel,
        dedupKey: outcome.dedupKey,
        attempts: outcome.attempts,
        sentAt: at.toISOString(),
        expiresAt: Math.floor((at.getTime() + reporter.ttlMs) / 1000),
      },
      at,
    );
    if (!recorded) reporter.log.info('send was recorded by a concurrent attempt', { decisionId: request.decisionId, actionId: request.action.actionId });
  }
  await reporter.decisions.recordAction(request.decisionId, {
    actionId: request.action.actionId,
    kind: 'notify',
    receiver: unit.receiver,
    target: unit.channel,
    outcome: outcome.outcome,
    at: at.toISOString(),
    detail: outcome.reason,
  });
  return {
    detailType: DetailType.NotificationSent,
    detail: {
      decisionId: request.decisionId,
      actionId: request.action.actionId,
      receiver: unit.receiver,
      channel: unit.channel,
      dedupKey: outcome.dedupKey,
      outcome: outcome.outcome,
      reason: outcome.reason,
      attempts: outcome.attempts,
      at: at.toISOString(),
    },
  };
}

/**
 * Reports a unit's results and resolves to each request's error, if any: a
 * transient failure fails its record (SQS retries it), and so does a report
 * that could not be written or published — the send itself is recorded, so
 * the redelivery only reports again.
 */
export async function reportUnit(reporter: SendReporter, unit: SendUnit, results: ReadonlyMap<string, RequestResult>): Promise<Map<string, Error | undefined>> {
  const at = reporter.clock();
  const errors = new Map<string, Error | undefined>();
  const events: BusEvent<NotificationSent>[] = [];
  await Promise.all(
    [...unit.requests.values()].map(async (request) => {
      const key = keyOfRequest(request);
      const result = results.get(key);
      if (!result) return;
      try {
        events.push(await reportOne(reporter, unit, request, result, at));
        const { outcome } = result;
        errors.set(key, outcome.outcome === 'failed' && outcome.transient ? new DeliveryFailedError(`${unit.channel} delivery failed: ${outcome.reason}`) : undefined);
      } catch (error) {
        errors.set(key, error as Error);
      }
    }),
  );
  if (events.length === 0) return errors;
  try {
    await publishAll(reporter.bus, events, { log: reporter.log, sleep: reporter.sleep });
  } catch (error) {
    reporter.log.error('could not publish Notification Sent events', { count: events.length, error: (error as Error).message });
    for (const event of events) {
      const key = requestKey(event.detail.decisionId, event.detail.actionId);
      if (errors.get(key) === undefined) errors.set(key, error as Error);
    }
  }
  return errors;
}
