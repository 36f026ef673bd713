import { ConfigError, parseConfigText, type LoadedConfig } from '../lambdas/shared/config/load';
import type { Io } from './io';

/** The configuration every command reads when given none: the example configuration of a clone. */
export const DEFAULT_CONFIG_PATH = 'config/alertscale.yml';

/** The configuration file a command reads: its `--config` flag, else `CONFIG`, else `DEFAULT_CONFIG_PATH`. */
export function configPath(flag: string | undefined, env: Io['env']): string {
  return flag ?? (env.CONFIG || DEFAULT_CONFIG_PATH);
}

/**
 * Reads and validates the configuration at `path` through `io`, as
 * `loadConfig` does through the file system; throws `ConfigError`.
 */
export function readConfig(io: Io, path: string): LoadedConfig {
  let text: string;
  try {
    text = io.readFile(path);
  } catch (error) {
    throw new ConfigError(`cannot read configuration file ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`, [], { cause: error });
  }
  return parseConfigText(text, path);
}
