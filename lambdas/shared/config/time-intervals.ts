import { z } from 'zod';
import type { InclusiveRange, NamedTimeInterval, TimeInterval, TimeRange } from '../time/intervals';
import type { RouteConfig } from './schema';

/**
 * Alertmanager's YAML syntax for time intervals, validated as Alertmanager's
 * `UnmarshalYAML` methods validate it (`timeinterval/timeinterval.go`), with
 * its error messages, and turned into the parsed form that
 * `lambdas/shared/time/intervals.ts` evaluates.
 */

/** A range member is parsed to a number, or refused with a message. */
type Parsed = number | { readonly error: string };

// Maps, not object literals: a weekday called `constructor` must not be found on Object.prototype.
const WEEKDAYS: ReadonlyMap<string, number> = new Map(
  ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'].map((name, i) => [name, i]),
);

const MONTH_NAMES = [
  'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december',
];
const MONTHS: ReadonlyMap<string, number> = new Map(MONTH_NAMES.map((name, i) => [name, i + 1]));

// Go's strconv.Atoi: an optional sign and decimal digits, nothing else (no spaces, no '1.0').
function atoi(text: string): number | undefined {
  return /^[+-]?\d+$/.test(text) ? Number(text) : undefined;
}

const weekday = (text: string): Parsed => WEEKDAYS.get(text) ?? { error: `${text} is not a valid weekday` };
const month = (text: string): Parsed => MONTHS.get(text) ?? atoi(text) ?? { error: `${text} is not a valid month` };
const dayOfMonth = (text: string): Parsed => atoi(text) ?? { error: `${text} is not a valid day of the month` };
const year = (text: string): Parsed => atoi(text) ?? { error: `${text} is not a valid year` };

/**
 * `stringableRangeFromString`: the text is lower-cased (so `Monday:FRIDAY`
 * works), then either `begin:end` or one member, which is both.
 */
function parseRange(input: string, member: (text: string) => Parsed): InclusiveRange | { readonly error: string } {
  const text = input.toLowerCase();
  const parts = text.split(':');
  if (parts.length > 2) return { error: `couldn't parse range ${text}, invalid format` };
  const begin = member(parts[0]!);
  if (typeof begin !== 'number') return begin;
  const end = parts.length === 2 ? member(parts[1]!) : begin;
  if (typeof end !== 'number') return end;
  return { begin, end };
}

const outOfRangeDay = (n: number) => n === 0 || n < -31 || n > 31;

// DayOfMonthRange.UnmarshalYAML, check for check. Negative days can only be compared
// with positive ones against some month length; Alertmanager takes 28, the shortest.
function checkDaysOfMonth({ begin, end }: InclusiveRange): string | undefined {
  if (outOfRangeDay(begin)) return `${begin} is not a valid day of the month: out of range`;
  if (outOfRangeDay(end)) return `${end} is not a valid day of the month: out of range`;
  if (begin < 0 && end > 0) return 'end day must be negative if start day is negative';
  const checkBegin = begin < 0 ? 28 + begin : begin;
  const checkEnd = end < 0 ? 28 + end : end;
  if (checkBegin > checkEnd) return `end day ${end} is always before start day ${begin}`;
  return undefined;
}

// Alertmanager accepts any integer month and just never matches 0 or 13; here a month
// outside 1 … 12 is refused, since it can only be a typo.
function checkMonths({ begin, end }: InclusiveRange): string | undefined {
  for (const n of [begin, end]) if (n < 1 || n > 12) return `${n} is not a valid month: out of range`;
  if (begin > end) return `end month ${MONTH_NAMES[end - 1]} is before start month ${MONTH_NAMES[begin - 1]}`;
  return undefined;
}

const checkWeekdays = ({ begin, end }: InclusiveRange) => (begin > end ? 'start day cannot be before end day' : undefined);

const checkYears = ({ begin, end }: InclusiveRange) => (begin > end ? `end year ${end} is before start year ${begin}` : undefined);

/** A YAML scalar read as a string, as go-yaml reads `15` into a string field. */
const scalar = z.union([z.string(), z.number().transform(String)]);

/** A list that YAML left empty (`weekdays:`) is absent, as in Go; `[]` stays an empty list, which never holds. */
const optionalList = <T extends z.ZodType>(item: T) =>
  z.array(item).nullish().transform((list) => list ?? undefined);

function rangeList(member: (text: string) => Parsed, check: (range: InclusiveRange) => string | undefined) {
  const range = scalar.transform((text, ctx): InclusiveRange => {
    const parsed = parseRange(text, member);
    const problem = 'error' in parsed ? parsed.error : check(parsed);
    if (problem === undefined) return parsed as InclusiveRange;
    ctx.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  });
  return optionalList(range);
}

const TIME = /^((([01][0-9])|(2[0-3])):[0-5][0-9])$|(^24:00$)/;

/** `parseTime`: `HH:MM` as minutes of the day, `24:00` the only time past `23:59`. */
function parseTime(text: string): number | { readonly error: string } {
  if (!TIME.test(text)) return { error: `couldn't parse timestamp ${text}, invalid format` };
  const [hours, minutes] = text.split(':').map(Number) as [number, number];
  return hours * 60 + minutes;
}

