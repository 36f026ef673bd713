import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  anyActive,
  intervalContains,
  nextTransitions,
  type InclusiveRange,
  type TimeInterval,
  type TimeRange,
  type Transitions,
} from '../../../lambdas/shared/time/intervals';
import { wallClockAt } from '../../../lambdas/shared/time/zones';

/**
 * Properties of time intervals over generated instants, zones and intervals.
 * The zones are chosen for their quirks: DST both ways round the year
 * (Berlin, New York, Sydney), a 30-minute DST shift (Lord Howe), a
 * 45-minute offset (Kathmandu) and none (UTC).
 */

const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Australia/Lord_Howe', 'Asia/Kathmandu'] as const;
const MINUTE = 60_000;
const DAY = 86_400_000;

const zone = fc.constantFrom(...ZONES);
/** Instants in 2020-2030, to the millisecond. */
const instant = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }).map((ms) => new Date(ms));

// Intl.DateTimeFormat as an independent oracle for the wall clock the intervals read.
const partsFormat = new Map<string, Intl.DateTimeFormat>();
function intlWallClock(at: Date, timeZone: string) {
  const format =
    partsFormat.get(timeZone) ??
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short' });
  partsFormat.set(timeZone, format);
  const part = (type: string) => format.formatToParts(at).find((p) => p.type === type)!.value;
  return {
    year: Number(part('year')),
    month: Number(part('month')),
    day: Number(part('day')),
    weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(part('weekday')),
    minuteOfDay: Number(part('hour')) * 60 + Number(part('minute')),
  };
}

/** An interval whose date fields all hold at `at` in `location`, and whose times are `times`. */
function holdingDateFields(at: Date, location: string, times: readonly TimeRange[]): TimeInterval {
  const wall = wallClockAt(at, location);
  const only = (n: number): InclusiveRange[] => [{ begin: n, end: n }];
  return { times, weekdays: only(wall.weekday), days_of_month: only(wall.day), months: only(wall.month), years: only(wall.year), location };
}

describe('time interval properties', () => {
  it('reads the same wall clock as Intl.DateTimeFormat, in every zone, DST included', () => {
    fc.assert(
      fc.property(instant, zone, (at, location) => {
        expect(wallClockAt(at, location)).toEqual(intlWallClock(at, location));
      }),
      { numRuns: 500 },
    );
  });

  it('holds anywhere inside [start, end) of a times range when the other fields hold', () => {
    fc.assert(
      fc.property(instant, zone, fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 1, max: 1440 }), (at, location, back, ahead) => {
        const minute = wallClockAt(at, location).minuteOfDay;
        const start = Math.max(0, minute - back);
        const end = Math.min(1440, minute + ahead);
        expect(intervalContains(holdingDateFields(at, location, [{ start_minute: start, end_minute: end }]), at)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('does not hold exactly at the end minute of a times range', () => {
    fc.assert(
      fc.property(instant, zone, fc.integer({ min: 1, max: 1440 }), (at, location, length) => {
        const minute = wallClockAt(at, location).minuteOfDay;
        fc.pre(minute > 0);
        const range = { start_minute: Math.max(0, minute - length), end_minute: minute };
        expect(intervalContains(holdingDateFields(at, location, [range]), at)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

// Intervals that change often enough to give transitions within a few days.
const range = (min: number, max: number) =>
  fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => ({ begin: Math.min(a, b), end: Math.max(a, b) }));
const timeRange = fc
  .tuple(fc.integer({ min: 0, max: 1440 }), fc.integer({ min: 0, max: 1440 }))
  .filter(([a, b]) => a !== b)
  .map(([a, b]) => ({ start_minute: Math.min(a, b), end_minute: Math.max(a, b) }));
const negativeDays = fc
  .tuple(fc.integer({ min: -31, max: -1 }), fc.integer({ min: -31, max: -1 }))
  .map(([a, b]) => ({ begin: Math.min(a, b), end: Math.max(a, b) }));
/** `arbitrary` `present` times in `present + absent`, else absent: date fields are kept rare, so most cases change within days. */
const rarely = <T>(arbitrary: fc.Arbitrary<T>, present: number, absent: number) =>
  fc.oneof({ weight: absent, arbitrary: fc.constant(undefined) }, { weight: present, arbitrary });
const interval: fc.Arbitrary<TimeInterval> = fc.record({
  times: rarely(fc.array(timeRange, { minLength: 1, maxLength: 3 }), 4, 1),
  weekdays: rarely(fc.array(range(0, 6), { minLength: 1, maxLength: 2 }), 1, 2),
  days_of_month: rarely(fc.array(fc.oneof(range(1, 31), negativeDays), { minLength: 1, maxLength: 2 }), 1, 3),
  months: rarely(fc.array(range(1, 12), { minLength: 1, maxLength: 2 }), 1, 4),
  location: zone,
});

// Starts near the 2026 DST changes of the zones above, so that generated cases cross them.
const DST_2026 = ['2026-03-08T07:00Z', '2026-03-29T01:00Z', '2026-04-04T15:00Z', '2026-04-05T15:00Z', '2026-10-03T16:00Z', '2026-10-25T01:00Z', '2026-11-01T06:00Z'];
const nearDst = fc
  .tuple(fc.constantFrom(...DST_2026), fc.integer({ min: -3 * 24 * 60, max: 24 * 60 }))
  .map(([change, minutes]) => new Date(Date.parse(change) + minutes * MINUTE));

/** What a minute-by-minute walk from `from` finds over `[from, from + horizon)`, in the shape nextTransitions reports. */
function walkMinutes(named: readonly TimeInterval[], from: Date, horizon: number): Transitions {
  const until = new Date(from.getTime() + horizon);
  const active = anyActive(named, from);
  let nextStart: Date | undefined;
  let nextEnd: Date | undefined;
  let previous = active;
  for (let t = from.getTime() + MINUTE; t < until.getTime() && (!nextStart || !nextEnd); t += MINUTE) {
    const now = anyActive(named, new Date(t));
    if (now && !previous) nextStart ??= new Date(t);
    if (!now && previous) nextEnd ??= new Date(t);
    previous = now;
  }
  if (!nextStart && !nextEnd) return active ? { kind: 'always', until } : { kind: 'never', until };
  return { kind: 'changes', active, nextStart, nextEnd, until };
}

describe('nextTransitions properties', () => {
  it('agrees with intervalContains on both sides of every instant it reports', () => {
    fc.assert(
      fc.property(fc.array(interval, { minLength: 1, maxLength: 3 }), nearDst, (named, from) => {
        const found = nextTransitions(named, from, 10 * DAY);
        if (found.kind !== 'changes') {
          expect(anyActive(named, from)).toBe(found.kind === 'always');
          return;
        }
        expect(anyActive(named, from)).toBe(found.active);
        if (found.nextStart) {
          expect([anyActive(named, new Date(found.nextStart.getTime() - 1)), anyActive(named, found.nextStart)]).toEqual([false, true]);
        }
        if (found.nextEnd) {
          expect([anyActive(named, new Date(found.nextEnd.getTime() - 1)), anyActive(named, found.nextEnd)]).toEqual([true, false]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reports the first start and the first end a minute-by-minute walk finds', () => {
    fc.assert(
      fc.property(fc.array(interval, { minLength: 1, maxLength: 2 }), nearDst, (named, from) => {
        expect(nextTransitions(named, from, 2 * DAY)).toEqual(walkMinutes(named, from, 2 * DAY));
      }),
      { numRuns: 60 },
    );
  });
});
