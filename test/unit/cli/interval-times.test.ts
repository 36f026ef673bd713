import { describe, expect, it } from 'vitest';
import { describeTimeInterval, describeTimeIntervals } from '../../../cli/interval-times';
import type { NamedTimeInterval } from '../../../lambdas/shared/time/intervals';

const businessHours: NamedTimeInterval = {
  name: 'business-hours',
  intervals: [{ weekdays: [{ begin: 1, end: 5 }], times: [{ start_minute: 540, end_minute: 1080 }], location: 'Europe/Berlin' }],
};

describe('describeTimeInterval', () => {
  it("gives the next start, then the next end, on the interval's wall clock, when it does not hold now", () => {
    // Saturday 1 March 2025, 12:00 in Berlin.
    expect(describeTimeInterval(businessHours, new Date('2025-03-01T11:00:00Z'))).toBe(
      'business-hours (Europe/Berlin): not now; next start 2025-03-03T09:00:00+01:00, next end 2025-03-03T18:00:00+01:00',
    );
  });

  it('gives the next end first when it holds now', () => {
    expect(describeTimeInterval(businessHours, new Date('2025-03-03T09:00:00Z'))).toBe(
      'business-hours (Europe/Berlin): holds now; next end 2025-03-03T18:00:00+01:00, next start 2025-03-04T09:00:00+01:00',
    );
  });

  it('writes each time with the offset of its own instant, across a DST change', () => {
    // Friday 28 March 2025, 19:00 in Berlin; clocks go forward on Sunday the 30th.
    expect(describeTimeInterval(businessHours, new Date('2025-03-28T18:00:00Z'))).toContain('next start 2025-03-31T09:00:00+02:00');
  });

  it('says "always" for an interval without constraints', () => {
    expect(describeTimeInterval({ name: 'all', intervals: [{ location: 'UTC' }] }, new Date())).toBe('all (UTC): always (holds at every moment of the next 367 days)');
  });

  it('says "never" for an entry without intervals, or one that cannot hold', () => {
    const from = new Date('2025-03-03T00:00:00Z');
    expect(describeTimeInterval({ name: 'none', intervals: [] }, from)).toBe('none (UTC): never (holds at no moment of the next 367 days)');
    expect(describeTimeInterval({ name: 'empty', intervals: [{ weekdays: [], location: 'UTC' }] }, from)).toMatch(/^empty \(UTC\): never/);
  });

  it('says there is no next start within the horizon for an interval that ends for good', () => {
    const thisYear = { name: 'y2025', intervals: [{ years: [{ begin: 2025, end: 2025 }], location: 'UTC' }] };
    expect(describeTimeInterval(thisYear, new Date('2025-03-03T00:00:00Z'))).toBe('y2025 (UTC): holds now; next end 2026-01-01T00:00:00Z, next start none within 367 days');
  });

  it('names every location its intervals are read in, so that a missing location shows', () => {
    const mixed: NamedTimeInterval = { name: 'off-hours', intervals: [{ weekdays: [{ begin: 6, end: 6 }], location: 'UTC' }, { ...businessHours.intervals[0]! }] };
    expect(describeTimeInterval(mixed, new Date('2025-03-03T09:00:00Z'))).toMatch(/^off-hours \(UTC, Europe\/Berlin\): /);
  });
});

describe('describeTimeIntervals', () => {
  it('gives one line per named interval, in the order of the configuration', () => {
    const lines = describeTimeIntervals([businessHours, { name: 'none', intervals: [] }], new Date('2025-03-03T09:00:00Z'));
    expect(lines.map((line) => line.split(' ')[0])).toEqual(['business-hours', 'none']);
  });
});
