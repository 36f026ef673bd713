import { IGNORED_ROUTE_KEYS } from './schema';

/**
 * Alertmanager's grouping and timing keys. They are fine to leave in a
 * pasted route tree: Alertmanager has already grouped and timed what it
 * sends, and alertscale acts on each alert of what it receives. So one
 * warning per file says so, not one per route.
 */
export const GROUPING_KEYS: readonly string[] = ['group_by', 'group_wait', 'group_interval', 'repeat_interval'];

type Route = { readonly [key: string]: unknown; readonly routes?: unknown };

function routesOf(route: Route, path: string): { route: Route; path: string }[] {
  const children = Array.isArray(route.routes) ? (route.routes as Route[]) : [];
  return [{ route, path }, ...children.flatMap((child, i) => routesOf(child, `${path}.routes[${i}]`))];
}

function groupingWarning(routes: { route: Route; path: string }[]): string[] {
  const places = routes.flatMap(({ route, path }) => GROUPING_KEYS.filter((key) => route[key] !== undefined).map((key) => ({ key, at: `${path}.${key}` })));
  const [first] = places;
  if (!first) return [];
  const keys = [...new Set(places.map((place) => place.key))].join(', ');
  const more = places.length === 1 ? '' : `, as are the other grouping keys in this file (${places.length} in all: ${keys})`;
  return [`${first.at}: accepted but ignored${more}: Alertmanager has already grouped and timed each notification it sends, and alertscale acts on every alert in it`];
}

/** The warnings for a route tree as written: grouping keys once, other ignored route keys where they are. */
export function routeWarnings(root: unknown): string[] {
  if (typeof root !== 'object' || root === null) return [];
  const routes = routesOf(root as Route, 'route');
  const others = IGNORED_ROUTE_KEYS.filter((key) => !GROUPING_KEYS.includes(key));
  const own = routes.flatMap(({ route, path }) =>
    others.filter((key) => route[key] !== undefined).map((key) => `${path}.${key}: accepted but ignored; alertscale acts on what Alertmanager already grouped`),
  );
  return [...groupingWarning(routes), ...own];
}
