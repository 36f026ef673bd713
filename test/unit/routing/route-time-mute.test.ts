import { describe, expect, it } from 'vitest';
import type { RouteConfig } from '../../../lambdas/shared/config/schema';
import {
  buildRouteTree,
  matchReceivers,
  matchRoutes,
  routeTimeMute,
  RouteTreeError,
  UndefinedTimeIntervalError,
  type RouteNode,
} from '../../../lambdas/shared/routing/route-tree';
import type { TimeInterval } from '../../../lambdas/shared/time/intervals';

/** A route with `continue` defaulted as the config schema defaults it. */
const route = (fields: Partial<RouteConfig>): RouteConfig => ({ continue: false, ...fields });

const range = (begin: number, end = begin) => ({ begin, end });
const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
const times = (start: string, end: string) => [{ start_minute: minutes(start), end_minute: minutes(end) }];

// Alertmanager's TestIntervener_Mutes intervals (Sydney; AEDT, +11:00, in January), plus a UTC working day.
const INTERVALS = new Map<string, readonly TimeInterval[]>([
  ['evenings', [{ times: [...times('00:00', '09:00'), ...times('17:00', '24:00')], location: 'Australia/Sydney' }]],
  ['weekends', [{ weekdays: [range(6), range(0)], location: 'Australia/Sydney' }]],
  ['workday', [{ times: times('09:00', '17:00'), weekdays: [range(1, 5)], location: 'UTC' }]],
  ['never', []],
]);

const MONDAY_MORNING_SYDNEY = new Date('2024-01-01T10:00+11:00'); // Sunday 23:00 UTC
const MONDAY_EVENING_SYDNEY = new Date('2024-01-01T18:00+11:00'); // Monday 07:00 UTC
const SATURDAY_EVENING_SYDNEY = new Date('2024-01-06T17:00+11:00'); // Saturday 06:00 UTC
const MONDAY_NOON_UTC = new Date('2024-01-01T12:00Z'); // Monday 23:00 Sydney

/** The one child of a tree whose root has `child` as its only route. */
const childOf = (child: Partial<RouteConfig>): RouteNode => buildRouteTree(route({ receiver: 'default', routes: [route(child)] })).routes[0]!;

describe('buildRouteTree: time interval names', () => {
  it('carries a route\'s own mute and active interval names', () => {
    const node = childOf({ receiver: 'r', mute_time_intervals: ['evenings', 'weekends'], active_time_intervals: ['workday'] });
    expect([node.muteTimeIntervals, node.activeTimeIntervals]).toEqual([['evenings', 'weekends'], ['workday']]);
  });

  it('gives a route without interval keys empty lists', () => {
    const node = childOf({ receiver: 'r' });
    expect([node.muteTimeIntervals, node.activeTimeIntervals]).toEqual([[], []]);
  });

  it('does not hand a parent\'s intervals down to its children, as Alertmanager 0.25 does not', () => {
    const tree = buildRouteTree(
      route({
        receiver: 'default',
        routes: [route({ receiver: 'team', mute_time_intervals: ['evenings'], active_time_intervals: ['workday'], routes: [route({ matchers: ['a=1'] })] })],
      }),
    );
    const grandchild = tree.routes[0]!.routes[0]!;
    expect([grandchild.receiver, grandchild.muteTimeIntervals, grandchild.activeTimeIntervals]).toEqual(['team', [], []]);
  });

  it.each([
    ['mute_time_intervals', 'root route must not have any mute time intervals'],
    ['active_time_intervals', 'root route must not have any active time intervals'],
  ] as const)('rejects %s on the root, as Alertmanager does', (key, message) => {
    expect(() => buildRouteTree(route({ receiver: 'r', [key]: ['workday'] }))).toThrow(new RouteTreeError(message, 'route'));
  });

  it('accepts empty interval lists on the root', () => {
    expect(() => buildRouteTree(route({ receiver: 'r', mute_time_intervals: [], active_time_intervals: [] }))).not.toThrow();
  });
});

