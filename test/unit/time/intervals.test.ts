import { afterEach, describe, expect, it } from 'vitest';
import { anyActive, daysInMonth, intervalContains, UnknownTimeZoneError, type TimeInterval } from '../../../lambdas/shared/time/intervals';

/**
 * `intervalContains` against Alertmanager's own cases (timeinterval_test.go:
 * timeIntervalTestCases, completeTestCases, TestIntervener_Mutes), written with
 * the same instants and offsets, plus the month-end, leap-year and DST edges
 * that Alertmanager's code handles and its tests only touch.
 */

const range = (begin: number, end = begin) => ({ begin, end });
const hours = (start: string, end: string) => ({ start_minute: minutes(start), end_minute: minutes(end) });
function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}
const utc = (fields: Omit<TimeInterval, 'location'>): TimeInterval => ({ location: 'UTC', ...fields });

interface Case {
  readonly name: string;
  readonly interval: TimeInterval;
  readonly inside: readonly string[];
  readonly outside: readonly string[];
}

const alertmanagerCases: Case[] = [
  {
    name: 'an interval without fields holds at any time',
    interval: utc({}),
    inside: ['2006-01-02T15:04+00:00', '2007-01-03T10:04+00:00', '2006-01-04T09:04+00:00'],
    outside: [],
  },
  {
    name: '9am to 5pm, monday to friday',
    interval: utc({ times: [hours('09:00', '17:00')], weekdays: [range(1, 5)] }),
    inside: ['2020-05-04T15:04+00:00', '2020-05-05T10:04+00:00', '2020-06-09T09:04+00:00'],
    outside: ['2020-05-03T15:04+00:00', '2020-05-04T08:59+00:00', '2020-05-05T05:00+00:00'],
  },
  {
    name: 'Easter 2020: days 4 to 6 of April 2020',
    interval: utc({ days_of_month: [range(4, 6)], months: [range(4)], years: [range(2020)] }),
    inside: ['2020-04-04T15:04+00:00', '2020-04-05T00:00+00:00', '2020-04-06T23:05+00:00'],
    outside: ['2018-05-03T15:04+00:00', '2020-04-03T23:59+00:00', '2020-06-04T23:59+00:00', '2019-04-06T23:59+00:00', '2020-04-07T00:00+00:00'],
  },
  {
    name: 'the last three days of every month (-3:-1)',
    interval: utc({ days_of_month: [range(-3, -1)] }),
    inside: ['2020-01-31T15:04+00:00', '2020-01-30T15:04+00:00', '2020-01-29T15:04+00:00', '2020-06-30T00:00+00:00', '2020-02-29T23:05+00:00'],
    outside: [
      '2018-05-03T15:04+00:00', '2020-01-27T15:04+00:00', '2020-04-03T23:59+00:00', '2020-06-04T23:59+00:00',
      '2019-04-06T23:59+00:00', '2020-04-07T00:00+00:00', '2020-03-01T00:00+00:00',
    ],
  },
  {
    name: 'days -31:31 are clamped to the month (June)',
    interval: utc({ months: [range(6)], days_of_month: [range(-31, 31)] }),
    inside: ['2020-06-30T00:00+00:00', '2020-06-01T00:00+00:00'],
    outside: ['2020-05-31T00:00+00:00', '2020-07-01T00:00+00:00'],
  },
  {
    name: '9am to 5pm, monday to friday, in Australia/Sydney',
    interval: { times: [hours('09:00', '17:00')], weekdays: [range(1, 5)], location: 'Australia/Sydney' },
    inside: ['2021-04-06T13:00+10:00'],
    outside: ['2021-04-06T13:00+00:00'],
  },
  {
    name: 'Sydney business hours in November, under daylight saving time',
    interval: { times: [hours('09:00', '17:00')], weekdays: [range(1, 5)], months: [range(11)], location: 'Australia/Sydney' },
    inside: ['2021-11-01T09:00+11:00', '2021-10-31T22:00+00:00'],
    outside: ['2021-10-31T21:00+00:00'],
  },
  {
    name: 'the last day of a spring-forward month in America/New_York is still the 31st',
    interval: { days_of_month: [range(-1)], location: 'America/New_York' },
    inside: ['2021-03-31T12:00-04:00'],
    outside: ['2021-03-30T12:00-04:00'],
  },
  {
    name: 'complete: mon-wed and weekends, 13:00-15:00, days 1, 10 and 20 to the end, Q1 2020-2023',
    interval: utc({
      weekdays: [range(1, 3), range(6), range(0)],
      times: [hours('13:00', '15:00')],
      days_of_month: [range(1), range(10), range(20, -1)],
      years: [range(2020, 2023)],
      months: [range(1, 3)],
    }),
    inside: ['2021-01-10T13:00+00:00', '2021-01-30T14:24+00:00'],
    outside: ['2021-01-09T13:00+00:00', '2021-01-20T12:59+00:00', '2021-02-02T13:00+00:00'],
  },
  {
    name: 'complete: days 30:31 of February never hold (a range beginning after the month is skipped, not clamped)',
    interval: utc({ days_of_month: [range(30, 31)], years: [range(2020, 2023)], months: [range(2)] }),
    inside: [],
    outside: ['2021-02-28T13:00+00:00'],
  },
];