const timeRangeSchema = z
  .strictObject({ start_time: scalar.nullish(), end_time: scalar.nullish() })
  .transform(({ start_time: startText, end_time: endText }, ctx): TimeRange => {
    const fail = (message: string) => {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    if (!startText || !endText) return fail('both start and end times must be provided');
    const start = parseTime(startText);
    if (typeof start !== 'number') return fail(start.error);
    const end = parseTime(endText);
    if (typeof end !== 'number') return fail(end.error);
    if (start >= end) return fail('start time cannot be equal or greater than end time');
    return { start_minute: start, end_minute: end };
  });

/**
 * Whether this runtime knows `zone` as an IANA name. `Intl` is asked rather
 * than `tzOffset`, whose fallback reads any `+HH` inside a string as an offset;
 * offsets such as `+01:00` are refused outright, as Go's `LoadLocation` does.
 */
export function isKnownTimeZone(zone: string): boolean {
  if (/^[+-]/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

// Go's LoadLocation("") is UTC, and "Local" the zone of the machine Alertmanager runs
// on. alertscale validates at `cdk synth` and runs in Lambda: two machines, so "Local"
// would mean whichever of them; it is refused with a way out.
const locationSchema = z
  .string()
  .nullish()
  .transform((zone, ctx): string => {
    if (!zone) return 'UTC';
    if (zone === 'Local') {
      ctx.addIssue({ code: 'custom', message: 'location "Local" depends on the machine; name the zone, e.g. Europe/Berlin or UTC' });
      return z.NEVER;
    }
    if (isKnownTimeZone(zone)) return zone;
    ctx.addIssue({ code: 'custom', message: `unknown time zone ${zone}` });
    return z.NEVER;
  });

/** One time interval in Alertmanager's YAML syntax, parsed to a `TimeInterval`. */
export const timeIntervalSchema: z.ZodType<TimeInterval, unknown> = z.strictObject({
  times: optionalList(timeRangeSchema),
  weekdays: rangeList(weekday, checkWeekdays),
  days_of_month: rangeList(dayOfMonth, checkDaysOfMonth),
  months: rangeList(month, checkMonths),
  years: rangeList(year, checkYears),
  location: locationSchema,
});

/**
 * One named entry, `{ name, time_intervals: [...] }`, as Alertmanager reads
 * it under `time_intervals` (`kind` "time interval") and under the older
 * top-level `mute_time_intervals` ("mute time interval"); `kind` only words
 * the message for a missing name.
 */
export function namedTimeIntervalSchema(kind: 'time interval' | 'mute time interval') {
  return z
    .strictObject({ name: z.string().nullish(), time_intervals: optionalList(timeIntervalSchema) })
    .transform(({ name, time_intervals: intervals }, ctx): NamedTimeInterval => {
      if (!name) {
        ctx.addIssue({ code: 'custom', path: ['name'], message: `missing name in ${kind}` });
        return z.NEVER;
      }
      return { name, intervals: intervals ?? [] };
    });
}

/** A top-level list of named entries (`time_intervals`, or the older `mute_time_intervals`); left empty, it is none. */
export const namedTimeIntervalListSchema = (kind: 'time interval' | 'mute time interval') =>
  optionalList(namedTimeIntervalSchema(kind));

/** The parts of a configuration the time-interval checks read. */
export interface TimeIntervalsInConfig {
  readonly route: RouteConfig;
  readonly time_intervals?: readonly NamedTimeInterval[] | undefined;
  readonly mute_time_intervals?: readonly NamedTimeInterval[] | undefined;
}

const ROUTE_INTERVAL_KEYS = ['mute_time_intervals', 'active_time_intervals'] as const;

function checkRouteIntervals(route: RouteConfig, path: (string | number)[], defined: ReadonlySet<string>, ctx: z.RefinementCtx) {
  for (const key of ROUTE_INTERVAL_KEYS) {
    route[key]?.forEach((name, i) => {
      if (!defined.has(name)) {
        ctx.addIssue({ code: 'custom', path: [...path, key, i], message: `undefined time interval ${JSON.stringify(name)} used in route` });
      }
    });
  }
  route.routes?.forEach((child, i) => checkRouteIntervals(child, [...path, 'routes', i], defined, ctx));
}

/**
 * Config.Validate's checks for time intervals: both top-level lists share one
 * name space, the older `mute_time_intervals` registered first, and a name
 * defined twice is an error; every name a route uses must be defined. Names
 * are case-sensitive, as in Alertmanager.
 */
export function checkTimeIntervalNames(config: TimeIntervalsInConfig, ctx: z.RefinementCtx): void {
  const defined = new Set<string>();
  const register = (key: 'mute_time_intervals' | 'time_intervals', kind: string) =>
    config[key]?.forEach(({ name }, i) => {
      if (defined.has(name)) {
        ctx.addIssue({ code: 'custom', path: [key, i, 'name'], message: `${kind} ${JSON.stringify(name)} is not unique` });
      }
      defined.add(name);
    });
  register('mute_time_intervals', 'mute time interval');
  register('time_intervals', 'time interval');
  checkRouteIntervals(config.route, ['route'], defined, ctx);
}

/**
 * The validated configuration with both top-level lists merged into one
 * `time_intervals` (those under `mute_time_intervals` first, as Alertmanager
 * registers them), always present, so that nothing downstream knows the
 * older key.
 */
export function mergeTimeIntervals<T extends Omit<TimeIntervalsInConfig, 'route'>>({
  time_intervals: current,
  mute_time_intervals: older,
  ...rest
}: T): Omit<T, 'time_intervals' | 'mute_time_intervals'> & { time_intervals: NamedTimeInterval[] } {
  return { ...rest, time_intervals: [...(older ?? []), ...(current ?? [])] };
}
