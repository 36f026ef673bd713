import type { BusEvent } from '../../lambdas/shared/events';
import type { EventBus, PutOutcome } from '../../lambdas/shared/ports';

/** An EventBus fake that accepts every event and keeps it, counting PutEvents-sized calls. */
export class RecordingBus implements EventBus {
  readonly events: BusEvent[] = [];
  calls = 0;

  async putBatch(events: readonly BusEvent[]): Promise<readonly PutOutcome[]> {
    this.calls++;
    this.events.push(...events);
    return events.map(() => ({ ok: true }) as const);
  }
}
