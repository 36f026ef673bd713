import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { historyOf, type History, type HistoryEntry, type InputProblem, type WebhookEntry } from '../history';
import { unwrapAll, webhooksOf, type NotificationPart } from './envelopes';
import { jsonValues } from './json-values';
import { parseScenarioText, scenarioHistory } from './scenario';

/** One input: its name (a path, for messages and to tell a scenario by its extension) and its bytes. */
export interface HistoryInput {
  readonly name: string;
  readonly content: Buffer | string;
}

/** An input that cannot be read at all (missing, a directory of nothing, not gzip though it says so). */
export class HistoryReadError extends Error {
  override readonly name = 'HistoryReadError';
}

const isScenario = (name: string) => /\.ya?ml$/i.test(name);
const isGzip = (content: Buffer | string) => typeof content !== 'string' && content[0] === 0x1f && content[1] === 0x8b;

function text(input: HistoryInput): string {
  if (typeof input.content === 'string') return input.content;
  if (!isGzip(input.content)) return input.content.toString('utf8');
  try {
    return gunzipSync(input.content).toString('utf8');
  } catch (error) {
    throw new HistoryReadError(`${input.name}: looks like gzip but does not unpack: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Reads every input into one history. A scenario (`.yml`, `.yaml`) must be
 * valid as a whole, else this throws its `ScenarioError`: it was written by
 * hand, and half of it is not the rehearsal its author meant. Everything else
 * is read line by line (gzip unpacked first, as Firehose may write it to S3),
 * and a line replay cannot use is skipped and reported with its line number
 * — a crash can tear a recording's last line, and a capture may hold other
 * lines — so one bad line never costs the rest of a day's history.
 */
export function readHistory(inputs: readonly HistoryInput[]): History {
  const entries: HistoryEntry[] = [];
  const problems: InputProblem[] = [];
  const parts: NotificationPart[] = [];
  let ignored = 0;
  let to: number | undefined;
  for (const input of inputs) {
    if (isScenario(input.name)) {
      const scenario = scenarioHistory(parseScenarioText(text(input), input.name), input.name);
      entries.push(...scenario.entries);
      to = Math.max(to ?? scenario.to, scenario.to);
      continue;
    }
    const scanned = jsonValues(text(input));
    problems.push(...scanned.problems.map((problem) => ({ file: input.name, ...problem })));
    for (const item of unwrapAll(scanned.values, input.name)) {
      if (item.kind === 'recording') entries.push(item.entry);
      else if (item.kind === 'part') parts.push(item.part);
      else if (item.kind === 'problem') problems.push(item.problem);
      else ignored++;
    }
  }
  const fromEvents = webhooksOf(parts);
  entries.push(...(fromEvents.entries satisfies WebhookEntry[]));
  problems.push(...fromEvents.problems);
  return historyOf(entries, problems, { ignored: ignored + fromEvents.duplicates, ...(to !== undefined ? { to } : {}) });
}

/** How history files are found and read: the file system, or the CLI's injected io. */
export interface HistoryFiles {
  /** The names in a directory, or `undefined` when `path` is not one (a file, or nothing). */
  listDirectory(path: string): string[] | undefined;
  readBytes(path: string): Buffer;
}

const fileSystem: HistoryFiles = {
  listDirectory: (path) => {
    try {
      return statSync(path).isDirectory() ? readdirSync(path) : undefined;
    } catch {
      return undefined;
    }
  },
  readBytes: (path) => readFileSync(path),
};

/** The files under `path`: itself, or every file in it and below, in name order (an S3 copy is a tree of objects). */
function filesAt(files: HistoryFiles, path: string): string[] {
  const names = files.listDirectory(path);
  if (names === undefined) return [path];
  return [...names].sort().flatMap((name) => filesAt(files, join(path, name)));
}

/** Every file at `paths` (directories recursively) as `readHistory` takes them. Throws `HistoryReadError` for one that cannot be read. */
export function historyInputs(paths: readonly string[], files: HistoryFiles = fileSystem): HistoryInput[] {
  return paths.flatMap((path) => filesAt(files, path)).map((name) => {
    try {
      return { name, content: files.readBytes(name) };
    } catch (error) {
      throw new HistoryReadError(`cannot read ${name}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
    }
  });
}

/** Reads files and directories (recursively) as `readHistory` reads inputs. Throws `HistoryReadError` for one that cannot be read, or when there is none. */
export function readHistoryFiles(paths: readonly string[]): History {
  const inputs = historyInputs(paths);
  if (inputs.length === 0) throw new HistoryReadError(`no files in ${paths.join(', ')}`);
  return readHistory(inputs);
}
