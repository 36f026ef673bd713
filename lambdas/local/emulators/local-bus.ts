import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../../shared/clock';
import { EVENT_SOURCE, type BusEvent, type EventPattern } from '../../shared/events';
import type { EventBus, PutOutcome } from '../../shared/publish';
import { matchesPattern } from './event-pattern';

/** An event as EventBridge delivers it to a target. */
export interface EventEnvelope {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: unknown;
}

export interface LocalRule {
  readonly name: string;
  readonly pattern: EventPattern;
  readonly target: (event: EventEnvelope) => void;
}

/**
 * The in-process event bus of local mode. Events are wrapped in EventBridge's
 * envelope and delivered to every rule whose pattern matches — the same
 * pattern objects the stack gives its EventBridge rules — and to listeners,
 * which see everything (tests, the console). Each envelope's `time` is the
 * pipeline's clock, as EventBridge stamps the time it took the event.
 */
export class LocalEventBus implements EventBus {
  private readonly rules: LocalRule[] = [];
  private readonly listeners = new Set<(event: EventEnvelope) => void>();

  constructor(private readonly clock: Clock = systemClock) {}

  addRule(rule: LocalRule): void {
    this.rules.push(rule);
  }

  /** Calls `listener` with every event put on the bus; returns a function that unsubscribes. */
  subscribe(listener: (event: EventEnvelope) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async putBatch(events: readonly BusEvent[]): Promise<readonly PutOutcome[]> {
    return events.map((event) => {
      this.put({
        version: '0',
        id: randomUUID(),
        'detail-type': event.detailType,
        source: EVENT_SOURCE,
        account: '000000000000',
        time: this.clock().toISOString(),
        region: 'local',
        resources: [],
        // A copy, as a real bus would hand out: no consumer can mutate what another sees.
        detail: JSON.parse(JSON.stringify(event.detail)),
      });
      return { ok: true } as const;
    });
  }

  /** Puts an already-enveloped event, e.g. one that stands for AWS's own (`aws.autoscaling`). */
  put(envelope: EventEnvelope): void {
    for (const listener of this.listeners) listener(envelope);
    for (const rule of this.rules) {
      if (matchesPattern(rule.pattern, envelope as unknown as Record<string, unknown>)) rule.target(envelope);
    }
  }
}
