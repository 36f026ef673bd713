/**
 * Reading the JSON values out of a capture, whatever shape the tool that
 * wrote it gave it: one value per line (a recording, EventBridge events as
 * JSON lines, `aws logs tail --format none`), a line prefixed by a timestamp
 * and a log stream (`aws logs tail`, `--format detailed` or `short`), a
 * pretty-printed value after such a header (`--format json`), a whole
 * pretty-printed document (`aws logs filter-log-events --output json`), or
 * values written back to back without a newline (Firehose to S3).
 */

/** A value and the line it starts on (1-based). */
export interface LocatedValue {
  readonly value: unknown;
  readonly line: number;
}

export interface ScanProblem {
  readonly line: number;
  readonly message: string;
}

// `aws logs tail`'s prefixes: an ISO timestamp, then (detailed, json) the log stream's name.
const TAIL_PREFIX = /^\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:?\d\d)?(?:\s+(?![[{])\S+)?(?:\s+|$)/;

const opens = (c: string | undefined) => c === '{' || c === '[';

/** Where a value starts on this line (after any `aws logs tail` prefix), or why none does; `header` for a prefix alone. */
function valueStart(line: string): { at: number } | { header: true } | { error: string } {
  const indent = line.length - line.trimStart().length;
  if (opens(line[indent])) return { at: indent };
  const prefix = TAIL_PREFIX.exec(line.slice(indent));
  if (!prefix) return { error: 'not JSON' };
  const at = indent + prefix[0].length;
  if (at >= line.length) return { header: true };
  return opens(line[at]) ? { at } : { error: 'not JSON after the log line prefix' };
}

/** Scans one value from `start`: the offset just past it, or why it does not close. `lines` tells where each line begins. */
function valueEnd(text: string, start: number): { end: number } | { error: string; stop: number } {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      // A JSON string never holds a raw newline: this line was cut short.
      else if (c === '\n') return { error: 'the line ends inside a string (a torn or truncated line?)', stop: i + 1 };
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return { end: i + 1 };
    } else if (c === '\n' && depth > 0) {
      // A value that starts a new line at its first column is a new record: the one open here never closed.
      const next = text[i + 1];
      if (opens(next) || TAIL_PREFIX.test(text.slice(i + 1, i + 40))) return { error: 'the value does not end on its line (a torn or truncated line?)', stop: i + 1 };
    }
  }
  return { error: 'the value never ends (a torn last line?)', stop: text.length };
}

/** Every JSON value in `text`, with its line, and a problem for each line that holds none it can read. */
export function jsonValues(text: string): { values: LocatedValue[]; problems: ScanProblem[] } {
  const values: LocatedValue[] = [];
  const problems: ScanProblem[] = [];
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const lineAt = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  let offset = 0;
  while (offset < text.length) {
    const newline = text.indexOf('\n', offset);
    const lineEnd = newline === -1 ? text.length : newline;
    const line = text.slice(offset, lineEnd);
    const lineNumber = lineAt(offset);
    if (line.trim() === '') {
      offset = lineEnd + 1;
      continue;
    }
    // The common case, one value per line, costs one JSON.parse.
    const trimmed = line.trim();
    if (opens(trimmed[0])) {
      try {
        values.push({ value: JSON.parse(trimmed), line: lineNumber });
        offset = lineEnd + 1;
        continue;
      } catch {
        // Not a whole value on its own line: scanned below.
      }
    }
    const start = valueStart(line);
    if ('header' in start) {
      offset = lineEnd + 1;
      continue;
    }
    if ('error' in start) {
      problems.push({ line: lineNumber, message: start.error });
      offset = lineEnd + 1;
      continue;
    }
    offset = readValuesFrom(text, offset + start.at, lineAt, values, problems);
  }
  return { values, problems };
}

/** Reads values back to back from `start` (Firehose writes them so), to the end of the line the last one ends on; returns where to go on. */
function readValuesFrom(text: string, start: number, lineAt: (offset: number) => number, values: LocatedValue[], problems: ScanProblem[]): number {
  let at = start;
  for (;;) {
    const scanned = valueEnd(text, at);
    if ('error' in scanned) {
      problems.push({ line: lineAt(at), message: scanned.error });
      return scanned.stop;
    }
    try {
      values.push({ value: JSON.parse(text.slice(at, scanned.end)), line: lineAt(at) });
    } catch (error) {
      problems.push({ line: lineAt(at), message: `not valid JSON: ${(error as Error).message}` });
    }
    at = scanned.end;
    while (text[at] === ' ' || text[at] === '\t' || text[at] === '\r') at++;
    if (at >= text.length || text[at] === '\n') return at + 1;
    if (!opens(text[at])) {
      problems.push({ line: lineAt(at), message: 'unexpected text after a JSON value' });
      const newline = text.indexOf('\n', at);
      return newline === -1 ? text.length : newline + 1;
    }
  }
}
