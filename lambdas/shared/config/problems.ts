import { distance } from 'fastest-levenshtein';
import type { z } from 'zod';
import { keyPath } from '../key-path';
import { wordsFor } from './issue-words';

/** One step of a key path: a key of a mapping or an index into a list. */
export type KeySegment = string | number;

/** Where a key is in the YAML text; both 1-based. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** Finds the YAML node a key path names; `undefined` when the text has no such key (or there is no text). */
export type LocateKey = (path: readonly KeySegment[]) => SourcePosition | undefined;

/**
 * One thing wrong with a configuration file, said for a person: the key path,
 * what is wrong in plain words, and where the key is in the YAML text.
 * `line`/`column` are absent when the configuration did not come from YAML
 * text, or when the key is missing at the top level (it has no place yet).
 */
export interface ConfigProblem {
  /** As zod reports it: `['receivers', 1, 'slack_configs', 0, 'chanel']`. */
  readonly path: readonly KeySegment[];
  /** E.g. `unknown key; did you mean "channel"?` */
  readonly message: string;
  readonly line?: number | undefined;
  readonly column?: number | undefined;
  /** The whole line as printed: `receivers[1].slack_configs[0].chanel: unknown key; did you mean "channel"? (line 14, column 9)`. */
  readonly text: string;
}

/**
 * A file that cannot be used (a configuration, a cases file, a scenario).
 * `message` lists every problem, one line each, indented alike; `problems`
 * has them one by one with their key path and, when the file was YAML text,
 * line and column.
 */
export class ProblemsError extends Error {
  /** The file, as it was named to the parser, when the error is about one. */
  readonly source: string | undefined;
  constructor(
    message: string,
    readonly problems: readonly ConfigProblem[] = [],
    options?: ErrorOptions & { readonly source?: string },
  ) {
    super(message, options);
    this.source = options?.source;
  }
}

/** `heading:` and then each problem on a line of its own, indented: the message of a {@link ProblemsError}. */
export function problemsMessage(heading: string, problems: readonly ConfigProblem[]): string {
  return `${heading}:\n${problems.map((problem) => `  ${problem.text}`).join('\n')}`;
}

/** Builds a problem, placing it in the YAML text when `locate` can. */
export function configProblem(path: readonly KeySegment[], message: string, locate?: LocateKey): ConfigProblem {
  const at = locate?.(path);
  const where = at ? ` (line ${at.line}, column ${at.column})` : '';
  return { path, message, line: at?.line, column: at?.column, text: `${keyPath(path) || '(top level)'}: ${message}${where}` };
}

/** Splits a printed key path (`route.routes[0].matchers[1]`) back into its segments. */
export function splitKeyPath(text: string): KeySegment[] {
  return [...text.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((match) => (match[2] !== undefined ? Number(match[2]) : (match[1] as string)));
}

/**
 * The allowed key a misspelt one most likely meant, if it is close enough:
 * within two edits, or a third of the key's length for long keys. Ties go
 * to the key sharing the longer start (`pager_configs` → `pagerduty_configs`,
 * not `scale_configs`).
 */
export function didYouMean(key: string, allowed: readonly string[]): string | undefined {
  const sharedStart = (candidate: string) => {
    let length = 0;
    while (length < candidate.length && candidate[length] === key[length]) length += 1;
    return length;
  };
  const ranked = allowed
    .map((candidate) => ({ candidate, edits: distance(key, candidate), start: sharedStart(candidate) }))
    .sort((a, b) => a.edits - b.edits || b.start - a.start);
  const best = ranked[0];
  return best && best.edits <= Math.max(2, Math.floor(key.length / 3)) ? best.candidate : undefined;
}

/**
 * A zod error map that words zod's own messages for a person (messages a
 * schema sets itself win over it), and remembers the keys each strict object
 * allows, so that an unknown key can be answered with "did you mean".
 */
export function plainWords(): { errorMap: z.core.$ZodErrorMap; allowedKeys: Map<string, readonly string[]> } {
  const allowedKeys = new Map<string, readonly string[]>();
  const errorMap: z.core.$ZodErrorMap = (issue) => {
    if (issue.code === 'unrecognized_keys') {
      const shape = (issue.inst as { shape?: Record<string, unknown> } | undefined)?.shape;
      allowedKeys.set(keyPath(issue.path ?? []), Object.keys(shape ?? {}));
      return 'unknown key';
    }
    return wordsFor(issue);
  };
  return { errorMap, allowedKeys };
}

/** Problems in the order of the text they are about; those with no place (missing top-level keys) first. */
export function inTextOrder(problems: readonly ConfigProblem[]): ConfigProblem[] {
  return [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

/** The problems of a failed parse, one per unknown key and one per other issue, in zod's order. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], allowedKeys: ReadonlyMap<string, readonly string[]>, locate?: LocateKey): ConfigProblem[] {
  return issues.flatMap((issue) => {
    const path = issue.path.map((segment) => (typeof segment === 'number' ? segment : String(segment)));
    if (issue.code !== 'unrecognized_keys') return [configProblem(path, issue.message, locate)];
    const allowed = allowedKeys.get(keyPath(path)) ?? [];
    return issue.keys.map((key) => {
      const hint = didYouMean(key, allowed);
      return configProblem([...path, key], hint ? `unknown key; did you mean "${hint}"?` : 'unknown key', locate);
    });
  });
}
