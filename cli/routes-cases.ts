import { z } from 'zod';
import { describeIssues, inTextOrder, plainWords, problemsMessage, ProblemsError, type ConfigProblem } from '../lambdas/shared/config/problems';
import { readYaml } from '../lambdas/shared/config/positions';
import { parseRfc3339, TimeSyntaxError } from './times';

/**
 * The cases file of `alertscale routes test --cases FILE`: a YAML (or JSON)
 * list of label sets, each with the receivers it must be routed to.
 *
 * ```yaml
 * - labels: { alertname: GPUQueueDepthHigh, severity: warning }
 *   expect: [scale-up, quiet]           # or "scale-up,quiet", as --verify.receivers takes it
 * - labels: { alertname: GPUUtilizationLow }
 *   at: 2025-03-03T10:00:00+01:00       # evaluate time intervals then (overrides --at)
 *   expect: ['scale-down (muted: business-hours)']
 * ```
 */

/** One case of a cases file. */
export interface RouteCase {
  /** 1-based, in file order. */
  readonly number: number;
  /** The line the case starts on, when the file says. */
  readonly line: number | undefined;
  readonly labels: Readonly<Record<string, string>>;
  /** The receivers, as `routes test` prints them, in order. */
  readonly expect: readonly string[];
  /** When to evaluate time intervals for this case; absent: `--at`, or not at all. */
  readonly at: Date | undefined;
}

/** A cases file that cannot be used: each problem with its key path and place, as configuration problems are. */
export class CasesFileError extends ProblemsError {
  override readonly name = 'CasesFileError';
}

/**
 * `"a,b"` as a list of receivers. Commas inside parentheses stay, so that a
 * muted receiver's note (`r (muted: x)`) is one entry whatever its names hold.
 */
export function splitReceivers(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let part = '';
  for (const c of text) {
    if (c === ',' && depth === 0) {
      parts.push(part.trim());
      part = '';
      continue;
    }
    if (c === '(') depth += 1;
    if (c === ')') depth = Math.max(0, depth - 1);
    part += c;
  }
  return [...parts, part.trim()];
}

const labelValue = z.string({ error: (issue) => (issue.input === undefined ? undefined : 'a label value is text: quote it, e.g. "500"') });

const receiverList = z.union([z.string().min(1).transform(splitReceivers), z.array(z.string().min(1)).min(1)], {
  error: 'expected a receiver name, a list of them, or "a,b" as --verify.receivers takes it',
});

const atTime = z.string().transform((text, ctx) => {
  try {
    return parseRfc3339(text);
  } catch (error) {
    if (!(error instanceof TimeSyntaxError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message });
    return z.NEVER;
  }
});

const caseSchema = z.strictObject({
  labels: z.record(z.string(), labelValue).nullish().transform((labels) => labels ?? {}),
  expect: receiverList,
  // A YAML timestamp is read as text here (the core schema), so that its offset is kept as written.
  at: atTime.optional(),
});

const casesSchema = z.array(caseSchema, { error: 'expected a list of cases, each { labels: {...}, expect: [...] }' }).min(1, { message: 'the file holds no cases' });

function invalid(source: string, problems: readonly ConfigProblem[], options?: ErrorOptions): CasesFileError {
  return new CasesFileError(problemsMessage(`${source} is not a valid cases file`, problems), problems, options);
}

/** Parses and validates a cases file's text; throws `CasesFileError` listing every problem with its line and column. */
export function parseCasesText(text: string, source = 'cases file'): RouteCase[] {
  const read = readYaml(text);
  if (!read.ok) throw invalid(source, [read.problem], { cause: read.error });
  const { locate } = read;
  const words = plainWords();
  const result = casesSchema.safeParse(read.value, { error: words.errorMap });
  if (!result.success) {
    throw invalid(source, inTextOrder(describeIssues(result.error.issues, words.allowedKeys, locate)), { cause: result.error });
  }
  return result.data.map((entry, i) => ({
    number: i + 1,
    line: locate([i])?.line,
    labels: entry.labels,
    expect: entry.expect,
    at: entry.at,
  }));
}
