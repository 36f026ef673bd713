import type { EventEnvelope, LocalEventBus } from './emulators/local-bus';

/** How many bus events local mode keeps for `GET /api/events`. */
export const EVENTS_KEPT = 10_000;

/**
 * The newest events put on local mode's bus, as an EventBridge subscriber
 * would have received them: a bounded ring, newest first when read.
 */
export class EventLog {
  private readonly ring: (EventEnvelope | undefined)[];
  private next = 0;
  private size = 0;

  constructor(
    bus: LocalEventBus,
    private readonly capacity = EVENTS_KEPT,
  ) {
    this.ring = new Array<EventEnvelope | undefined>(capacity);
    bus.subscribe((event) => this.add(event));
  }

  private add(event: EventEnvelope): void {
    this.ring[this.next] = event;
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  /** Up to `limit` events, newest first, of one detail-type when given. */
  newest(limit: number, detailType?: string): EventEnvelope[] {
    const found: EventEnvelope[] = [];
    for (let i = 1; i <= this.size && found.length < limit; i++) {
      const event = this.ring[(this.next - i + this.capacity) % this.capacity];
      if (event && (detailType === undefined || event['detail-type'] === detailType)) found.push(event);
    }
    return found;
  }
}
