import { daysInMonth } from '../lambdas/shared/time/intervals';
import { offsetMsAt } from '../lambdas/shared/time/zones';
import { UsageError } from './command';

// RFC 3339's date-time: a full date, `T` (or a space, which it allows), a full time and an offset.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/;

// `Date` rolls 2025-02-30 over into March and 24:00 into the next day; RFC 3339 has neither.
function fieldsInRange(match: RegExpExecArray): boolean {
  const n = (group: number) => Number(match[group] ?? 0);
  const [year, month, day] = [n(1), n(2), n(3)];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  return n(4) <= 23 && n(5) <= 59 && n(6) <= 59 && n(9) <= 23 && n(10) <= 59;
}

/** A time given on the command line is not an RFC 3339 date-time. */
export class TimeSyntaxError extends Error {
  override readonly name = 'TimeSyntaxError';
}

/**
 * Reads an RFC 3339 date-time (`2025-03-03T10:00:00+01:00`, `…Z`): the offset
 * is required, so that the instant never depends on the machine's zone.
 */
export function parseRfc3339(text: string): Date {
  const upper = text.toUpperCase();
  const match = RFC3339.exec(upper);
  const at = match && fieldsInRange(match) ? new Date(upper.replace(' ', 'T')) : undefined;
  if (at === undefined || Number.isNaN(at.getTime())) {
    throw new TimeSyntaxError(`"${text}" is not an RFC 3339 time such as 2025-03-03T10:00:00+01:00 or 2025-03-03T09:00:00Z`);
  }
  return at;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * `at` as an RFC 3339 date-time on the wall clock of `zone`, with that
 * zone's offset at that instant: `2025-03-03T09:00:00+01:00`; `Z` for UTC.
 * Seconds are kept, fractions dropped (interval transitions fall on minutes).
 */
export function formatInZone(at: Date, zone: string): string {
  const offsetMs = offsetMsAt(zone, at.getTime());
  const wall = new Date(Math.floor(at.getTime() / 1000) * 1000 + offsetMs).toISOString().slice(0, 19);
  if (zone === 'UTC') return `${wall}Z`;
  const minutes = Math.round(Math.abs(offsetMs) / 60_000);
  return `${wall}${offsetMs < 0 ? '-' : '+'}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/** The value of a time flag such as `--at`: absent stays absent, anything but RFC 3339 is a `UsageError`. */
export function timeFlag(flag: string, text: string | undefined): Date | undefined {
  try {
    return text === undefined ? undefined : parseRfc3339(text);
  } catch (error) {
    if (error instanceof TimeSyntaxError) throw new UsageError(`${flag}: ${error.message}`, { cause: error });
    throw error;
  }
}
