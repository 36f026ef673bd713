import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../support/builders';

const exec = promisify(execFile);

/** Runs the CLI as a user would after `npm ci` (`npx alertscale …` runs this same file). */
async function alertscale(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await exec('node', ['bin/alertscale.mjs', ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const tempFile = (name: string, text: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'alertscale-cli-')), name);
  writeFileSync(path, text);
  return path;
};

describe('the alertscale CLI', () => {
  it('is the package bin, so `npx alertscale` runs it from a clone', async () => {
    const { stdout } = await exec('npx', ['--no-install', 'alertscale', 'check', 'config/alertscale.yml']);
    expect(stdout.split('\n')[0]).toBe('config/alertscale.yml: valid (3 node groups, 4 receivers, 0 time intervals)');
  });

  it('check: prints every problem with its key path, without a stack trace, and exits 1', async () => {
    const bad = tempFile('bad.yml', 'route: { receiver: nobody }\nreceivers: [{ name: oncall, pager_configs: [] }]\n');
    const result = await alertscale(['check', bad]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('receivers[0].pager_configs: unknown key');
    expect(result.stderr).toContain('route.receiver: no receiver named "nobody"');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('check: warns about Alertmanager-only route keys but passes', async () => {
    const result = await alertscale(['check', 'config/alertscale.yml']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('warning: route.group_by: accepted but ignored');
  });

  it('routes test: prints the matched receivers comma-separated, like amtool', async () => {
    const result = await alertscale(['routes', 'test', '--config', 'config/alertscale.yml', 'alertname=GPUQueueDepthHigh', 'severity="warning"']);
    expect(result).toMatchObject({ code: 0, stdout: 'scale-up,quiet\n' });
  });

  it('serve: refuses to start on a bad configuration with a clear message, not a stack trace', async () => {
    const bad = tempFile('bad.yml', 'route: { receiver: oncall }\nreceivers: []\n');
    const result = await alertscale(['serve', '--config', bad, '--port', '0']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('receivers: define at least one receiver');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('serve: says the port is in use instead of a stack trace', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as { port: number };
    try {
      const result = await alertscale(['serve'], { PORT: String(port) });
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n').at(-1)).toBe(`port ${port} on 127.0.0.1 is already in use; stop what holds it or start with PORT=<another port>`);
    } finally {
      holder.close();
    }
  });

  it('npm start: accepts a notification with the right token and rejects it without', async () => {
    // What `npm start` runs; spawned directly so the SIGTERM below reaches the server (npm does not pass it on).
    expect(JSON.parse(readFileSync('package.json', 'utf8')).scripts.start).toBe('node bin/alertscale.mjs serve');
    const child = spawn('node', ['bin/alertscale.mjs', 'serve'], { env: { ...process.env, PORT: '0', WEBHOOK_TOKEN: 'example-token', LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let output = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /listening on (http:\/\/\S+)[\s\S]*credentials: /.exec(output);
          if (match) resolve(match[1]!);
        });
        child.once('exit', (code) => reject(new Error(`the server exited with ${code}: ${output}`)));
      });
      expect(output).toContain(`url: ${url}/alertmanager`);
      const body = JSON.stringify(fixture('alertmanager/queue-depth-group.json'));
      const accepted = await fetch(`${url}/alertmanager`, { method: 'POST', headers: { authorization: 'Bearer example-token' }, body });
      expect(accepted.status).toBe(200);
      const rejected = await fetch(`${url}/alertmanager`, { method: 'POST', body });
      expect(rejected.status).toBe(401);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
