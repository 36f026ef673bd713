import { describe, expect, it } from 'vitest';
import { failureLine, formatLabels, receiversFor, runCases } from '../../../cli/route-receivers';
import type { RouteCase } from '../../../cli/routes-cases';
import { buildRouteTree } from '../../../lambdas/shared/routing/route-tree';
import { indexTimeIntervals, type NamedTimeInterval } from '../../../lambdas/shared/time/intervals';

// Weekdays 09:00–18:00 UTC, and its complement for the night route.
const INTERVALS: NamedTimeInterval[] = [
  { name: 'business-hours', intervals: [{ weekdays: [{ begin: 1, end: 5 }], times: [{ start_minute: 540, end_minute: 1080 }], location: 'UTC' }] },
  { name: 'nights', intervals: [{ times: [{ start_minute: 0, end_minute: 540 }], location: 'UTC' }] },
  { name: 'weekends', intervals: [{ weekdays: [{ begin: 0, end: 0 }, { begin: 6, end: 6 }], location: 'UTC' }] },
];
const intervals = indexTimeIntervals(INTERVALS);

const tree = buildRouteTree({
  receiver: 'oncall',
  continue: false,
  routes: [
    { receiver: 'scale-down', matchers: ['alertname=Low'], continue: true, mute_time_intervals: ['business-hours'] },
    { receiver: 'night-down', matchers: ['alertname=Low'], continue: false, active_time_intervals: ['nights', 'weekends'] },
  ],
});

const MONDAY_10 = new Date('2025-03-03T10:00:00Z');
const MONDAY_03 = new Date('2025-03-03T03:00:00Z');
const low = { alertname: 'Low' };

describe('receiversFor', () => {
  it("prints amtool's receivers when no time is given, whatever the intervals", () => {
    expect(receiversFor(tree, low)).toEqual(['scale-down', 'night-down']);
  });

  it('keeps a route muted at that time, and says by which interval', () => {
    expect(receiversFor(tree, low, { at: MONDAY_10, intervals })).toEqual(['scale-down (muted: business-hours)', 'night-down (muted: outside nights or weekends)']);
  });

  it('prints a receiver plainly when none of its intervals mutes it', () => {
    expect(receiversFor(tree, low, { at: MONDAY_03, intervals })).toEqual(['scale-down', 'night-down']);
  });
});

const routeCase = (labels: Record<string, string>, expected: string[], extra: Partial<RouteCase> = {}): RouteCase => ({
  number: 1,
  line: 4,
  labels,
  expect: expected,
  at: undefined,
  ...extra,
});

describe('runCases', () => {
  it('passes a case whose receivers are exactly the expected ones, in order', () => {
    const outcome = runCases(tree, [routeCase(low, ['scale-down', 'night-down']), routeCase(low, ['night-down', 'scale-down'])], intervals, undefined);
    expect([outcome.passed, outcome.failed.map((f) => f.got)]).toEqual([1, [['scale-down', 'night-down']]]);
  });

  it("evaluates intervals at the case's own time before the default one", () => {
    const cases = [routeCase(low, ['scale-down', 'night-down'], { at: MONDAY_03 }), routeCase(low, ['scale-down (muted: business-hours)', 'night-down (muted: outside nights or weekends)'])];
    expect(runCases(tree, cases, intervals, MONDAY_10)).toEqual({ passed: 2, failed: [] });
  });

  it('does not take a receiver named "a,b" for two', () => {
    const commaTree = buildRouteTree({ receiver: 'a,b', continue: false });
    expect(runCases(commaTree, [routeCase({}, ['a', 'b'])], intervals, undefined).passed).toBe(0);
  });
});

describe('failureLine', () => {
  it('says where the case is, its labels, what was expected and what was got', () => {
    const failure = { case: routeCase({ alertname: 'Low', note: 'a "b"' }, ['oncall']), got: ['scale-down', 'night-down'], at: undefined };
    expect(failureLine('cases.yml', failure)).toBe('cases.yml:4: case 1 {alertname="Low",note="a \\"b\\""}: expected oncall; got scale-down,night-down');
  });

  it('says the time when intervals were evaluated', () => {
    const failure = { case: routeCase(low, ['x'], { line: undefined }), got: ['y'], at: MONDAY_10 };
    expect(failureLine('cases.json', failure)).toBe('cases.json: case 1 {alertname="Low"} at 2025-03-03T10:00:00Z: expected x; got y');
  });
});

describe('formatLabels', () => {
  it('writes an empty label set as {}', () => {
    expect(formatLabels({})).toBe('{}');
  });
});