const edgeCases: Case[] = [
  {
    name: 'times: the start minute holds, the end minute does not, seconds do not count',
    interval: utc({ times: [hours('09:00', '17:00')] }),
    inside: ['2026-01-05T09:00:00Z', '2026-01-05T16:59:59.999Z'],
    outside: ['2026-01-05T08:59:59.999Z', '2026-01-05T17:00:00Z'],
  },
  {
    name: 'times: 24:00 ends the day, so 23:59 holds and the next midnight does not',
    interval: utc({ times: [hours('17:00', '24:00')] }),
    inside: ['2026-01-05T23:59:00Z', '2026-01-05T17:00:00Z'],
    outside: ['2026-01-06T00:00:00Z', '2026-01-05T16:59:00Z'],
  },
  {
    name: 'times: any one of several ranges holds',
    interval: utc({ times: [hours('00:00', '09:00'), hours('17:00', '24:00')] }),
    inside: ['2026-01-05T08:59:00Z', '2026-01-05T17:00:00Z', '2026-01-05T00:00:00Z'],
    outside: ['2026-01-05T09:00:00Z', '2026-01-05T16:59:00Z'],
  },
  {
    name: 'weekdays: one day and a range, Sunday being 0',
    interval: utc({ weekdays: [range(0), range(3, 4)] }),
    inside: ['2026-01-04T12:00Z', '2026-01-07T12:00Z', '2026-01-08T23:59Z'],
    outside: ['2026-01-05T12:00Z', '2026-01-06T12:00Z', '2026-01-09T00:00Z', '2026-01-10T12:00Z'],
  },
  {
    name: 'months: a range and a single month',
    interval: utc({ months: [range(1, 3), range(12)] }),
    inside: ['2026-01-01T00:00Z', '2026-03-31T23:59Z', '2026-12-15T00:00Z'],
    outside: ['2026-04-01T00:00Z', '2026-11-30T23:59Z'],
  },
  {
    name: 'years: a range and a single year',
    interval: utc({ years: [range(2020, 2022), range(2030)] }),
    inside: ['2020-01-01T00:00Z', '2022-12-31T23:59Z', '2030-06-01T00:00Z'],
    outside: ['2019-12-31T23:59Z', '2023-01-01T00:00Z', '2031-01-01T00:00Z'],
  },
  {
    name: 'day -1 is the 28th of February in a common year and the 29th in a leap year',
    interval: utc({ days_of_month: [range(-1)] }),
    inside: ['2021-02-28T12:00Z', '2020-02-29T12:00Z', '2024-02-29T00:00Z', '2100-02-28T12:00Z'],
    outside: ['2020-02-28T12:00Z', '2024-02-28T12:00Z', '2021-02-27T12:00Z'],
  },
  {
    name: 'day -1 is the 30th of a 30-day month and the 31st of a 31-day month',
    interval: utc({ days_of_month: [range(-1)] }),
    inside: ['2026-04-30T12:00Z', '2026-06-30T12:00Z', '2026-01-31T12:00Z', '2026-12-31T23:59Z'],
    outside: ['2026-04-29T12:00Z', '2026-01-30T12:00Z', '2026-05-01T00:00Z'],
  },
  {
    name: 'day 31 never holds in a 30-day month or in February',
    interval: utc({ days_of_month: [range(31)] }),
    inside: ['2026-01-31T12:00Z', '2026-07-31T12:00Z'],
    outside: ['2026-04-30T12:00Z', '2026-02-28T12:00Z', '2026-05-01T12:00Z'],
  },
  {
    name: 'days 29:31 hold on 29 February of a leap year only, clamped to the month',
    interval: utc({ days_of_month: [range(29, 31)], months: [range(2)] }),
    inside: ['2024-02-29T12:00Z', '2020-02-29T00:00Z'],
    outside: ['2023-02-28T12:00Z', '2024-02-28T12:00Z', '2024-03-01T00:00Z'],
  },
  {
    name: 'days 1:-1 are the whole month',
    interval: utc({ days_of_month: [range(1, -1)] }),
    inside: ['2026-02-01T00:00Z', '2026-02-28T23:59Z', '2026-04-30T12:00Z'],
    outside: [],
  },
  {
    name: 'days -31:-30 are resolved against February as 28 - 30 = -2 and so never hold there',
    interval: utc({ days_of_month: [range(-31, -30)] }),
    inside: ['2026-01-01T12:00Z', '2026-01-02T12:00Z', '2026-04-01T12:00Z'],
    outside: ['2026-02-01T12:00Z', '2026-02-02T12:00Z', '2026-01-03T12:00Z'],
  },
  {
    name: 'an empty list in a field never holds, as go-yaml keeps `weekdays: []` a non-nil slice',
    interval: utc({ weekdays: [] }),
    inside: [],
    outside: ['2026-01-05T12:00Z', '2026-01-04T12:00Z'],
  },
  {
    name: 'the weekday is read in the location: 23:30 UTC on a Sunday is Monday in Berlin',
    interval: { weekdays: [range(1)], location: 'Europe/Berlin' },
    inside: ['2026-03-01T23:30Z'],
    outside: ['2026-03-01T22:30Z'],
  },
  {
    name: 'the day of the month is read in the location: 31 March 23:30 UTC is 1 April in Berlin',
    interval: { days_of_month: [range(-1)], location: 'Europe/Berlin' },
    inside: ['2026-03-31T21:59Z'],
    outside: ['2026-03-31T23:30Z'],
  },
  {
    name: 'the month and year are read in the location: New Year in Berlin is an hour before UTC',
    interval: { years: [range(2026)], months: [range(1)], location: 'Europe/Berlin' },
    inside: ['2025-12-31T23:00Z', '2026-01-31T22:59Z'],
    outside: ['2025-12-31T22:59Z', '2026-01-31T23:00Z'],
  },
  {
    name: 'the location defaults to UTC in the parsed form, which reads the UTC wall clock',
    interval: utc({ times: [hours('09:00', '10:00')] }),
    inside: ['2026-07-01T09:00Z', '2026-07-01T11:30+02:00'],
    outside: ['2026-07-01T08:59Z', '2026-07-01T10:00Z'],
  },
];

