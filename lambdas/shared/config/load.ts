import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError, parseConfig, type LoadedConfig } from './parse';
import { locateIn } from './positions';

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
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true, merge: true });
  const [error] = document.errors;
  if (error) {
    const at = error.linePos?.[0];
    const problem = { path: [], message: error.message, line: at?.line, column: at?.col, text: error.message };
    throw new ConfigError(`${source} is not valid YAML: ${error.message}`, [problem], { cause: error });
  }
  return parseConfig(document.toJS(), source, { locate: locateIn(document, lineCounter) });
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
