import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../cli/command';
import { formatInZone, parseRfc3339, timeFlag, TimeSyntaxError } from '../../../cli/times';

describe('parseRfc3339', () => {
  it.each([
    ['2025-03-03T10:00:00+01:00', '2025-03-03T09:00:00.000Z'],
    ['2025-03-03T09:00:00Z', '2025-03-03T09:00:00.000Z'],
    ['2025-03-03t09:00:00z', '2025-03-03T09:00:00.000Z'],
    ['2025-03-03 09:00:00.250Z', '2025-03-03T09:00:00.250Z'],
    ['2024-02-29T23:59:59-05:30', '2024-03-01T05:29:59.000Z'],
  ])('reads %s as the instant %s', (text, iso) => {
    expect(parseRfc3339(text).toISOString()).toBe(iso);
  });

  it.each([
    ['no offset, which would depend on the machine', '2025-03-03T10:00:00'],
    ['a date only', '2025-03-03'],
    ['a day February does not have', '2025-02-29T10:00:00Z'],
    ['24:00', '2025-03-03T24:00:00Z'],
    ['a leap second', '2025-03-03T23:59:60Z'],
    ['a word', 'now'],
  ])('refuses %s', (_what, text) => {
    expect(() => parseRfc3339(text)).toThrow(TimeSyntaxError);
  });

  it('says what it expected', () => {
    expect(() => parseRfc3339('tomorrow')).toThrow('"tomorrow" is not an RFC 3339 time such as 2025-03-03T10:00:00+01:00 or 2025-03-03T09:00:00Z');
  });
});

describe('timeFlag', () => {
  it('leaves an absent flag absent', () => {
    expect(timeFlag('--at', undefined)).toBeUndefined();
  });

  it('turns a bad time into a usage error naming the flag', () => {
    expect(() => timeFlag('--at', 'soon')).toThrow(UsageError);
    expect(() => timeFlag('--at', 'soon')).toThrow(/^--at: "soon" is not an RFC 3339 time/);
  });
});

describe('formatInZone', () => {
  const at = (iso: string) => new Date(iso);

  it.each([
    ['UTC', '2025-03-03T09:00:00Z', '2025-03-03T09:00:00Z'],
    ['Europe/Berlin in winter', '2025-03-03T08:00:00Z', '2025-03-03T09:00:00+01:00'],
    ['Europe/Berlin in summer', '2025-07-01T07:00:00Z', '2025-07-01T09:00:00+02:00'],
    ['America/New_York', '2025-01-10T14:00:00Z', '2025-01-10T09:00:00-05:00'],
    ['Asia/Kolkata', '2025-01-10T03:30:00Z', '2025-01-10T09:00:00+05:30'],
    ['Europe/London in winter, offset zero but not UTC', '2025-01-10T09:00:00Z', '2025-01-10T09:00:00+00:00'],
  ])('writes an instant on the wall clock of %s with its offset', (what, iso, expected) => {
    const zone = what.split(' ')[0]!;
    expect(formatInZone(at(iso), zone)).toBe(expected);
  });

  it('reads back as the same instant', () => {
    const instant = at('2025-10-26T00:30:00Z');
    expect(parseRfc3339(formatInZone(instant, 'Europe/Berlin')).getTime()).toBe(instant.getTime());
  });
});
