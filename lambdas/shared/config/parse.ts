import { buildRouteTree, RouteTreeError } from '../routing/route-tree';
import {
  configProblem,
  describeIssues,
  inTextOrder,
  plainWords,
  problemsMessage,
  ProblemsError,
  splitKeyPath,
  type ConfigProblem,
  type LocateKey,
} from './problems';
import { configSchema, type Config } from './schema';
import { configWarnings } from './warnings';

export type { ConfigProblem, SourcePosition } from './problems';

/** A configuration file that cannot be used, with every problem (see {@link ProblemsError}). */
export class ConfigError extends ProblemsError {
  override readonly name = 'ConfigError';
}

/** A `ConfigError` for `problems`, one line each under "`source` is not valid:". */
export function invalidConfig(source: string, problems: readonly ConfigProblem[], options?: ErrorOptions): ConfigError {
  return new ConfigError(problemsMessage(`${source} is not valid`, problems), problems, options);
}

/** A configuration that passed validation, and what is worth saying about it. */
export interface LoadedConfig {
  readonly config: Config;
  /** Things accepted but worth knowing: each Alertmanager key alertscale does not use, and what it does instead. */
  readonly warnings: readonly string[];
}

/** How `parseConfig` reports problems. */
export interface ParseConfigOptions {
  /** Places a key path in the source text, for `line`/`column` in problems. */
  readonly locate?: LocateKey | undefined;
}

/**
 * Validates a configuration document (already parsed from YAML or JSON).
 * Throws a `ConfigError` listing every problem with its key path.
 */
export function parseConfig(document: unknown, source = 'configuration', options: ParseConfigOptions = {}): LoadedConfig {
  const { locate } = options;
  const words = plainWords();
  const result = configSchema.safeParse(document ?? {}, { error: words.errorMap });
  if (!result.success) {
    throw invalidConfig(source, inTextOrder(describeIssues(result.error.issues, words.allowedKeys, locate)), { cause: result.error });
  }
  try {
    // What Alertmanager refuses at load and a schema cannot see: matchers on the root, bad regexes, …
    buildRouteTree(result.data.route);
  } catch (error) {
    if (!(error instanceof RouteTreeError)) throw error;
    const message = error.message.startsWith(`${error.path}: `) ? error.message.slice(error.path.length + 2) : error.message;
    throw invalidConfig(source, [configProblem(splitKeyPath(error.path), message, locate)], { cause: error });
  }
  return { config: result.data, warnings: configWarnings(document) };
}
