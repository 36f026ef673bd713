import { constantOffsetSpans, wallClockAt, wallClockOfUtcFields, type WallClock } from './zones';

/**
 * Alertmanager's time intervals (`timeinterval/timeinterval.go`), evaluated
 * exactly as Alertmanager's `TimeInterval.ContainsTime` evaluates them. The
 * types are the *parsed* form: plain JSON, because the validated
 * configuration reaches the Lambda bundles as JSON. The YAML syntax and its
 * validation live with the config schema, so this module stays small.
 */

export { UnknownTimeZoneError, type WallClock } from './zones';

/** An inclusive range of whole numbers, `begin` and `end` both included. */
export interface InclusiveRange {
  readonly begin: number;
  readonly end: number;
}

/** Minutes of the day: `start_minute` included, `end_minute` excluded; 0 ≤ start < end ≤ 1440 (`24:00`). */
export interface TimeRange {
  readonly start_minute: number;
  readonly end_minute: number;
}

/**
 * One parsed time interval. A field that is absent does not constrain; a
 * field that is present holds when any one of its ranges holds, so an empty
 * list never holds (go-yaml leaves `weekdays: []` an empty, non-nil slice,
 * and Alertmanager's loop over it finds nothing). All present fields must hold.
 */
export interface TimeInterval {
  readonly times?: readonly TimeRange[] | undefined;
  /** 0 = Sunday … 6 = Saturday. */
  readonly weekdays?: readonly InclusiveRange[] | undefined;
  /** 1 … 31, or -1 (the month's last day) … -31, resolved against the actual month length. */
  readonly days_of_month?: readonly InclusiveRange[] | undefined;
  /** 1 = January … 12 = December. */
  readonly months?: readonly InclusiveRange[] | undefined;
  readonly years?: readonly InclusiveRange[] | undefined;
  /** The IANA zone every field is read in, e.g. `Europe/Berlin`; `UTC` when the YAML gave none. */
  readonly location: string;
}

/** A named entry of the configuration's `time_intervals`: it holds when any one of its intervals holds. */
export interface NamedTimeInterval {
  readonly name: string;
  readonly intervals: readonly TimeInterval[];
}

/**
 * Days in a calendar month (1 … 12), by calendar arithmetic (day 0 of the
 * next month), which no DST change can disturb. Alertmanager fixed exactly
 * that bug in its `daysInMonth` (#5447): dividing the month's duration by
 * 24 h gave 30 for a 31-day month holding a spring-forward change.
 */
export function daysInMonth(year: number, month: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month, 0);
  return date.getUTCDate();
}

const clamp = (n: number, min: number, max: number) => Math.min(Math.max(n, min), max);

const inAny = (ranges: readonly InclusiveRange[], value: number) => ranges.some((r) => value >= r.begin && value <= r.end);

// Alertmanager's days_of_month loop, step by step: negative days count back from the
// month's real end; a range that begins after the month's end is skipped, not clamped
// (so 30:31 never holds in February); what remains is clamped to ±days-in-month.
function dayOfMonthHolds(ranges: readonly InclusiveRange[], wall: WallClock): boolean {
  const days = daysInMonth(wall.year, wall.month);
  return ranges.some((range) => {
    const begin = range.begin < 0 ? days + range.begin + 1 : range.begin;
    const end = range.end < 0 ? days + range.end + 1 : range.end;
    if (begin > days) return false;
    return wall.day >= clamp(begin, -days, days) && wall.day <= clamp(end, -days, days);
  });
}

/**
 * Whether `interval` holds at a wall clock already read in its location: the
 * body of `ContainsTime` after its `t.In(location)`.
 */
export function containsWallClock(interval: TimeInterval, wall: WallClock): boolean {
  const { times, days_of_month: daysOfMonth, months, weekdays, years } = interval;
  if (times && !times.some((t) => wall.minuteOfDay >= t.start_minute && wall.minuteOfDay < t.end_minute)) return false;
  if (daysOfMonth && !dayOfMonthHolds(daysOfMonth, wall)) return false;
  if (months && !inAny(months, wall.month)) return false;
  if (weekdays && !inAny(weekdays, wall.weekday)) return false;
  if (years && !inAny(years, wall.year)) return false;
  return true;
}

/**
 * Whether `interval` holds at the instant `at`: Alertmanager's
 * `TimeInterval.ContainsTime(at.UTC())`. Every field is read from the wall
 * clock of `at` in the interval's location; `times` compare whole minutes,
 * start included and end excluded. Throws `UnknownTimeZoneError` for a zone
 * this runtime lacks.
 */
