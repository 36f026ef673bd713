import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface AlertmanagerOptions {
  readonly webhookUrl: string;
  readonly token: string;
  /** @default 1s */
  readonly groupWait?: string;
  /** @default 2s */
  readonly groupInterval?: string;
  /** @default 1h */
  readonly repeatInterval?: string;
  /** A whole alertmanager.yml of the test's own, instead of the one-receiver default. */
  readonly config?: string;
}

export interface RunningAlertmanager {
  readonly url: string;
  /** Fires (or, with `end` in the past, resolves) an alert through `amtool alert add`. */
  addAlert(labels: Record<string, string>, options: { start: string; end?: string; annotations?: Record<string, string> }): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a real Alertmanager (Debian's `prometheus-alertmanager`) on a
 * loopback port with a temporary config whose only receiver is a webhook to
 * `webhookUrl`, clustering off (`--cluster.listen-address=`). Never a system
 * service: the process is this test's child and dies with it.
 */
export async function startAlertmanager(options: AlertmanagerOptions): Promise<RunningAlertmanager> {
  const dir = mkdtempSync(join(tmpdir(), 'alertscale-am-'));
  const port = await freePort();
  const configFile = join(dir, 'alertmanager.yml');
  writeFileSync(
    configFile,
    options.config ?? [
      'route:',
      '  receiver: alertscale',
      '  group_by: [alertname, nodegroup]',
      `  group_wait: ${options.groupWait ?? '1s'}`,
      `  group_interval: ${options.groupInterval ?? '2s'}`,
      `  repeat_interval: ${options.repeatInterval ?? '1h'}`,
      'receivers:',
      '  - name: alertscale',
      '    webhook_configs:',
      `      - url: ${options.webhookUrl}`,
      '        send_resolved: true',
      '        http_config:',
      '          authorization:',
      `            credentials: ${options.token}`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(
    'prometheus-alertmanager',
    [`--config.file=${configFile}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=warn'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus-alertmanager exited with ${child.exitCode}: ${stderr}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`prometheus-alertmanager did not become ready: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    url,
    addAlert: async (labels, { start, end, annotations = {} }) => {
      await run('amtool', [
        'alert',
        'add',
        `--alertmanager.url=${url}`,
        `--start=${start}`,
        ...(end ? [`--end=${end}`] : []),
        ...Object.entries(annotations).map(([k, v]) => `--annotation=${k}=${v}`),
        ...Object.entries(labels).map(([k, v]) => `${k}=${v}`),
      ]);
    },
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns a value that is not undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
