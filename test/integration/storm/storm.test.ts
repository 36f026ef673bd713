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

  beforeAll(async () => {
    pipeline = await startLocalPipeline({ config: parseConfigText(CONFIG).config, token: TOKEN, log: () => memoryLog() });
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
    expect(decisions.every((d) => d.duplicates === 1)).toBe(true);
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
    expect(Object.fromEntries(outcomes)).toEqual({
      'gpu-a100': { scaled: 1, cooldown: 339 },
      'gpu-h100': { scaled: 1, cooldown: 329 },
      // At its guardrail max after the first step, so the rest are at target before any cooldown applies.
      'gpu-l4': { clamped: 1, 'at-target': 329 },
    });
    const clamped = decisions.flatMap((d) => d.actions).find((a) => a.outcome === 'clamped');
    expect(clamped).toMatchObject({ from: 31, to: 32 });
  });

  it('leaves nothing in a dead-letter queue', () => {
    expect(pipeline.deadLetters()).toEqual([]);
  });
});