describe('routeTimeMute', () => {
  it('never mutes a route without time intervals', () => {
    expect(routeTimeMute(childOf({ receiver: 'r' }), INTERVALS, MONDAY_EVENING_SYDNEY)).toEqual({ muted: false });
  });

  it.each([
    ['Monday 10:00 Sydney', MONDAY_MORNING_SYDNEY, { muted: false }],
    ['Monday 18:00 Sydney', MONDAY_EVENING_SYDNEY, { muted: true, interval: 'evenings', why: 'mute' }],
    ['Saturday 17:00 Sydney, in both', SATURDAY_EVENING_SYDNEY, { muted: true, interval: 'evenings', why: 'mute' }],
    ['Monday 12:00 UTC, 23:00 in Sydney', MONDAY_NOON_UTC, { muted: true, interval: 'evenings', why: 'mute' }],
  ])('mutes by evenings and weekends in Sydney at %s', (_name, at, expected) => {
    expect(routeTimeMute(childOf({ receiver: 'r', mute_time_intervals: ['evenings', 'weekends'] }), INTERVALS, at)).toEqual(expected);
  });

  it('names the first mute interval, in the route\'s order, that holds', () => {
    const node = childOf({ receiver: 'r', mute_time_intervals: ['weekends', 'evenings'] });
    expect(routeTimeMute(node, INTERVALS, SATURDAY_EVENING_SYDNEY)).toEqual({ muted: true, interval: 'weekends', why: 'mute' });
  });

  it('mutes a route outside all of its active intervals, naming them all', () => {
    const node = childOf({ receiver: 'r', active_time_intervals: ['workday', 'weekends'] });
    expect(routeTimeMute(node, INTERVALS, MONDAY_MORNING_SYDNEY)).toEqual({ muted: true, interval: 'workday, weekends', why: 'inactive' });
  });

  it('lets a route through inside any one of its active intervals', () => {
    const node = childOf({ receiver: 'r', active_time_intervals: ['weekends', 'workday'] });
    expect(routeTimeMute(node, INTERVALS, MONDAY_NOON_UTC)).toEqual({ muted: false });
  });

  it('reports inactive before mute when both apply, as Alertmanager\'s time-active stage runs first', () => {
    const node = childOf({ receiver: 'r', active_time_intervals: ['workday'], mute_time_intervals: ['evenings'] });
    expect(routeTimeMute(node, INTERVALS, MONDAY_EVENING_SYDNEY)).toEqual({ muted: true, interval: 'workday', why: 'inactive' });
  });

  it('still mutes inside an active interval when a mute interval holds', () => {
    const node = childOf({ receiver: 'r', active_time_intervals: ['workday'], mute_time_intervals: ['evenings'] });
    expect(routeTimeMute(node, INTERVALS, MONDAY_NOON_UTC)).toEqual({ muted: true, interval: 'evenings', why: 'mute' });
  });

  it('treats an active interval without intervals as never active', () => {
    expect(routeTimeMute(childOf({ receiver: 'r', active_time_intervals: ['never'] }), INTERVALS, MONDAY_NOON_UTC)).toMatchObject({ why: 'inactive' });
  });

  it('does not mute a child by its parent\'s mute interval', () => {
    const tree = buildRouteTree(route({ receiver: 'default', routes: [route({ receiver: 'team', mute_time_intervals: ['evenings'], routes: [route({ receiver: 'pager' })] })] }));
    const [matched] = matchRoutes(tree, {});
    expect([matched?.receiver, routeTimeMute(matched!, INTERVALS, MONDAY_EVENING_SYDNEY)]).toEqual(['pager', { muted: false }]);
  });

  it('throws UndefinedTimeIntervalError for a name the map does not hold', () => {
    const node = childOf({ receiver: 'r', mute_time_intervals: ['holidays'] });
    expect(() => routeTimeMute(node, INTERVALS, MONDAY_NOON_UTC)).toThrow(new UndefinedTimeIntervalError('holidays'));
  });
});

describe('matching with time intervals', () => {
  const tree = buildRouteTree(
    route({
      receiver: 'default',
      routes: [
        route({ receiver: 'scale-down', matchers: ['alertname="GPUUtilizationLow"'], mute_time_intervals: ['evenings'] }),
        route({ receiver: 'catch-all', matchers: ['alertname=~".+"'] }),
      ],
    }),
  );

  it('still ends the first-match search at a route that is muted now', () => {
    const [matched] = matchRoutes(tree, { alertname: 'GPUUtilizationLow' });
    expect([matchReceivers(tree, { alertname: 'GPUUtilizationLow' }), routeTimeMute(matched!, INTERVALS, MONDAY_EVENING_SYDNEY).muted]).toEqual([
      ['scale-down'],
      true,
    ]);
  });

  it('matches the same receivers as the same tree without intervals', () => {
    const plain = buildRouteTree(
      route({
        receiver: 'default',
        routes: [route({ receiver: 'scale-down', matchers: ['alertname="GPUUtilizationLow"'] }), route({ receiver: 'catch-all', matchers: ['alertname=~".+"'] })],
      }),
    );
    const labelSets: Record<string, string>[] = [{ alertname: 'GPUUtilizationLow' }, { alertname: 'Other' }, {}];
    expect(labelSets.map((labels) => matchReceivers(tree, labels))).toEqual(labelSets.map((labels) => matchReceivers(plain, labels)));
  });
});
