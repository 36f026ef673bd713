import type { Io } from '../../../cli/io';

/** An `Io` whose output is kept, with files, environment, clock and `fetch` given by the test. */
export interface MemoryIo extends Io {
  /** Everything written to standard output, a newline after each line. */
  stdout(): string;
  stderr(): string;
  /** Makes `untilStopped` resolve, as SIGTERM would. */
  stop(): void;
  /** Every file the command wrote, by path. */
  readonly written: Map<string, string>;
}

export interface MemoryIoOptions {
  readonly files?: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly now?: Date;
  readonly fetch?: Io['fetch'];
}

/** The fake of the CLI's one port: a command runs in-process and the test reads what it printed. */
export function memoryIo(options: MemoryIoOptions = {}): MemoryIo {
  let stdout = '';
  let stderr = '';
  let stop = () => {};
  const written = new Map<string, string>();
  const read = (path: string) => {
    const text = written.get(path) ?? options.files?.[path];
    if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: 'ENOENT' });
    return text;
  };
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  return {
    out: (line) => (stdout += `${line}\n`),
    err: (line) => (stderr += `${line}\n`),
    env: options.env ?? {},
    readFile: read,
    readBytes: (path) => Buffer.from(read(path), 'utf8'),
    // A directory is any path that some given file lies under.
    listDirectory: (path) => {
      const names = Object.keys(options.files ?? {}).filter((file) => file.startsWith(`${path}/`)).map((file) => file.slice(path.length + 1).split('/')[0]!);
      return names.length > 0 ? [...new Set(names)] : undefined;
    },
    writeFile: (path, text) => {
      written.set(path, text);
    },
    written,
    fetch: options.fetch ?? (() => Promise.reject(new Error('this test gave the io no fetch'))),
    now: () => options.now ?? new Date('2025-03-03T09:00:00Z'),
    untilStopped: () => stopped,
    stdout: () => stdout,
    stderr: () => stderr,
    stop: () => stop(),
  };
}
