import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ConfigError, parseConfig, type LoadedConfig } from './parse';

// Reading YAML files is kept apart from validation, so that the Lambda bundles, which get the
// configuration embedded as JSON, need not carry a YAML parser.
export { keyPath } from '../key-path';
export { ConfigError, parseConfig, type LoadedConfig } from './parse';

/** Parses YAML text and validates it; see `parseConfig`. */
export function parseConfigText(text: string, source = 'configuration'): LoadedConfig {
  let document: unknown;
  try {
    document = parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  } catch (error) {
    const detail = error instanceof YAMLParseError ? error.message : String(error);
    throw new ConfigError(`${source} is not valid YAML: ${detail}`, [detail], { cause: error });
  }
  return parseConfig(document, source);
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