export function intervalContains(interval: TimeInterval, at: Date): boolean {
  return containsWallClock(interval, wallClockAt(at, interval.location));
}

/** Whether a named entry's intervals hold at `at`: any one of them does. An entry without intervals never holds. */
export function anyActive(named: readonly TimeInterval[], at: Date): boolean {
  return named.some((interval) => intervalContains(interval, at));
}

/** The configuration's named intervals by name, for looking up the names a route uses. */
export function indexTimeIntervals(named: readonly NamedTimeInterval[]): ReadonlyMap<string, readonly TimeInterval[]> {
  return new Map(named.map((entry) => [entry.name, entry.intervals]));
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** How far ahead `nextTransitions` looks by default: a leap year and a day, so that a once-a-year interval is found. */
export const TRANSITION_HORIZON_MS = 367 * DAY_MS;

/**
 * When a named entry next starts and stops holding, seen from some instant
 * up to `until` (the horizon). `always` and `never` mean no change before
 * `until`; otherwise `active` says whether it holds at the start, and a
 * transition past the horizon is `undefined`.
 */
export type Transitions =
  | { readonly kind: 'always'; readonly until: Date }
  | { readonly kind: 'never'; readonly until: Date }
  | {
      readonly kind: 'changes';
      readonly active: boolean;
      readonly nextStart: Date | undefined;
      readonly nextEnd: Date | undefined;
      readonly until: Date;
    };

interface Span {
  start: number;
  end: number;
}

// The wall-clock instant after `wallMs` at which an interval's answer may change:
// the next start or end of one of its `times`, or else the next midnight (days,
// weekdays, months and years only change there).
function nextWallBoundary(interval: TimeInterval, wallMs: number): number {
  const dayStart = Math.floor(wallMs / DAY_MS) * DAY_MS;
  const minute = Math.floor((wallMs - dayStart) / MINUTE_MS);
  let next = 1440;
  for (const { start_minute: start, end_minute: end } of interval.times ?? []) {
    if (start > minute && start < next) next = start;
    if (end > minute && end < next) next = end;
  }
  return dayStart + next * MINUTE_MS;
}

// Where one interval holds within [start, end). Within a span of constant UTC offset the
// wall clock is the instant plus that offset, so the answer is constant between wall-clock
// boundaries; a DST change starts a new span, whose wall clock jumps (a skipped local hour
// is never visited, a repeated one is visited twice, as the instants themselves do).
function holdingSpans(interval: TimeInterval, start: number, end: number): Span[] {
  const spans: Span[] = [];
  for (const segment of constantOffsetSpans(interval.location, start, end)) {
    for (let t = segment.start; t < segment.end; ) {
      const wall = t + segment.offsetMs;
      const next = Math.min(segment.end, nextWallBoundary(interval, wall) - segment.offsetMs);
      if (containsWallClock(interval, wallClockOfUtcFields(new Date(wall)))) spans.push({ start: t, end: next });
      t = next;
    }
  }
  return spans;
}

function union(spans: Span[]): Span[] {
  const merged: Span[] = [];
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    const last = merged[merged.length - 1];
    if (last !== undefined && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}

/**
 * The next instant after `from` at which a named entry's intervals start to
 * hold, and the next at which they stop, as `anyActive` judges each instant,
 * looking ahead `horizonMs` (default `TRANSITION_HORIZON_MS`). Transitions
 * fall on wall-clock minutes of the intervals' locations, DST changes
 * included: for a `times` range inside a skipped local hour there is none.
 */
export function nextTransitions(
  named: readonly TimeInterval[],
  from: Date,
  horizonMs: number = TRANSITION_HORIZON_MS,
): Transitions {
  const start = from.getTime();
  const end = start + horizonMs;
  const until = new Date(end);
  const spans = union(named.flatMap((interval) => holdingSpans(interval, start, end)));
  const first = spans[0];
  if (first === undefined) return { kind: 'never', until };
  if (first.start === start && first.end === end) return { kind: 'always', until };
  // Spans are disjoint and sorted; a span's end is a real end only before the horizon.
  const starting = spans.find((span) => span.start > start);
  const ending = spans.find((span) => span.end < end);
  return {
    kind: 'changes',
    active: first.start === start,
    nextStart: starting && new Date(starting.start),
    nextEnd: ending && new Date(ending.end),
    until,
  };
}
