import { TZDate, tzOffset } from '@date-fns/tz';

/**
 * Wall clocks and UTC offsets of IANA zones, from the runtime's own tz data
 * through `@date-fns/tz` (which reads `Intl`): no offset tables of our own.
 */

/** A time zone that this runtime's `Intl` does not know. The config schema refuses those, so this means another runtime. */
export class UnknownTimeZoneError extends Error {
  override readonly name = 'UnknownTimeZoneError';
  constructor(readonly zone: string) {
    super(`unknown time zone ${zone}`);
  }
}

/** The wall clock of an instant in one zone: what Go's `t.In(location)` exposes to Alertmanager's `ContainsTime`. */
export interface WallClock {
  readonly year: number;
  /** 1 … 12. */
  readonly month: number;
  /** 1 … 31. */
  readonly day: number;
  /** 0 = Sunday … 6 = Saturday. */
  readonly weekday: number;
  /** Hour × 60 + minute; seconds play no part, as in Alertmanager. */
  readonly minuteOfDay: number;
}

/** The wall clock whose fields are `date`'s UTC fields: how a wall time shifted by its offset is read. */
export function wallClockOfUtcFields(date: Date): WallClock {
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    weekday: date.getUTCDay(),
    minuteOfDay: date.getUTCHours() * 60 + date.getUTCMinutes(),
  };
}

/** The wall clock of `at` in `zone`, read through `TZDate` (DST-correct). Throws `UnknownTimeZoneError`. */
export function wallClockAt(at: Date, zone: string): WallClock {
  if (zone === 'UTC') return wallClockOfUtcFields(at);
  const local = new TZDate(at.getTime(), zone);
  if (Number.isNaN(local.getTime())) throw new UnknownTimeZoneError(zone);
  return {
    year: local.getFullYear(),
    month: local.getMonth() + 1,
    day: local.getDate(),
    weekday: local.getDay(),
    minuteOfDay: local.getHours() * 60 + local.getMinutes(),
  };
}

/**
 * The UTC offset of `zone` at the instant `ms`, in milliseconds, rounded to
 * whole seconds exactly as `TZDate` rounds it, so that `ms + offset` read as
 * UTC fields is the same wall clock `wallClockAt` reads.
 */
export function offsetMsAt(zone: string, ms: number): number {
  if (zone === 'UTC') return 0;
  const minutes = tzOffset(zone, new Date(ms));
  if (Number.isNaN(minutes)) throw new UnknownTimeZoneError(zone);
  return Math.round(minutes * 60) * 1000;
}

/** A stretch of time `[start, end)` (ms since the epoch) over which a zone keeps one offset. */
export interface OffsetSpan {
  readonly start: number;
  readonly end: number;
  readonly offsetMs: number;
}

// Offsets are probed every six hours and each change is then found to the millisecond
// by bisection. No zone changes its offset twice within six hours, so none is missed.
const PROBE_MS = 6 * 3_600_000;

function firstChange(zone: string, before: number, after: number, offsetMs: number): number {
  let lo = before;
  let hi = after;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetMsAt(zone, mid) === offsetMs) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** `[start, end)` cut where `zone` changes its UTC offset (DST and the rest), in order. */
export function constantOffsetSpans(zone: string, start: number, end: number): OffsetSpan[] {
  if (zone === 'UTC') return [{ start, end, offsetMs: 0 }];
  const spans: OffsetSpan[] = [];
  let spanStart = start;
  let offsetMs = offsetMsAt(zone, start);
  // The last probe is at end - 1: a change at `end` itself is outside the span.
  for (let probed = start; probed < end - 1; ) {
    const probe = Math.min(probed + PROBE_MS, end - 1);
    if (offsetMsAt(zone, probe) === offsetMs) {
      probed = probe;
      continue;
    }
    const change = firstChange(zone, probed, probe, offsetMs);
    spans.push({ start: spanStart, end: change, offsetMs });
    spanStart = change;
    offsetMs = offsetMsAt(zone, change);
    probed = change;
  }
  spans.push({ start: spanStart, end, offsetMs });
  return spans;
}
