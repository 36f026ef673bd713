import type { z } from 'zod';
import { buildRouteTree, RouteTreeError } from '../routing/route-tree';
import { keyPath } from '../key-path';
import { configSchema, IGNORED_ROUTE_KEYS, type Config, type RouteConfig } from './schema';

/** A configuration file that cannot be used; `message` names every bad key path. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly problems: readonly string[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface LoadedConfig {
  readonly config: Config;
  /** Things that are accepted but worth knowing, such as Alertmanager-only route keys. */
  readonly warnings: readonly string[];
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const at = keyPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => `${keyPath([...issue.path, key])}: unknown key`).join('\n');
    }
    return `${at || '(top level)'}: ${issue.message}`;
  });
}

function routeWarnings(route: RouteConfig, path: string): string[] {
  const own = IGNORED_ROUTE_KEYS.filter((key) => route[key] !== undefined).map(
    (key) => `${path}.${key}: accepted but ignored; alertscale acts on what Alertmanager already grouped`,
  );
  return [...own, ...(route.routes ?? []).flatMap((child, i) => routeWarnings(child, `${path}.routes[${i}]`))];
}

/**
 * Validates a configuration document (already parsed from YAML or JSON).
 * Throws a `ConfigError` listing every problem with its key path.
 */
export function parseConfig(document: unknown, source = 'configuration'): LoadedConfig {
  const result = configSchema.safeParse(document ?? {});
  if (!result.success) {
    const problems = describeIssues(result.error.issues);
    throw new ConfigError(`${source} is not valid:\n  ${problems.join('\n  ')}`, problems, { cause: result.error });
  }
  try {
    // What Alertmanager refuses at load and a schema cannot see: matchers on the root, bad regexes, …
    buildRouteTree(result.data.route);
  } catch (error) {
    if (!(error instanceof RouteTreeError)) throw error;
    const problem = error.message.startsWith(`${error.path}:`) ? error.message : `${error.path}: ${error.message}`;
    throw new ConfigError(`${source} is not valid:\n  ${problem}`, [problem], { cause: error });
  }
  return { config: result.data, warnings: routeWarnings(result.data.route, 'route') };
}
