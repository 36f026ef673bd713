import { MATCH_TYPES, type Matcher } from '../lambdas/shared/routing/matchers';
import type { RouteNode } from '../lambdas/shared/routing/route-tree';

/**
 * The route tree as `amtool config routes show` (Alertmanager 0.25) prints
 * it, byte for byte: `Routing tree:`, `.`, then one branch per route drawn
 * as its vendored treeprint draws it, and the empty line amtool's `Println`
 * leaves at the end.
 */

// treeprint's edges; a level still open is "│" and two no-break spaces and a space.
const BRANCH = '├──';
const LAST_BRANCH = '└──';
const OPEN_LEVEL = '│\u00a0\u00a0 ';
const ENDED_LEVEL = '    ';

// Go compares strings byte by byte, which is UTF-8 order; JavaScript's < compares UTF-16
// code units and disagrees past U+FFFF.
const utf8 = (text: string) => Buffer.from(text, 'utf8');
const compareGo = (a: string, b: string) => Buffer.compare(utf8(a), utf8(b));

/** Alertmanager's `labels.Matchers` order, which `NewRoute` sorts each route's matchers into: name, value, then operator. */
export function sortMatchers(matchers: readonly Matcher[]): Matcher[] {
  return [...matchers].sort(
    (a, b) => compareGo(a.name, b.name) || compareGo(a.value, b.value) || MATCH_TYPES.indexOf(a.type) - MATCH_TYPES.indexOf(b.type),
  );
}

/** One route as amtool words it: its matchers (or `default-route`), `continue: true` when set, its receiver. */
export function routeSlug(route: RouteNode): string {
  const matchers = route.matchers.length === 0 ? 'default-route' : `{${sortMatchers(route.matchers).join(',')}}`;
  return `${matchers}${route.continue ? '  continue: true' : ''}  receiver: ${route.receiver}`;
}

function branchLines(route: RouteNode, openLevels: readonly boolean[], last: boolean): string[] {
  const indent = openLevels.map((open) => (open ? OPEN_LEVEL : ENDED_LEVEL)).join('');
  const children = route.routes.flatMap((child, i) => branchLines(child, [...openLevels, !last], i === route.routes.length - 1));
  return [`${indent}${last ? LAST_BRANCH : BRANCH} ${routeSlug(route)}`, ...children];
}

/** The lines `amtool config routes show` prints for `tree`, the last one empty; print each followed by a newline. */
export function routeTreeLines(tree: RouteNode): string[] {
  return ['Routing tree:', '.', ...branchLines(tree, [], true), ''];
}
