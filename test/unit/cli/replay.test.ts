import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main';
import { startingSizes } from '../../../cli/replay';
import { memoryIo } from './memory-io';

const config = (cooldown: string) => `
node_groups:
  - { name: gpu-a100, asg_name: gpu-a100-nodes, min: 1, max: 50, rate_limits: [], hourly_cost: 3, local: { desired: 2 } }
route:
  receiver: quiet
  routes: [{ matchers: ['alertname="GPUQueueDepthHigh"'], receiver: scale-up }]
receivers:
  - name: quiet
  - name: scale-up
    scale_configs: [{ node_group_label: nodegroup, change: 1, cooldown: ${cooldown} }]
`;

const SCENARIO = `start: 2025-03-03T10:00:00Z
resend: 5m
alerts:
  - { labels: { alertname: GPUQueueDepthHigh, nodegroup: gpu-a100, queue: q0 }, at: 0m, resolve: 1h }
`;

const recording = (receivedAt: string) => JSON.stringify({ receivedAt, body: JSON.parse(JSON.stringify({ version: '4', receiver: 'alertscale', status: 'firing', groupKey: '{}:{}', alerts: [{ status: 'firing', labels: { alertname: 'GPUQueueDepthHigh', nodegroup: 'gpu-a100' }, startsAt: '2025-03-03T09:59:00Z' }] })) });

async function replay(args: string[], files: Record<string, string> = {}) {
  const io = memoryIo({ files: { 'config/alertscale.yml': config('15m'), 'fast.yml': config('5m'), 'surge.yml': SCENARIO, ...files } });
  const exitCode = await main(['replay', ...args], io);
  return { exitCode, stdout: io.stdout(), stderr: io.stderr(), written: io.written };
}