// DST in 2026. Berlin: 29 March 02:00 CET -> 03:00 CEST (01:00Z); 25 October 03:00 CEST -> 02:00 CET (01:00Z).
// New York: 8 March 02:00 EST -> 03:00 EDT (07:00Z); 1 November 02:00 EDT -> 01:00 EST (06:00Z).
const dstCases: Case[] = [
  {
    name: 'Berlin, spring forward: 02:00-03:00 local does not exist on 29 March, so the interval never holds that night',
    interval: { times: [hours('02:00', '03:00')], location: 'Europe/Berlin' },
    inside: ['2026-03-28T01:30Z', '2026-03-30T00:30Z'],
    outside: ['2026-03-29T00:59Z', '2026-03-29T01:00Z', '2026-03-29T01:30Z'],
  },
  {
    name: 'Berlin, fall back: 02:00-03:00 local happens twice on 25 October and holds both times',
    interval: { times: [hours('02:00', '03:00')], location: 'Europe/Berlin' },
    inside: ['2026-10-25T00:00Z', '2026-10-25T00:59Z', '2026-10-25T01:00Z', '2026-10-25T01:59Z'],
    outside: ['2026-10-24T23:59Z', '2026-10-25T02:00Z'],
  },
  {
    name: 'Berlin business hours start at 08:00 UTC in winter and 07:00 UTC in summer',
    interval: { times: [hours('09:00', '18:00')], weekdays: [range(1, 5)], location: 'Europe/Berlin' },
    inside: ['2026-03-27T08:00Z', '2026-03-30T07:00Z', '2026-03-30T15:59Z', '2026-10-26T16:59Z'],
    outside: ['2026-03-27T07:59Z', '2026-03-30T06:59Z', '2026-03-30T16:00Z', '2026-10-26T17:00Z'],
  },
  {
    name: 'New York, spring forward: 02:00-03:00 local does not exist on 8 March',
    interval: { times: [hours('02:00', '03:00')], location: 'America/New_York' },
    inside: ['2026-03-07T07:30Z', '2026-03-09T06:30Z'],
    outside: ['2026-03-08T06:59Z', '2026-03-08T07:00Z', '2026-03-08T07:30Z'],
  },
  {
    name: 'New York, fall back: 01:00-02:00 local happens twice on 1 November and holds both times',
    interval: { times: [hours('01:00', '02:00')], location: 'America/New_York' },
    inside: ['2026-11-01T05:00Z', '2026-11-01T05:59Z', '2026-11-01T06:00Z', '2026-11-01T06:59Z'],
    outside: ['2026-11-01T04:59Z', '2026-11-01T07:00Z'],
  },
  {
    name: 'New York, the day of a spring-forward change is 23 hours long and still one day',
    interval: { days_of_month: [range(8)], months: [range(3)], location: 'America/New_York' },
    inside: ['2026-03-08T05:00Z', '2026-03-09T03:59Z'],
    outside: ['2026-03-08T04:59Z', '2026-03-09T04:00Z'],
  },
];

