import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main';
import { memoryIo } from './memory-io';

const CONFIG = `
time_intervals:
  - name: business-hours
    time_intervals: [{ weekdays: ['monday:friday'], times: [{ start_time: '09:00', end_time: '18:00' }] }]
route:
  receiver: oncall
  routes:
    - { matchers: ['alertname="Low"'], receiver: scale-down, mute_time_intervals: [business-hours], continue: true }
    - { matchers: ['alertname="Low"'], receiver: log }
receivers: [{ name: oncall }, { name: scale-down }, { name: log }]
`;

const CASES = `
- labels: { alertname: Low }
  expect: [scale-down, log]
- labels: { alertname: Other }
  expect: oncall
- labels: { alertname: Low }
  expect: "log"
- labels: { alertname: Low }
  at: 2025-03-03T10:00:00Z
  expect: ['scale-down (muted: business-hours)', log]
`;

async function routes(args: string[], files: Record<string, string> = {}) {
  const io = memoryIo({ files: { 'alertscale.yml': CONFIG, 'cases.yml': CASES, ...files } });
  const exitCode = await main(['routes', ...args], io);
  return { exitCode, stdout: io.stdout(), stderr: io.stderr() };
}

describe('alertscale routes show', () => {
  it('prints the tree as amtool does', async () => {
    const result = await routes(['show', '--config', 'alertscale.yml']);
    expect(result).toEqual({
      exitCode: 0,
      stderr: '',
      stdout: [
        'Routing tree:',
        '.',
        '└── default-route  receiver: oncall',
        '    ├── {alertname="Low"}  continue: true  receiver: scale-down',
        '    └── {alertname="Low"}  receiver: log',
        '',
        '',
      ].join('\n'),
    });
  });

  it('is what routes alone does, as in amtool', async () => {
    expect(await routes(['--config.file=alertscale.yml'])).toEqual(await routes(['show', '--config', 'alertscale.yml']));
  });

  it('refuses an unknown subcommand with exit code 2', async () => {
    const result = await routes(['tree', '--config', 'alertscale.yml']);
    expect([result.exitCode, result.stderr.split('\n')[0]]).toEqual([2, 'alertscale: error: unknown routes subcommand "tree": show or test']);
  });
});

describe('alertscale routes test --at', () => {
  it('still lists a route muted at that time, saying by what', async () => {
    const result = await routes(['test', '--config', 'alertscale.yml', '--at', '2025-03-03T10:00:00Z', 'alertname=Low']);
    expect(result).toEqual({ exitCode: 0, stdout: 'scale-down (muted: business-hours),log\n', stderr: '' });
  });

  it("prints amtool's plain answer when no interval applies then", async () => {
    const result = await routes(['test', '--config', 'alertscale.yml', '--at', '2025-03-03T20:00:00Z', 'alertname=Low']);
    expect(result.stdout).toBe('scale-down,log\n');
  });

  it('verifies against what it prints, notes included', async () => {
    const args = ['test', '--config', 'alertscale.yml', '--at', '2025-03-03T10:00:00Z', 'alertname=Low'];
    expect((await routes([...args, '--verify.receivers=scale-down (muted: business-hours),log'])).exitCode).toBe(0);
    expect((await routes([...args, '--verify.receivers=scale-down,log'])).exitCode).toBe(1);
  });
});

describe('alertscale routes test --cases', () => {
  it('prints one line per failing case and the counts, and exits 1', async () => {
    const result = await routes(['test', '--config', 'alertscale.yml', '--cases', 'cases.yml']);
    expect(result).toEqual({ exitCode: 1, stderr: '', stdout: 'cases.yml:6: case 3 {alertname="Low"}: expected log; got scale-down,log\n3 passed, 1 failed\n' });
  });

  it('exits 0 when every case passes', async () => {
    const result = await routes(['test', '--config', 'alertscale.yml', '--cases', 'ok.yml'], { 'ok.yml': '- { labels: { alertname: Other }, expect: oncall }\n' });
    expect(result).toEqual({ exitCode: 0, stdout: '1 passed, 0 failed\n', stderr: '' });
  });

  it('evaluates every case without its own time at --at', async () => {
    const result = await routes(['test', '--config', 'alertscale.yml', '--cases', 'cases.yml', '--at', '2025-03-03T10:00:00Z']);
    expect(result.stdout.split('\n').at(-2)).toBe('2 passed, 2 failed');
  });

  it('lists the problems of a bad cases file with their places, and exits 1', async () => {
    const result = await routes(['test', '--config', 'alertscale.yml', '--cases', 'bad.yml'], { 'bad.yml': '- labels: { a: 1 }\n  expect: [x]\n' });
    expect(result).toEqual({ exitCode: 1, stdout: '', stderr: 'bad.yml:1:13: [0].labels.a: a label value is text: quote it, e.g. "500"\nbad.yml: not a valid cases file (1 problem)\n' });
  });

  it('says a cases file cannot be read, and exits 1', async () => {
    const result = await routes(['test', '--config', 'alertscale.yml', '--cases', 'missing.yml']);
    expect([result.exitCode, result.stderr]).toEqual([1, 'cannot read cases file missing.yml: ENOENT\n']);
  });

  it.each([
    ['labels and --cases together', ['--cases', 'cases.yml', 'a=b'], 'alertscale: error: give labels or --cases FILE, not both'],
    ['--verify.receivers with --cases', ['--cases', 'cases.yml', '--verify.receivers=x'], 'alertscale: error: --verify.receivers is for one label set; with --cases, each case has its expect'],
    ['a bad --at', ['--at', '10:00', 'a=b'], 'alertscale: error: --at: "10:00" is not an RFC 3339 time such as 2025-03-03T10:00:00+01:00 or 2025-03-03T09:00:00Z'],
  ])('refuses %s with exit code 2', async (_what, args, message) => {
    const result = await routes(['test', '--config', 'alertscale.yml', ...args]);
    expect([result.exitCode, result.stderr.split('\n')[0]]).toEqual([2, message]);
  });
});
