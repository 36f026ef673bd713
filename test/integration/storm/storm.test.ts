import { DetailType } from '../../../lambdas/shared/events';
import { METRIC } from '../../../lambdas/shared/metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLog } from '../../support/fakes/log';
import { startLocalPipeline, type LocalPipeline } from '../../../lambdas/local/pipeline';
import { parseConfigText } from '../../../lambdas/shared/config/load';
import type { DecisionRecord } from '../../../lambdas/shared/decisions';
import { alert, webhook } from '../../support/builders';

const TOKEN = 'storm-token';
const GROUPS = [
  { name: 'gpu-a100', desired: 2, max: 16 },
  { name: 'gpu-h100', desired: 1, max: 8 },
  { name: 'gpu-l4', desired: 31, max: 32 },
];
const CONFIG = `
node_groups:
${GROUPS.map((g) => `  - { name: ${g.name}, asg_name: ${g.name}-nodes, min: 0, max: ${g.max}, local: { desired: ${g.desired} } }`).join('\n')}
route:
  receiver: quiet
  routes:
    - { matchers: ['alertname="GPUQueueDepthHigh"'], receiver: scale-up }
receivers:
  - name: quiet
  - name: scale-up
    scale_configs: [{ node_group_label: nodegroup, change: 2, cooldown: 10m }]
`;

describe('an alert storm in local mode', () => {
  let pipeline: LocalPipeline;
  let decisions: readonly DecisionRecord[];
  const published = new Map<string, number>();
  let routerBatches = 0;

  beforeAll(async () => {
    pipeline = await startLocalPipeline({ config: parseConfigText(CONFIG).config, token: TOKEN, log: () => memoryLog() });
    pipeline.bus.subscribe((event) => published.set(event['detail-type'], (published.get(event['detail-type']) ?? 0) + 1));
    pipeline.queues.find((q) => q.name === 'alertscale-alerts')!.use((consume) => (event) => ((routerBatches += 1), consume(event)));
    // 1,000 alerts across 3 node groups, in Alertmanager-sized groups of 10, each sent by two replicas.
    const notifications = Array.from({ length: 100 }, (_, n) => {
      const group = GROUPS[n % GROUPS.length]!.name;
      return webhook(Array.from({ length: 10 }, (_, i) => alert({ alertname: 'GPUQueueDepthHigh', nodegroup: group, queue: `q${n}-${i}` })));
    });
    const post = (body: unknown) => pipeline.ingest({ headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });
    const answers = await Promise.all(notifications.flatMap((body) => [post(body), post(body)]));
    expect(answers.every((a) => a.statusCode === 200)).toBe(true);
    await pipeline.idle();
    decisions = await pipeline.decisions.listRecent(10_000);
  }, 120_000);

  afterAll(async () => {
    await pipeline.stop();
  });

  it('records exactly one decision per alert occurrence, with the second replica counted as a duplicate', () => {
    expect(decisions).toHaveLength(1000);
    expect(pipeline.metrics.value(METRIC.AlertDeliveries, { outcome: 'new' })).toBe(1000);
    expect(pipeline.metrics.value(METRIC.AlertDeliveries, { outcome: 'duplicate' })).toBe(1000);
  });

  it('puts one event per webhook, one Alert Decided per occurrence, few coalesced scale requests and one Scaling Action per request', () => {
    expect(published.get(DetailType.Notification)).toBe(200);
    expect(published.get(DetailType.AlertDecided)).toBe(1000);
    const requests = published.get(DetailType.ScaleRequested) ?? 0;
    expect(requests).toBeGreaterThanOrEqual(GROUPS.length);
    expect(requests).toBeLessThanOrEqual(GROUPS.length * routerBatches);
    expect(published.get(DetailType.ScalingAction)).toBe(requests);
  });

  it('changes each node group exactly as the cooldown and guardrails allow: one step, clamped at max', async () => {
    const view = await pipeline.nodeGroups();
    expect(view.map((g) => [g.name, g.desired])).toEqual([
      ['gpu-a100', 4],
      ['gpu-h100', 3],
      ['gpu-l4', 32],
    ]);
  });

  it('explains every change in the decisions: one scale per group, then cooldown, or already at the guardrail', () => {
    const outcomes = new Map<string, Record<string, number>>();
    for (const decision of decisions) {
      const [action] = decision.actions;
      const counts = outcomes.get(action!.target) ?? {};
      counts[action!.outcome] = (counts[action!.outcome] ?? 0) + 1;
      outcomes.set(action!.target, counts);
    }
    // Every decision served by the one request that acted shares its outcome; the others were refused.
    const summary = Object.fromEntries([...outcomes].map(([group, counts]) => [group, Object.keys(counts).sort()]));
    expect(summary).toEqual({
      'gpu-a100': ['cooldown', 'scaled'],
      'gpu-h100': ['cooldown', 'scaled'],
      // At its guardrail max after the first step, so the rest are at target before any cooldown applies.
      'gpu-l4': ['at-target', 'clamped'],
    });
    expect([...outcomes.values()].map((counts) => Object.values(counts).reduce((a, b) => a + b, 0))).toEqual([340, 330, 330]);
    expect(pipeline.scaling.nodeGroups.calls.map((call) => call.asgName).sort()).toEqual(['gpu-a100-nodes', 'gpu-h100-nodes', 'gpu-l4-nodes']);
    const clamped = decisions.flatMap((d) => d.actions).find((a) => a.outcome === 'clamped');
    expect(clamped).toMatchObject({ from: 31, to: 32 });
  });

  it('leaves nothing in a dead-letter queue', () => {
    expect(pipeline.deadLetters()).toEqual([]);
  });
});
