import { formatLabelArg } from '../lambdas/shared/routing/label-args';
import { matchRoutes, routeTimeMute, type RouteNode } from '../lambdas/shared/routing/route-tree';
import type { TimeInterval } from '../lambdas/shared/time/intervals';
import type { RouteCase } from './routes-cases';
import { formatInZone } from './times';

/**
 * What `routes test` prints for one label set: the matched routes'
 * receivers, in amtool's order. At a given time (`--at`), a matched route
 * whose notifications Alertmanager would mute then is still listed — muting
 * does not change matching — with why: `scale-down (muted: business-hours)`
 * inside a mute interval, `scale-down (muted: outside off-hours)` outside all
 * of its active intervals (`outside a or b` for several).
 */

/** The instant to evaluate time intervals at, and the configuration's intervals by name. */
export interface TimeContext {
  readonly at: Date;
  readonly intervals: ReadonlyMap<string, readonly TimeInterval[]>;
}

function receiverAt(route: RouteNode, time: TimeContext): string {
  const mute = routeTimeMute(route, time.intervals, time.at);
  if (!mute.muted) return route.receiver;
  const why = mute.why === 'mute' ? mute.interval : `outside ${route.activeTimeIntervals.join(' or ')}`;
  return `${route.receiver} (muted: ${why})`;
}

/** The receivers for `labels` as `routes test` prints them, comma-joined; without `time`, exactly amtool's. */
export function receiversFor(tree: RouteNode, labels: Readonly<Record<string, string>>, time?: TimeContext): string[] {
  return matchRoutes(tree, labels).map((route) => (time === undefined ? route.receiver : receiverAt(route, time)));
}

/** A label set as a matcher list, `{alertname="X",severity="warning"}`, in the order given. */
export function formatLabels(labels: Readonly<Record<string, string>>): string {
  return `{${Object.entries(labels)
    .map(([name, value]) => formatLabelArg(name, value))
    .join(',')}}`;
}

// Element by element, so that a receiver named "a,b" is not taken for two.
const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((item, i) => item === b[i]);

/** A case whose receivers were not the expected ones. */
export interface FailedCase {
  readonly case: RouteCase;
  readonly got: readonly string[];
  readonly at: Date | undefined;
}

/** What a run of cases found. */
export interface CasesOutcome {
  readonly passed: number;
  readonly failed: readonly FailedCase[];
}

/**
 * Runs each case against the tree: a case passes when the receivers printed
 * for its labels — at its own `at`, else at `defaultAt`, else with no time
 * at all — are exactly its `expect`, in order.
 */
export function runCases(
  tree: RouteNode,
  cases: readonly RouteCase[],
  intervals: TimeContext['intervals'],
  defaultAt: Date | undefined,
): CasesOutcome {
  const failed: FailedCase[] = [];
  for (const routeCase of cases) {
    const at = routeCase.at ?? defaultAt;
    const got = receiversFor(tree, routeCase.labels, at === undefined ? undefined : { at, intervals });
    if (!sameList(got, routeCase.expect)) failed.push({ case: routeCase, got, at });
  }
  return { passed: cases.length - failed.length, failed };
}

/**
 * The line printed for a failed case:
 * `cases.yml:7: case 3 {alertname="X"}: expected scale-up,quiet; got scale-up`,
 * with ` at TIME` after the labels when time intervals were evaluated.
 */
export function failureLine(source: string, failure: FailedCase): string {
  const { case: routeCase, got, at } = failure;
  const where = routeCase.line === undefined ? source : `${source}:${routeCase.line}`;
  const when = at === undefined ? '' : ` at ${formatInZone(at, 'UTC')}`;
  return `${where}: case ${routeCase.number} ${formatLabels(routeCase.labels)}${when}: expected ${routeCase.expect.join(',')}; got ${got.join(',')}`;
}
