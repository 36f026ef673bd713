import type { BusEvent } from './events';
import type { Log } from './log';
import { fullJitter, sleep } from './backoff';

/** Outcome of putting one event: accepted, or the error the bus gave for that entry. */
export type PutOutcome = { readonly ok: true } | { readonly ok: false; readonly errorCode: string; readonly errorMessage: string };

/**
 * The event bus port: EventBridge on AWS, the in-process bus locally.
 * `putBatch` takes at most 10 events and reports per entry, like PutEvents.
 */
export interface EventBus {
  putBatch(events: readonly BusEvent[]): Promise<readonly PutOutcome[]>;
}

/** EventBridge's limits for one PutEvents call. */
export const MAX_ENTRIES_PER_PUT = 10;
export const MAX_PUT_BYTES = 256 * 1024;

/** Some events could not be put on the bus after every retry. */
export class PublishError extends Error {
  override readonly name = 'PublishError';
  constructor(
    readonly failed: readonly { readonly event: BusEvent; readonly errorCode: string; readonly errorMessage: string }[],
    options?: ErrorOptions,
  ) {
    super(`${failed.length} event(s) not accepted by the bus: ${failed[0]?.errorCode ?? 'unknown'} ${failed[0]?.errorMessage ?? ''}`.trim(), options);
  }
}

/** One event is larger than EventBridge accepts; retrying cannot help. */
export class EventTooLargeError extends Error {
  override readonly name = 'EventTooLargeError';
  constructor(
    readonly index: number,
    readonly bytes: number,
  ) {
    super(`event ${index} is ${bytes} bytes; EventBridge accepts at most ${MAX_PUT_BYTES} bytes per event`);
  }
}

/**
 * The size EventBridge counts for an entry: detail-type, source and detail
 * (UTF-8), plus a margin for the resources and time fields it adds.
 */
export function entrySize(event: BusEvent, source: string): number {
  return Buffer.byteLength(event.detailType) + Buffer.byteLength(source) + Buffer.byteLength(JSON.stringify(event.detail)) + 64;
}

/** Splits events into PutEvents-sized batches: at most 10 entries and 256 KB each. */
export function batchesOf(events: readonly BusEvent[], source: string): BusEvent[][] {
  const batches: BusEvent[][] = [];
  let current: BusEvent[] = [];
  let bytes = 0;
  events.forEach((event, index) => {
    const size = entrySize(event, source);
    if (size > MAX_PUT_BYTES) throw new EventTooLargeError(index, size);
    if (current.length === MAX_ENTRIES_PER_PUT || bytes + size > MAX_PUT_BYTES) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(event);
    bytes += size;
  });
  if (current.length > 0) batches.push(current);
  return batches;
}

export interface PublishOptions {
  /** Attempts per batch, the first included. @default 4 */
  readonly attempts?: number;
  /** Base of the exponential backoff between attempts, in ms (full jitter). @default 50 */
  readonly baseDelayMs?: number;
  readonly log?: Log;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly source?: string;
}

/**
 * Puts every event on the bus, in batches of at most 10 entries and 256 KB,
 * retrying only the entries the bus refused, with exponential backoff and full
 * jitter. Resolves only when every event is on the bus; otherwise throws a
 * `PublishError` naming what is missing, so the caller can answer 5xx (and
 * Alertmanager, or SQS, retries).
 */
export async function publishAll(bus: EventBus, events: readonly BusEvent[], options: PublishOptions = {}): Promise<void> {
  const { attempts = 4, baseDelayMs = 50, log, sleep: wait = sleep, source = 'alertscale' } = options;
  await Promise.all(
    batchesOf(events, source).map(async (batch) => {
      let pending = batch;
      let lastFailures: { event: BusEvent; errorCode: string; errorMessage: string }[] = [];
      for (let attempt = 1; attempt <= attempts && pending.length > 0; attempt++) {
        if (attempt > 1) await wait(fullJitter(attempt - 1, baseDelayMs));
        let outcomes;
        try {
          outcomes = await bus.putBatch(pending);
        } catch (error) {
          // The whole call failed (throttled, network): every entry of it is retried.
          const err = error as Error;
          lastFailures = pending.map((event) => ({ event, errorCode: err.name, errorMessage: err.message }));
          log?.warn('PutEvents call failed', { attempt, entries: pending.length, error: err.message });
          continue;
        }
        lastFailures = [];
        pending.forEach((event, i) => {
          const outcome = outcomes[i];
          if (!outcome || !outcome.ok) {
            lastFailures.push({ event, errorCode: outcome?.ok === false ? outcome.errorCode : 'Missing', errorMessage: outcome?.ok === false ? outcome.errorMessage : 'no result for entry' });
          }
        });
        if (lastFailures.length > 0) {
          log?.warn('PutEvents refused some entries; retrying only those', { attempt, failed: lastFailures.length, errorCode: lastFailures[0]?.errorCode });
        }
        pending = lastFailures.map((failure) => failure.event);
      }
      if (pending.length > 0) throw new PublishError(lastFailures);
    }),
  );
}