describe('alertscale replay', () => {
  it('prints the timeline and the node groups, and exits 0', async () => {
    const result = await replay(['surge.yml']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^Replayed 13 webhook\(s\), 13 alert deliveries .* with config\/alertscale\.yml\.$/m);
    expect(result.stdout).toMatch(/^ {2}2025-03-03T10:00:00Z +GPUQueueDepthHigh\{nodegroup="gpu-a100",queue="q0"\} +new +scale gpu-a100 \+1 +scaled +2 → 3$/m);
    expect(result.stdout).toMatch(/^ {2}gpu-a100 +2 +6 +2 +6 /m);
    expect(result.stderr).toBe('');
  });

  it('prints the same report as JSON with --json', async () => {
    const result = await replay(['--json', 'surge.yml']);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ label: 'config/alertscale.yml', nodeGroups: [{ name: 'gpu-a100', start: 2, final: 6, actions: { scaled: 4 } }] });
    expect(Object.keys(report).sort()).toEqual(['deadLetters', 'decisions', 'deliveries', 'from', 'ignored', 'label', 'nodeGroups', 'pages', 'problems', 'timeline', 'to', 'unknownNodeGroups', 'warnings']);
  });

  it('with --compare, prints what differs between the two configurations', async () => {
    const result = await replay(['--config', 'config/alertscale.yml', '--compare', 'fast.yml', 'surge.yml']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('What differs (A → B):\n  gpu-a100: scaled actions 4 → 12\n');
    expect(JSON.parse((await replay(['--compare', 'fast.yml', '--json', 'surge.yml'])).stdout)).toMatchObject({ same: false, a: { label: 'config/alertscale.yml' }, b: { label: 'fast.yml' } });
  });

  it('starts a group at --start GROUP=N', async () => {
    const report = JSON.parse((await replay(['--start', 'gpu-a100=10', '--json', 'surge.yml'])).stdout);
    expect(report.nodeGroups[0]).toMatchObject({ start: 10, final: 14 });
  });

  it('writes one self-contained page with --html and says so on stderr', async () => {
    const result = await replay(['--html', 'report.html', 'surge.yml']);
    const page = result.written.get('report.html') ?? '';
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).not.toMatch(/<(script|link|img)[^>]+(src|href)=/);
    expect(result.stderr).toBe('wrote report.html\n');
  });

  it('skips a line it cannot read, names it on stderr, replays the rest and exits 0', async () => {
    const result = await replay(['history.jsonl'], { 'history.jsonl': `${recording('2025-03-03T10:00:00Z')}\n{"receivedAt": "2025-03-03T10:01\n${recording('2025-03-03T10:20:00Z')}\n` });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('history.jsonl:2: skipped: the line ends inside a string (a torn or truncated line?)\n');
    expect(result.stdout).toContain('Replayed 2 webhook(s)');
    expect(result.stdout).toContain('Skipped input: 1 (each listed on stderr)');
  });

  it('reads the files of a directory', async () => {
    const result = await replay(['--json', 'capture'], { 'capture/2025/03/03/a': recording('2025-03-03T10:00:00Z'), 'capture/2025/03/03/b': recording('2025-03-03T10:20:00Z') });
    expect(JSON.parse(result.stdout).deliveries.webhooks).toBe(2);
  });

  it('fails with exit 1 and every problem by line and column for a scenario that is not valid', async () => {
    const result = await replay(['bad.yml'], { 'bad.yml': 'resnd: 5m\nalerts:\n  - { labels: { alertname: A }, at: soon }\n' });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(
      [
        'bad.yml:1:1: resnd: unknown key; did you mean "resend"?',
        'bad.yml:3:33: alerts[0].at: "soon" is not a duration; write it like 0m, 90s, 45m or 1h30m',
        'bad.yml: invalid scenario (2 problems)',
        '',
      ].join('\n'),
    );
  });

  it('fails with exit 1 for an invalid configuration, an unreadable input, or nothing to replay', async () => {
    const invalid = await replay(['--config', 'broken.yml', 'surge.yml'], { 'broken.yml': 'route: { receiver: nobody }\nreceivers: []\n' });
    expect(invalid.exitCode).toBe(1);
    expect(invalid.stderr).toMatch(/^broken\.yml:1:\d+: route\.receiver: no receiver named "nobody"$/m);
    const missing = await replay(['nowhere.jsonl']);
    expect([missing.exitCode, missing.stderr]).toEqual([1, 'cannot read nowhere.jsonl: ENOENT\n']);
    const empty = await replay(['empty.jsonl'], { 'empty.jsonl': '\n' });
    expect([empty.exitCode, empty.stderr]).toEqual([1, 'nothing to replay: empty.jsonl held no webhook alertscale could read\n']);
  });

  it('is a usage error (exit 2) without an INPUT, with a malformed --start, or a --start the configuration cannot have', async () => {
    for (const args of [[], ['--start', 'gpu-a100', 'surge.yml'], ['--start', 'gpu-x=2', 'surge.yml'], ['--start', 'gpu-a100=99', 'surge.yml'], ['--bogus', 'surge.yml']]) {
      const result = await replay(args);
      expect({ args, exitCode: result.exitCode, usage: result.stderr.includes('usage: alertscale replay') }).toEqual({ args, exitCode: 2, usage: true });
    }
    expect((await replay(['--start', 'gpu-x=2', 'surge.yml'])).stderr).toMatch(/^alertscale: error: --start gpu-x=2: no node group named "gpu-x"; the configuration has gpu-a100\n/);
  });

  it('explains INPUT, the bad-input policy and the exit codes in --help', async () => {
    const { stdout, exitCode } = await replay(['--help']);
    expect(exitCode).toBe(0);
    for (const words of ['serve --record', 'aws logs filter-log-events', 'is skipped', 'A scenario with any problem fails the run', 'Exit codes: 0 replayed']) expect(stdout).toContain(words);
  });
});

describe('startingSizes', () => {
  it('reads GROUP=N flags, the last of a group winning', () => {
    expect(startingSizes(['gpu-a100=4', 'gpu-l4=0', 'gpu-a100=6'])).toEqual({ 'gpu-a100': 6, 'gpu-l4': 0 });
  });
});