describe.each([
  ['Alertmanager test cases', alertmanagerCases],
  ['ranges, month ends and leap years', edgeCases],
  ['DST changes', dstCases],
])('intervalContains: %s', (_group, cases) => {
  const rows = cases.flatMap((c) => [
    ...c.inside.map((at) => [c.name, at, true, c.interval] as const),
    ...c.outside.map((at) => [c.name, at, false, c.interval] as const),
  ]);
  it.each(rows)('%s: at %s it holds = %s', (_name, at, expected, interval) => {
    expect(intervalContains(interval, new Date(at))).toBe(expected);
  });
});

describe('intervalContains: the machine it runs on', () => {
  const saved = process.env.TZ;
  afterEach(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });

  it('reads the interval\'s location, not the zone of the process', () => {
    process.env.TZ = 'Asia/Tokyo';
    const interval: TimeInterval = { times: [hours('02:00', '03:00')], location: 'Europe/Berlin' };
    expect([intervalContains(interval, new Date('2026-10-25T01:30Z')), intervalContains(interval, new Date('2026-03-29T01:30Z'))]).toEqual([
      true,
      false,
    ]);
  });

  it('throws UnknownTimeZoneError for a zone the runtime does not know', () => {
    expect(() => intervalContains({ location: 'Mars/Olympus_Mons' }, new Date())).toThrow(UnknownTimeZoneError);
  });
});

describe('anyActive', () => {
  // Alertmanager's TestIntervener_Mutes: evenings and weekends in Sydney (AEDT, +11:00, in January).
  const evenings: TimeInterval[] = [{ times: [hours('00:00', '09:00'), hours('17:00', '24:00')], location: 'Australia/Sydney' }];
  const weekends: TimeInterval[] = [{ weekdays: [range(6), range(0)], location: 'Australia/Sydney' }];

  it.each([
    ['00:00 Sydney on a Monday', '2024-01-01T00:00+11:00', true, false],
    ['09:00 Sydney on a Monday', '2024-01-01T09:00+11:00', false, false],
    ['10:00 Sydney on a Saturday', '2024-01-06T10:00+11:00', false, true],
    ['17:00 Sydney on a Saturday', '2024-01-06T17:00+11:00', true, true],
    ['10:00 UTC on a Monday', '2024-01-01T10:00Z', true, false],
    ['10:00 UTC on a Saturday', '2024-01-06T10:00Z', true, true],
  ])('at %s: evenings hold = %s, weekends hold = %s', (_name, at, eveningsHold, weekendsHold) => {
    expect([anyActive(evenings, new Date(at)), anyActive(weekends, new Date(at))]).toEqual([eveningsHold, weekendsHold]);
  });

  it('holds when any one interval of the entry holds', () => {
    const entry = [utc({ weekdays: [range(1)] }), utc({ weekdays: [range(3)] })];
    expect(anyActive(entry, new Date('2026-01-07T12:00Z'))).toBe(true);
  });

  it('never holds for an entry without intervals', () => {
    expect(anyActive([], new Date('2026-01-07T12:00Z'))).toBe(false);
  });
});

describe('daysInMonth', () => {
  it.each([
    [2021, 2, 28],
    [2020, 2, 29],
    [2000, 2, 29],
    [1900, 2, 28],
    [2026, 4, 30],
    [2026, 12, 31],
    [2026, 3, 31],
  ])('%i-%i has %i days', (year, month, days) => {
    expect(daysInMonth(year, month)).toBe(days);
  });
});
