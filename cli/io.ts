import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';

/**
 * Everything a command reaches outside itself, passed in rather than taken
 * from `process`: its output, the environment, files, the network, the clock
 * and the stop signal. `main` gets `processIo()`; tests pass their own, so a
 * command runs in-process with its output captured and no real server or clock.
 */
export interface Io {
  /** Writes one line (a newline is added) to standard output: the command's result. */
  out(line: string): void;
  /** Writes one line to standard error: problems, warnings, usage errors. */
  err(line: string): void;
  /** The environment variables the commands read (CONFIG, PORT, WEBHOOK_TOKEN, …). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads a text file (UTF-8); throws Node's error (with its `code`) when it cannot. */
  readFile(path: string): string;
  /** Reads a file's bytes (a gzip capture); throws Node's error when it cannot. */
  readBytes(path: string): Buffer;
  /** The names in a directory, or `undefined` when `path` is not one (a file, or nothing). */
  listDirectory(path: string): string[] | undefined;
  /** Writes a text file (UTF-8), replacing it: `replay --html`. */
  writeFile(path: string, text: string): void;
  /** The global `fetch`, for `pause` and `resume`. */
  fetch(url: string, init: RequestInit): Promise<Response>;
  /** The current time, for `check`'s time intervals when no `--at` is given. */
  now(): Date;
  /** Resolves once the process is asked to stop (SIGINT, SIGTERM): `serve` runs until then. */
  untilStopped(): Promise<void>;
}

/** The io of the real process: stdout, stderr, `process.env`, the file system, `fetch`, signals. */
export function processIo(): Io {
  // A reader that stops early (`alertscale replay … | head`) closes the pipe: that is done, not a crash.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
    readFile: (path) => readFileSync(path, 'utf8'),
    readBytes: (path) => readFileSync(path),
    listDirectory: (path) => {
      try {
        return statSync(path).isDirectory() ? readdirSync(path) : undefined;
      } catch {
        return undefined;
      }
    },
    writeFile: (path, text) => writeFileSync(path, text),
    fetch: (url, init) => fetch(url, init),
    now: () => new Date(),
    untilStopped: () =>
      new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      }),
  };
}
