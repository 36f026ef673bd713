import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Webhook } from '../../../lambdas/shared/alertmanager';
import type { DecisionRecord } from '../../../lambdas/shared/decisions';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Local mode running as a child process, as `npx alertscale serve` runs it. */
export interface LocalModeProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything it wrote, for the failure message. */
  output(): string;
  /** Resolves when it has exited (by any signal). */
  readonly exited: Promise<void>;
  post(notification: Webhook): Promise<number>;
  decisions(): Promise<DecisionRecord[]>;
  get<T>(path: string): Promise<T>;
}

/**
 * Starts `node bin/alertscale.mjs serve --data-dir DIR --config FILE --port 0`
 * with `WEBHOOK_TOKEN` set, and resolves once it prints the URL it listens on.
 */
export async function startLocalMode(options: { dataDir: string; configPath: string; token: string }): Promise<LocalModeProcess> {
  const child = spawn(process.execPath, ['bin/alertscale.mjs', 'serve', '--data-dir', options.dataDir, '--config', options.configPath, '--port', '0'], {
    cwd: repoRoot,
    env: { ...process.env, WEBHOOK_TOKEN: options.token, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`local mode did not print its URL within 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`local mode exited before listening:\n${output}`));
    });
  });
  const headers = { authorization: `Bearer ${options.token}` };
  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${url}${path}`, { headers });
    if (!response.ok) throw new Error(`GET ${path} answered ${response.status}: ${await response.text()}\nlocal mode's output:\n${output}`);
    return (await response.json()) as T;
  };
  return {
    url,
    child,
    output: () => output,
    exited,
    post: async (notification) => {
      const response = await fetch(`${url}/alertmanager`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(notification) });
      await response.arrayBuffer();
      return response.status;
    },
    decisions: () => get<DecisionRecord[]>('/api/decisions?limit=10000'),
    get,
  };
}

/** Kills the process with `signal` (if it still runs) and waits for it to be gone. */
export async function kill(local: LocalModeProcess | undefined, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (!local) return;
  if (local.child.exitCode === null && local.child.signalCode === null) local.child.kill(signal);
  await local.exited;
}
