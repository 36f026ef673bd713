import { keyPath } from '../lambdas/shared/config/load';
import type { ConfigProblem, ProblemsError } from '../lambdas/shared/config/problems';
import type { Io } from './io';

/**
 * One problem of a file as compilers print theirs, so that editors and CI
 * annotations can jump to it: `alertscale.yml:14:9: receivers[1].slack_configs[0].chanel:
 * unknown key; did you mean "channel"?`. Without a place, `file: path: message`.
 */
function problemLine(source: string, problem: ConfigProblem): string {
  const where = problem.line === undefined ? source : `${source}:${problem.line}:${problem.column ?? 1}`;
  const path = keyPath(problem.path);
  return `${where}: ${path === '' ? '' : `${path}: `}${problem.message}`;
}

/** `n thing` or `n things`. */
export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * Prints why a file was refused: its problems as {@link reportProblems} does,
 * or, for a refusal without any (an unreadable file), the error's message.
 */
export function reportRefusal(io: Io, source: string, error: ProblemsError, verdict: string): void {
  if (error.problems.length === 0) io.err(error.message);
  else reportProblems(io, source, error.problems, verdict);
}

/** Prints every problem of `source` to stderr, one line each, then `source: verdict (N problems)`. */
export function reportProblems(io: Io, source: string, problems: readonly ConfigProblem[], verdict: string): void {
  problems.forEach((problem) => io.err(problemLine(source, problem)));
  io.err(`${source}: ${verdict} (${plural(problems.length, 'problem')})`);
}
