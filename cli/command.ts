import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Io } from './io';

/** Exit codes every command uses: done, failed (the answer is "no"), bad usage. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/**
 * One `alertscale` command, as the dispatcher in `main.ts` sees it. The
 * dispatcher answers `--help` with `help` before `run` is called, and turns a
 * `UsageError` thrown by `run` into exit code 2 with `usage`.
 */
export interface Command {
  readonly name: string;
  /** One line for the list of commands in `alertscale --help`. */
  readonly summary: string;
  /** The synopsis, `usage: alertscale NAME …`, printed after a usage error. */
  readonly usage: string;
  /** Everything `alertscale NAME --help` prints: the synopsis, what it does, its flags. */
  readonly help: string;
  /** Runs the command with the words after its name; resolves to the exit code. */
  run(args: readonly string[], io: Io): Promise<number>;
}

/** The command line was not one the command takes; the message says what was wrong. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** The option name in one of Node's parseArgs messages: `Unknown option '--tree'…` → `--tree`. */
function optionIn(message: string): string {
  return /'([^' ]+)/.exec(message)?.[1] ?? message;
}

/**
 * `node:util`'s `parseArgs`, strict, with its errors turned into short
 * `UsageError`s (`unknown flag --tree`, `--config needs a value`) instead of
 * Node's paragraph about positionals.
 */
export function parseFlags<T extends Options>(args: readonly string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals, strict: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = (error as Error).message;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown flag ${optionIn(message)}`, { cause: error });
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(`${optionIn(message)} needs a value`, { cause: error });
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError(`unexpected argument ${optionIn(message)}`, { cause: error });
    throw error;
  }
}

/** Whether `-h` or `--help` comes before any `--`: then the command's help is all that is printed. */
export function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '-h' || arg === '--help');
}
