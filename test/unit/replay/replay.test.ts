import { describe, expect, it } from 'vitest';
import { compareReplays } from '../../../lambdas/replay/compare';
import { historyOfWebhooks } from '../../../lambdas/replay/history';
import { readHistory } from '../../../lambdas/replay/inputs/read';
import { replay, ReplayStartError } from '../../../lambdas/replay/run';
import { parseConfigText } from '../../../lambdas/shared/config/load';
import { alert, webhook } from '../../support/builders';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** One node group stepped +1 per cooldown by a queue alert, with no rate limit, so only cooldowns pace it. */
const config = (cooldown: string) =>
  parseConfigText(`
node_groups:
  - { name: gpu-a100, asg_name: gpu-a100-nodes, min: 1, max: 500, rate_limits: [], hourly_cost: 2, local: { desired: 2 } }
route:
  receiver: quiet
  routes:
    - { matchers: ['alertname="GPUQueueDepthHigh"'], receiver: scale-up }
    - { matchers: ['alertname="NodeNotReady"'], receiver: oncall }
receivers:
  - name: quiet
  - name: scale-up
    scale_configs: [{ node_group_label: nodegroup, change: 1, cooldown: ${cooldown} }]
  - name: oncall
    webhook_configs: [{ url: 'http://127.0.0.1:9/unreachable', signing_key: k }]
`).config;

/** A day of one queue alert firing throughout, re-sent every five minutes. */
const DAY_SCENARIO = (replicas: number) => ({
  name: 'day.yml',
  content: `start: 2025-03-03T00:00:00Z
duration: 24h
resend: 5m
replicas: ${replicas}
alerts:
  - { labels: { alertname: GPUQueueDepthHigh, nodegroup: gpu-a100, queue: q0 }, at: 0m }
`,
});

const steps = (report: Awaited<ReturnType<typeof replay>>) => report.nodeGroups[0]!.actions.scaled ?? 0;

/** Steps a cooldown allows over a day when re-sends fall on its boundaries: the first, and one per cooldown after. */
const stepsAllowed = (cooldownMs: number) => Math.floor(DAY / cooldownMs) + 1;

/** Node-hours of a group that starts at `start` and grows by one at every step, over a day. */
function nodeHoursStepping(start: number, cooldownMs: number): number {
  let total = 0;
  for (let at = 0, size = start + 1; at < DAY; at += cooldownMs, size++) total += size * Math.min(cooldownMs, DAY - at);
  return total / 3_600_000;
}

describe('replay on a virtual clock', () => {
  it('takes exactly the steps a 15 minute cooldown allows over 24 hours of re-sends', async () => {
    const report = await replay({ config: config('15m'), history: readHistory([DAY_SCENARIO(1)]) });
    expect(steps(report)).toBe(stepsAllowed(15 * MINUTE));
    expect(report.nodeGroups[0]!.final).toBe(2 + stepsAllowed(15 * MINUTE));
    expect(report.deliveries.stepped).toBe(stepsAllowed(15 * MINUTE) - 1);
    // The router paces the steps: the scaler never sees a request inside a cooldown.
    expect(report.nodeGroups[0]!.actions.cooldown).toBeUndefined();
  });

  it('takes the same steps when two Alertmanager replicas send everything twice', async () => {
    const [one, two] = await Promise.all([replay({ config: config('15m'), history: readHistory([DAY_SCENARIO(1)]) }), replay({ config: config('15m'), history: readHistory([DAY_SCENARIO(2)]) })]);
    expect(steps(two)).toBe(steps(one));
    expect(two.deliveries.duplicate).toBe(one.deliveries.duplicate + one.deliveries.alerts);
  });
});

describe('replay --compare', () => {
  it('shows the steps and node-hours two cooldowns differ by, and nothing else', async () => {
    const history = readHistory([DAY_SCENARIO(1)]);
    const [a, b] = await Promise.all([replay({ config: config('15m'), history, label: 'a.yml' }), replay({ config: config('30m'), history, label: 'b.yml' })]);
    const comparison = compareReplays(a, b);
    expect(comparison.same).toBe(false);
    expect(comparison.differences.actions).toEqual([{ key: { nodeGroup: 'gpu-a100', outcome: 'scaled' }, a: stepsAllowed(15 * MINUTE), b: stepsAllowed(30 * MINUTE) }]);
    expect(comparison.differences.nodeHours).toEqual([{ key: { nodeGroup: 'gpu-a100' }, a: nodeHoursStepping(2, 15 * MINUTE), b: nodeHoursStepping(2, 30 * MINUTE) }]);
    expect(comparison.differences.final).toEqual([{ key: { nodeGroup: 'gpu-a100' }, a: 2 + stepsAllowed(15 * MINUTE), b: 2 + stepsAllowed(30 * MINUTE) }]);
    expect(comparison.differences.pages).toEqual([]);
    // Each step the longer cooldown does not take is a decision action only A has.
    expect(comparison.differences.decisions).toHaveLength(stepsAllowed(15 * MINUTE) - stepsAllowed(30 * MINUTE));
    expect(comparison.differences.decisions.every((d) => d.a === 'scaled' && d.b === null)).toBe(true);
  });

  it('finds nothing to differ between a configuration and itself', async () => {
    const history = readHistory([DAY_SCENARIO(1)]);
    const comparison = compareReplays(await replay({ config: config('15m'), history }), await replay({ config: config('15m'), history }));
    expect(comparison.same).toBe(true);
  });
});

