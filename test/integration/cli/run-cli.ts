import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** What a finished CLI process said and how it exited. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node bin/alertscale.mjs ARGS` as a user would after `npm ci` (`npx alertscale …` runs this same file). */
export async function alertscale(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await exec('node', ['bin/alertscale.mjs', ...args], { env: { ...process.env, ...env }, maxBuffer: 16 * 2 ** 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Writes `text` to a new file `name` in a fresh temporary directory and returns its path. */
export function tempFile(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'alertscale-cli-')), name);
  writeFileSync(path, text);
  return path;
}

/** A running `alertscale serve`, spawned directly so that SIGTERM reaches it (npm does not pass it on). */
export interface ServeProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything it printed on stdout so far. */
  output(): string;
  /** Sends SIGTERM and resolves with the exit code once it is gone. */
  stop(): Promise<number | null>;
}

/**
 * Starts `node bin/alertscale.mjs serve ARGS` on a free port and resolves
 * once its banner is complete (the last line is the snippet's credentials).
 */
export async function startServe(args: readonly string[], env: Record<string, string | undefined>): Promise<ServeProcess> {
  const child = spawn('node', ['bin/alertscale.mjs', 'serve', ...args], {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let errors = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)[\s\S]*credentials: .*\n/.exec(output);
      if (match) resolve(match[1]!);
    });
    void exited.then((code) => reject(new Error(`serve exited with ${code}:\n${output}${errors}`)));
  });
  return {
    url,
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
