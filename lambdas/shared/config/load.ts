import { readFileSync } from 'node:fs';
import { ConfigError, parseConfig, type LoadedConfig } from './parse';
import { readYaml } from './positions';

// Reading YAML files is kept apart from validation, so that the Lambda bundles, which get the
// configuration embedded as JSON, need not carry a YAML parser.
export { keyPath } from '../key-path';
export { ConfigError, invalidConfig, parseConfig, type ConfigProblem, type LoadedConfig, type SourcePosition } from './parse';

/**
 * Parses YAML text and validates it; see `parseConfig`. Problems carry the
 * line and column of the key they are about. Anchors, aliases and `<<`
 * merge keys work as in Alertmanager's YAML reader.
 */
export function parseConfigText(text: string, source = 'configuration'): LoadedConfig {
  const read = readYaml(text, { merge: true });
  if (!read.ok) throw new ConfigError(`${source} is not valid YAML: ${read.error.message}`, [read.problem], { cause: read.error });
  return parseConfig(read.value, source, { locate: read.locate });
}

/** Reads, parses and validates the configuration file at `path`. */
export function loadConfig(path: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read configuration file ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`, [], {
      cause: error,
    });
  }
  return parseConfigText(text, path);
}
