import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { alertscale, tempFile } from './run-cli';

const exec = promisify(execFile);

const noStackTrace = /\n\s+at /;

describe('the alertscale CLI', () => {
  it('is the package bin, so `npx alertscale` runs it from a clone', async () => {
    const { stdout } = await exec('npx', ['--no-install', 'alertscale', 'check', 'config/alertscale.yml']);
    expect(stdout.split('\n')[0]).toBe('config/alertscale.yml: valid (3 node groups, 4 receivers, 1 time interval)');
  });

  it("prints package.json's version for --version", async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(await alertscale(['--version'])).toEqual({ code: 0, stdout: `alertscale ${version}\n`, stderr: '' });
  });

  it('lists its commands for --help', async () => {
    const result = await alertscale(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^usage: alertscale <command> \[flags\]\n/);
    for (const name of ['serve', 'check', 'routes', 'pause', 'resume']) expect(result.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
  });

  it.each(['serve', 'check', 'routes', 'pause', 'resume'])('answers %s --help with its usage and exit code 0', async (name) => {
    const result = await alertscale([name, '--help']);
    expect([result.code, result.stdout.startsWith(`usage: alertscale ${name}`), result.stderr]).toEqual([0, true, '']);
  });

  it('refuses an unknown command with exit code 2 and the usage', async () => {
    const result = await alertscale(['scale']);
    expect([result.code, result.stderr.split('\n')[0]]).toEqual([2, 'alertscale: error: unknown command "scale"']);
  });
});

describe('alertscale check', () => {
  it('reports a valid file, its receivers and warnings, and exits 0', async () => {
    const result = await alertscale(['check', 'config/alertscale.yml']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('\nReceivers:\n  scale-up: scale the node group named by label nodegroup by +2 on firing');
    // The example uses none of the keys alertscale would warn about.
    expect(result.stderr).toBe('');
  });

  it('takes --config CONFIG as well as CONFIG', async () => {
    const result = await alertscale(['check', '--config', 'config/alertscale.yml']);
    expect([result.code, result.stdout.split('\n')[0]]).toEqual([0, 'config/alertscale.yml: valid (3 node groups, 4 receivers, 1 time interval)']);
  });

  it('accepts the example alertmanager.yml as it is, and says so', async () => {
    const result = await alertscale(['check', 'examples/alertmanager/alertmanager.yml']);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[1]).toMatch(/^No node_groups: read as a plain alertmanager\.yml/);
  });

  it('prints when each time interval next starts and ends, from --at', async () => {
    const config = tempFile(
      'intervals.yml',
      [
        'time_intervals:',
        '  - name: business-hours',
        "    time_intervals: [{ weekdays: ['monday:friday'], times: [{ start_time: '09:00', end_time: '18:00' }], location: Europe/Berlin }]",
        'route: { receiver: oncall }',
        'receivers: [{ name: oncall }]',
      ].join('\n'),
    );
    const result = await alertscale(['check', config, '--at', '2025-03-01T12:00:00+01:00']);
    expect(result.stdout).toContain(
      'Time intervals, seen from 2025-03-01T11:00:00Z:\n  business-hours (Europe/Berlin): not now; next start 2025-03-03T09:00:00+01:00, next end 2025-03-03T18:00:00+01:00\n',
    );
  });

  it('prints every problem with its key path, line and column, without a stack trace, and exits 1', async () => {
    const bad = tempFile('bad.yml', 'route: { receiver: nobody }\nreceivers: [{ name: oncall, pager_configs: [] }]\n');
    const result = await alertscale(['check', bad]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `${bad}:1:10: route.receiver: no receiver named "nobody"\n${bad}:2:29: receivers[0].pager_configs: unknown key; did you mean "pagerduty_configs"?\n${bad}: invalid (2 problems)\n`,
    );
  });

  it('says a missing file cannot be read, and exits 1', async () => {
    expect(await alertscale(['check', '--config', 'nowhere.yml'])).toEqual({ code: 1, stdout: '', stderr: 'cannot read configuration file nowhere.yml: ENOENT\n' });
  });

  it('refuses two files with exit code 2', async () => {
    expect((await alertscale(['check', 'a.yml', 'b.yml'])).code).toBe(2);
  });
});

describe('alertscale serve (failing to start)', () => {
  it('refuses a bad configuration with a clear message, not a stack trace', async () => {
    const bad = tempFile('bad.yml', 'route: { receiver: oncall }\nreceivers: []\n');
    const result = await alertscale(['serve', '--config', bad, '--port', '0']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('receivers: define at least one receiver');
    expect(result.stderr).not.toMatch(noStackTrace);
  });

  it('says the port is in use instead of a stack trace', async () => {
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

  it('refuses a port that is not a number with exit code 2', async () => {
    const result = await alertscale(['serve', '--port', 'eighty']);
    expect([result.code, result.stderr.split('\n')[0]]).toEqual([2, 'alertscale: error: the port must be a whole number from 0 to 65535, got "eighty"']);
  });
});
