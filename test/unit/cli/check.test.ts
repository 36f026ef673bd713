import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main';
import { memoryIo } from './memory-io';

const VALID = `
time_intervals:
  - name: business-hours
    time_intervals:
      - weekdays: ['monday:friday']
        times: [{ start_time: '09:00', end_time: '18:00' }]
        location: Europe/Berlin
node_groups:
  - { name: gpu-a100, asg_name: gpu-a100-nodes, min: 1, max: 8 }
route:
  receiver: oncall
  group_by: [alertname]
  routes:
    - { matchers: ['alertname="Low"'], receiver: scale-down, mute_time_intervals: [business-hours] }
receivers:
  - name: oncall
  - name: scale-down
    scale_configs: [{ node_group: gpu-a100, change: -1 }]
`;

const ALERTMANAGER_YML = `
route: { receiver: team }
receivers:
  - name: team
    webhook_configs: [{ url: 'https://hooks.example.com/path?token=secret' }]
`;

const INVALID = 'route: { receiver: nobody }\nreceivers:\n  - name: oncall\n    pager_configs: []\n';

async function check(args: string[], env: Record<string, string> = {}) {
  const files = { 'alertscale.yml': VALID, 'alertmanager.yml': ALERTMANAGER_YML, 'bad.yml': INVALID, 'config/alertscale.yml': VALID };
  const io = memoryIo({ files, env, now: new Date('2025-03-01T11:00:00Z') });
  const exitCode = await main(['check', ...args], io);
  return { exitCode, stdout: io.stdout(), stderr: io.stderr() };
}

describe('alertscale check', () => {
  it('says a valid file is valid, then what each receiver does and when each time interval next changes', async () => {
    const result = await check(['alertscale.yml']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(
      [
        'alertscale.yml: valid (1 node group, 2 receivers, 1 time interval)',
        '',
        'Receivers:',
        '  oncall: nothing (no channel configs)',
        '  scale-down: scale gpu-a100 by -1 on firing (cooldown 5m)',
        '',
        'Time intervals, seen from 2025-03-01T11:00:00Z:',
        '  business-hours (Europe/Berlin): not now; next start 2025-03-03T09:00:00+01:00, next end 2025-03-03T18:00:00+01:00',
        '',
      ].join('\n'),
    );
  });

  it('prints warnings on stderr', async () => {
    expect((await check(['alertscale.yml'])).stderr).toMatch(/^warning: route\.group_by: accepted but ignored/);
  });

  it('takes the file as --config CONFIG as well', async () => {
    const result = await check(['--config', 'alertscale.yml']);
    expect([result.exitCode, result.stdout.split('\n')[0]]).toEqual([0, 'alertscale.yml: valid (1 node group, 2 receivers, 1 time interval)']);
  });

  it('checks CONFIG, then config/alertscale.yml, when given no file', async () => {
    expect((await check([], { CONFIG: 'alertmanager.yml' })).stdout).toMatch(/^alertmanager\.yml: valid/);
    expect((await check([])).stdout).toMatch(/^config\/alertscale\.yml: valid/);
  });

  it('sees the time intervals from --at', async () => {
    const result = await check(['alertscale.yml', '--at', '2025-03-03T10:00:00+01:00']);
    expect(result.stdout).toContain('  business-hours (Europe/Berlin): holds now; next end 2025-03-03T18:00:00+01:00, next start 2025-03-04T09:00:00+01:00');
  });

  it('accepts a plain alertmanager.yml and says that it has no node group to scale', async () => {
    const result = await check(['alertmanager.yml']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split('\n').slice(0, 5)).toEqual([
      'alertmanager.yml: valid (0 node groups, 1 receiver, 0 time intervals)',
      'No node_groups: read as a plain alertmanager.yml. alertscale would route, page and call webhooks as below, and has no node group to scale.',
      '',
      'Receivers:',
      '  team: call webhook https://hooks.example.com (unsigned)',
    ]);
  });

  it('prints every problem with its key path, line and column, and exits 1', async () => {
    const result = await check(['bad.yml']);
    expect(result).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: [
        'bad.yml:1:10: route.receiver: no receiver named "nobody"',
        'bad.yml:4:5: receivers[0].pager_configs: unknown key; did you mean "pagerduty_configs"?',
        'bad.yml: invalid (2 problems)',
        '',
      ].join('\n'),
    });
  });

  it('says a file cannot be read, and exits 1', async () => {
    expect(await check(['missing.yml'])).toEqual({ exitCode: 1, stdout: '', stderr: 'cannot read configuration file missing.yml: ENOENT\n' });
  });

  it.each([
    ['two files', ['a.yml', 'b.yml'], 'alertscale: error: check takes one configuration file, got 2'],
    ['a file both ways', ['a.yml', '--config', 'b.yml'], 'alertscale: error: give the configuration as CONFIG or --config CONFIG, not both'],
    ['a bad --at', ['alertscale.yml', '--at', 'monday'], 'alertscale: error: --at: "monday" is not an RFC 3339 time such as 2025-03-03T10:00:00+01:00 or 2025-03-03T09:00:00Z'],
  ])('refuses %s with exit code 2', async (_what, args, message) => {
    const result = await check(args);
    expect([result.exitCode, result.stderr.split('\n')[0]]).toEqual([2, message]);
  });
});
