import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EVENT_SOURCE, type BusEvent } from '../../shared/events';
import type { EventBus, PutOutcome } from '../../shared/publish';

/**
 * The EventBus port on an EventBridge custom bus: one PutEvents call per batch
 * (callers batch with `publishAll`), reporting each entry's outcome by position
 * so that only refused entries are retried.
 */
export class EventBridgeBus implements EventBus {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async putBatch(events: readonly BusEvent[]): Promise<readonly PutOutcome[]> {
    const response = await this.client.send(
      new PutEventsCommand({
        Entries: events.map((event) => ({
          EventBusName: this.busName,
          Source: EVENT_SOURCE,
          DetailType: event.detailType,
          Detail: JSON.stringify(event.detail),
        })),
      }),
    );
    const entries = response.Entries ?? [];
    return events.map((_, i): PutOutcome => {
      const entry = entries[i];
      if (entry?.EventId && !entry.ErrorCode) return { ok: true };
      return { ok: false, errorCode: entry?.ErrorCode ?? 'MissingEntry', errorMessage: entry?.ErrorMessage ?? 'PutEvents returned no result for this entry' };
    });
  }
}
