import { describe, expect, it } from 'vitest';
import { nextTransitions, TRANSITION_HORIZON_MS, type TimeInterval } from '../../../lambdas/shared/time/intervals';

const range = (begin: number, end = begin) => ({ begin, end });
function hours(start: string, end: string) {
  const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
  return { start_minute: minutes(start), end_minute: minutes(end) };
}
const DAY = 86_400_000;

const businessHours: TimeInterval = { weekdays: [range(1, 5)], times: [hours('09:00', '18:00')], location: 'Europe/Berlin' };

describe('nextTransitions', () => {
  it('gives the end of today and the start after the weekend, across the spring-forward change', () => {
    // Friday 27 March 2026, 17:30 CET; Monday 30 March is already CEST.
    expect(nextTransitions([businessHours], new Date('2026-03-27T16:30Z'))).toEqual({
      kind: 'changes',
      active: true,
      nextStart: new Date('2026-03-30T07:00Z'),
      nextEnd: new Date('2026-03-27T17:00Z'),
      until: new Date(Date.parse('2026-03-27T16:30Z') + TRANSITION_HORIZON_MS),
    });
  });

  it('skips a night whose local hour does not exist', () => {
    const found = nextTransitions([{ times: [hours('02:00', '03:00')], location: 'Europe/Berlin' }], new Date('2026-03-28T12:00Z'));
    expect(found).toMatchObject({ active: false, nextStart: new Date('2026-03-30T00:00Z'), nextEnd: new Date('2026-03-30T01:00Z') });
  });

  it('holds a repeated local hour for two real hours without a transition between them', () => {
    const found = nextTransitions([{ times: [hours('02:00', '03:00')], location: 'Europe/Berlin' }], new Date('2026-10-24T12:00Z'));
    expect(found).toMatchObject({ active: false, nextStart: new Date('2026-10-25T00:00Z'), nextEnd: new Date('2026-10-25T02:00Z') });
  });

  it('finds a once-a-year interval almost a year ahead', () => {
    const christmas: TimeInterval = { months: [range(12)], days_of_month: [range(25)], location: 'UTC' };
    expect(nextTransitions([christmas], new Date('2026-12-26T00:00Z'))).toMatchObject({
      active: false,
      nextStart: new Date('2027-12-25T00:00Z'),
      nextEnd: new Date('2027-12-26T00:00Z'),
    });
  });

  it('merges overlapping and adjacent intervals of one entry into one stretch', () => {
    const named: TimeInterval[] = [
      { times: [hours('09:00', '12:00')], location: 'UTC' },
      { times: [hours('11:00', '14:00')], location: 'UTC' },
      { times: [hours('14:00', '15:00')], location: 'UTC' },
    ];
    expect(nextTransitions(named, new Date('2026-01-05T10:00Z'))).toMatchObject({
      active: true,
      nextEnd: new Date('2026-01-05T15:00Z'),
      nextStart: new Date('2026-01-06T09:00Z'),
    });
  });

  it('runs on across midnight when 24:00 meets the next day\'s 00:00', () => {
    const night: TimeInterval = { times: [hours('22:00', '24:00'), hours('00:00', '01:00')], location: 'UTC' };
    expect(nextTransitions([night], new Date('2026-01-05T21:00Z'))).toMatchObject({
      nextStart: new Date('2026-01-05T22:00Z'),
      nextEnd: new Date('2026-01-06T01:00Z'),
    });
  });

  it('combines intervals in different zones by the instants they hold', () => {
    const named: TimeInterval[] = [
      { times: [hours('09:00', '10:00')], location: 'Europe/Berlin' },
      { times: [hours('09:00', '10:00')], location: 'America/New_York' },
    ];
    expect(nextTransitions(named, new Date('2026-01-05T09:30Z'))).toMatchObject({
      active: false,
      nextStart: new Date('2026-01-05T14:00Z'),
      nextEnd: new Date('2026-01-05T15:00Z'),
    });
  });

  it('says always for an interval that holds over the whole horizon', () => {
    expect(nextTransitions([{ location: 'Europe/Berlin' }], new Date('2026-01-05T09:30Z')).kind).toBe('always');
  });

  it('says never for an entry without intervals', () => {
    expect(nextTransitions([], new Date('2026-01-05T09:30Z')).kind).toBe('never');
  });

  it('says never for a year beyond the horizon', () => {
    expect(nextTransitions([{ years: [range(2030)], location: 'UTC' }], new Date('2026-01-05T09:30Z')).kind).toBe('never');
  });

  it('leaves the end undefined when it lies beyond the horizon', () => {
    const from = new Date('2025-12-31T12:00Z');
    expect(nextTransitions([{ years: [range(2026)], location: 'UTC' }], from, 10 * DAY)).toEqual({
      kind: 'changes',
      active: false,
      nextStart: new Date('2026-01-01T00:00Z'),
      nextEnd: undefined,
      until: new Date(from.getTime() + 10 * DAY),
    });
  });

  it('leaves the next start undefined when the interval does not come back within the horizon', () => {
    const found = nextTransitions([{ years: [range(2025)], location: 'UTC' }], new Date('2025-12-31T12:00Z'), 10 * DAY);
    expect(found).toMatchObject({ active: true, nextStart: undefined, nextEnd: new Date('2026-01-01T00:00Z') });
  });

  it('counts a transition at the very instant it starts from as the present, not the next one', () => {
    const found = nextTransitions([{ times: [hours('09:00', '10:00')], location: 'UTC' }], new Date('2026-01-05T09:00Z'));
    expect(found).toMatchObject({ active: true, nextStart: new Date('2026-01-06T09:00Z'), nextEnd: new Date('2026-01-05T10:00Z') });
  });
});