describe('replay: what it reports besides', () => {
  const at = (minute: number) => new Date(Date.parse('2025-03-03T10:00:00Z') + minute * MINUTE).toISOString();

  it('skips a webhook ingest would refuse, naming its line, and replays the rest', async () => {
    const good = webhook([alert({ alertname: 'GPUQueueDepthHigh', nodegroup: 'gpu-a100', queue: 'q' })]);
    const bad = { ...good, alerts: [{ ...good.alerts[0], status: 'burning' }] };
    const report = await replay({ config: config('15m'), history: historyOfWebhooks([{ receivedAt: at(0), body: bad }, { receivedAt: at(1), body: good }], 'rec.jsonl') });
    expect(report.problems).toEqual([{ file: 'rec.jsonl', line: 1, message: expect.stringMatching(/^not a webhook ingest accepts \(HTTP 400\): alerts\[0\]\.status: /) }]);
    expect(report.deliveries).toMatchObject({ webhooks: 1, refused: 1 });
    expect(steps(report)).toBe(1);
  });

  it('reports node groups the history names and the configuration lacks, and goes on', async () => {
    const stranger = webhook([alert({ alertname: 'GPUQueueDepthHigh', nodegroup: 'gpu-v100', queue: 'a' }), alert({ alertname: 'GPUQueueDepthHigh', nodegroup: 'gpu-v100', queue: 'b' })]);
    const known = webhook([alert({ alertname: 'GPUQueueDepthHigh', nodegroup: 'gpu-a100', queue: 'c' })]);
    const report = await replay({ config: config('15m'), history: historyOfWebhooks([{ receivedAt: at(0), body: stranger }, { receivedAt: at(1), body: known }]) });
    expect(report.unknownNodeGroups).toEqual([{ name: 'gpu-v100', alerts: 2 }]);
    expect(report.timeline.filter((row) => row.outcome === 'skipped').map((row) => row.reason)).toEqual([
      'label nodegroup="gpu-v100" names no configured node group',
      'label nodegroup="gpu-v100" names no configured node group',
    ]);
    expect(steps(report)).toBe(1);
  });

  it('pages into a recorder: a channel whose peer cannot be reached is sent, and nothing leaves the process', async () => {
    const page = webhook([alert({ alertname: 'NodeNotReady', nodegroup: 'gpu-a100', node: 'n1' })]);
    const report = await replay({ config: config('15m'), history: historyOfWebhooks([{ receivedAt: at(0), body: page }]) });
    expect(report.pages).toEqual({ webhook: 1 });
    expect(report.timeline.map((row) => [row.action, row.outcome])).toEqual([['page webhook (oncall)', 'sent']]);
  });

  it('starts a group at --start instead of local.desired, and refuses a group the configuration lacks', async () => {
    const history = historyOfWebhooks([{ receivedAt: at(0), body: webhook([alert({ alertname: 'GPUQueueDepthHigh', nodegroup: 'gpu-a100', queue: 'q' })]) }]);
    const report = await replay({ config: config('15m'), history, start: { 'gpu-a100': 40 } });
    expect(report.nodeGroups[0]).toMatchObject({ start: 40, final: 41 });
    await expect(replay({ config: config('15m'), history, start: { 'gpu-x': 1 } })).rejects.toThrow(ReplayStartError);
    await expect(replay({ config: config('15m'), history, start: { 'gpu-a100': 501 } })).rejects.toThrow('--start gpu-a100=501: a whole number from 0 to the group\'s max 500');
  });
});

describe('replay: targeted scale-in and drain, as the live scaler does them', () => {
  const targeted = (drain: string) =>
    parseConfigText(`
node_groups:
  - { name: gpu-a100, asg_name: gpu-a100-nodes, min: 1, max: 8, local: { desired: 3 }${drain} }
route:
  receiver: quiet
  routes:
    - { matchers: ['alertname="GPUUtilizationLow"'], receiver: scale-down }
receivers:
  - name: quiet
  - name: scale-down
    scale_configs: [{ node_group_label: nodegroup, change: -1, remove_node_label: node, cooldown: 15m }]
  - name: control-plane
    webhook_configs: [{ url: 'http://127.0.0.1:9/drain', signing_key: k }]
`).config;
  const idle = (node: string) => ({
    name: 'idle.yml',
    content: `start: 2025-03-04T02:00:00Z
resend: 5m
alerts:
  - { labels: { alertname: GPUUtilizationLow, nodegroup: gpu-a100, node: ${node} }, at: 0m, resolve: 10m }
`,
  });

  it.each([
    ['without drain', ''],
    ['with drain (never confirmed in replay: the timeout lets it go)', ', drain: { receiver: control-plane, timeout: 2m }'],
  ])('removes the node the alert names, %s', async (_, drain) => {
    const report = await replay({ config: targeted(drain), history: readHistory([idle('ip-10-1-0-2.ec2.internal')]) });
    expect(report.timeline.filter((row) => row.nodeGroup === 'gpu-a100').map((row) => [row.outcome, row.from, row.to])).toEqual([['scaled', 3, 2]]);
    expect(report.nodeGroups[0]).toMatchObject({ final: 2 });
  });

  it('refuses, with the reason, a node the group does not have', async () => {
    const report = await replay({ config: targeted(''), history: readHistory([idle('ip-10-9-9-9.ec2.internal')]) });
    expect(report.timeline.find((row) => row.nodeGroup === 'gpu-a100')).toMatchObject({ outcome: 'refused', reason: expect.stringContaining('ip-10-9-9-9.ec2.internal') });
    expect(report.nodeGroups[0]).toMatchObject({ final: 3 });
  });
});
