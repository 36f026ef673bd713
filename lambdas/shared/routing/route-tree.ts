import type { RouteConfig } from '../config/schema';
import { anyActive, type TimeInterval } from '../time/intervals';
import { Matcher, matchersFromMaps, matchesAll, MatcherSyntaxError, parseMatchers } from './matchers';

/**
 * Alertmanager's route tree (dispatch/route.go), built once from the
 * configuration's `route` and then matched against each alert's labels.
 */

/** A route tree that Alertmanager would refuse to load; `path` is its key path, e.g. `route.routes[1]`. */
export class RouteTreeError extends Error {
  override readonly name = 'RouteTreeError';
  constructor(
    message: string,
    readonly path: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** One node of a built route tree. */
export interface RouteNode {
  /** The receiver alerts matching this node go to: its own, or the nearest ancestor's. */
  readonly receiver: string;
  /** All of its matchers: `match`, then `match_re`, then `matchers`; every one must hold. */
  readonly matchers: readonly Matcher[];
  /** Whether siblings after this node are still tried once it matched. */
  readonly continue: boolean;
  readonly routes: readonly RouteNode[];
  /**
   * Names of the time intervals during which this route's notifications are
   * muted: its own only. Alertmanager copies the parent's options into a
   * child but then sets both interval lists from the child's own config, so
   * they are never inherited.
   */
  readonly muteTimeIntervals: readonly string[];
  /** Names of the time intervals outside all of which this route's notifications are muted; its own only. */
  readonly activeTimeIntervals: readonly string[];
  /** Where it sits in the configuration, in the key-path form of config errors: `route.routes[0].routes[2]`. */
  readonly path: string;
}

/**
 * Builds the route tree from a validated configuration's `route`. Children
 * without a receiver inherit their parent's. Throws `RouteTreeError` for what
 * Alertmanager rejects when it loads a configuration and the config schema
 * does not check: a root without a receiver, with matchers, with `continue`
 * or with time intervals, an invalid `match`/`match_re` label name, or a
 * regex RE2 cannot compile.
 */
export function buildRouteTree(root: RouteConfig): RouteNode {
  if (root.receiver === undefined) {
    throw new RouteTreeError('root route must specify a default receiver', 'route');
  }
  if (root.matchers?.length || Object.keys(root.match ?? {}).length || Object.keys(root.match_re ?? {}).length) {
    throw new RouteTreeError('root route must not have any matchers', 'route');
  }
  if (root.continue) {
    throw new RouteTreeError('cannot have continue in root route', 'route');
  }
  if (root.mute_time_intervals?.length) {
    throw new RouteTreeError('root route must not have any mute time intervals', 'route');
  }
  if (root.active_time_intervals?.length) {
    throw new RouteTreeError('root route must not have any active time intervals', 'route');
  }
  return buildNode(root, root.receiver, 'route');
}

function buildNode(config: RouteConfig, inherited: string, path: string): RouteNode {
  let matchers: Matcher[];
  try {
    matchers = [...matchersFromMaps(config.match, config.match_re), ...(config.matchers ?? []).flatMap(parseMatchers)];
  } catch (error) {
    if (error instanceof MatcherSyntaxError) {
      throw new RouteTreeError(`${path}: ${error.message}`, path, { cause: error });
    }
    throw error;
  }
  const receiver = config.receiver ?? inherited;
  return {
    receiver,
    matchers,
    continue: config.continue ?? false,
    routes: (config.routes ?? []).map((child, i) => buildNode(child, receiver, `${path}.routes[${i}]`)),
    muteTimeIntervals: config.mute_time_intervals ?? [],
    activeTimeIntervals: config.active_time_intervals ?? [],
    path,
  };
}

/**
 * The routes an alert with `labels` is dispatched to, in Alertmanager's order:
 * depth-first, left to right; among siblings the first that matches ends the
 * search unless it has `continue: true`; a matching node none of whose
 * children match is itself the match. The root matches every alert, so the
 * result is never empty.
 */
export function matchRoutes(tree: RouteNode, labels: Readonly<Record<string, string>>): RouteNode[] {
  return matchNode(tree, labels) ?? [tree];
}

function matchNode(node: RouteNode, labels: Readonly<Record<string, string>>): RouteNode[] | undefined {
  if (!matchesAll(node.matchers, labels)) return undefined;
  const all: RouteNode[] = [];
  for (const child of node.routes) {
    const matched = matchNode(child, labels);
    if (matched === undefined) continue;
    all.push(...matched);
    if (!child.continue) break;
  }
  return all.length === 0 ? [node] : all;
}

/**
 * The receiver names for an alert with `labels`, in the order and with the
 * repetitions `amtool config routes test` prints them: one per matched route,
 * so two matched routes with the same receiver give that name twice.
 */
export function matchReceivers(tree: RouteNode, labels: Readonly<Record<string, string>>): string[] {
  return matchRoutes(tree, labels).map((route) => route.receiver);
}

/** A route names a time interval the configuration does not define; the config schema refuses that, so this is a bug. */
export class UndefinedTimeIntervalError extends Error {
  override readonly name = 'UndefinedTimeIntervalError';
  constructor(readonly interval: string) {
    super(`time interval ${interval} doesn't exist in config`);
  }
}

/** Whether a route's notifications are muted at some instant, and by which interval. */
export type RouteTimeMute =
  | { readonly muted: false }
  | {
      readonly muted: true;
      /** The mute interval that holds, or for `inactive` the route's active intervals, comma-separated, none of which holds. */
      readonly interval: string;
      readonly why: 'mute' | 'inactive';
    };

function holds(intervalsByName: ReadonlyMap<string, readonly TimeInterval[]>, name: string, at: Date): boolean {
  const intervals = intervalsByName.get(name);
  if (intervals === undefined) throw new UndefinedTimeIntervalError(name);
  return anyActive(intervals, at);
}

/**
 * Whether notifications of the matched route `node` are muted at `at`, as
 * Alertmanager's notification pipeline decides: its time-active stage runs
 * before its time-mute stage, so a route with active intervals none of which
 * holds is `inactive` (muted by all of them, as Alertmanager's marker says),
 * and otherwise the first of its mute intervals that holds mutes it. Matching
 * is not affected: a muted route still ends the first-match search.
 */
export function routeTimeMute(
  node: RouteNode,
  intervalsByName: ReadonlyMap<string, readonly TimeInterval[]>,
  at: Date,
): RouteTimeMute {
  const active = node.activeTimeIntervals.map((name) => holds(intervalsByName, name, at));
  if (active.length > 0 && !active.includes(true)) {
    return { muted: true, interval: node.activeTimeIntervals.join(', '), why: 'inactive' };
  }
  const mute = node.muteTimeIntervals.find((name) => holds(intervalsByName, name, at));
  return mute === undefined ? { muted: false } : { muted: true, interval: mute, why: 'mute' };
}
