import type { BusEvent, NotificationSent } from '../../../lambdas/shared/events';
import { DetailType } from '../../../lambdas/shared/events';
import type { EventBus, PutOutcome } from '../../../lambdas/shared/publish';

/** An EventBus fake that accepts every event and keeps it, counting PutEvents-sized calls. */
export class RecordingBus implements EventBus {
  readonly events: BusEvent[] = [];
  calls = 0;

  async putBatch(events: readonly BusEvent[]): Promise<readonly PutOutcome[]> {
    this.calls++;
    this.events.push(...events);
    return events.map(() => ({ ok: true }) as const);
  }

  /** The details of every event of one detail-type, in order. */
  ofType<T>(detailType: string): T[] {
    return this.events.filter((event) => event.detailType === detailType).map((event) => event.detail as T);
  }

  get notificationsSent(): NotificationSent[] {
    return this.ofType<NotificationSent>(DetailType.NotificationSent);
  }
}
