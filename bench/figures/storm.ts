import type { Config } from '../../lambdas/shared/config/schema';
import { closedLoop } from '../lib/http';
import type { startFakePagerduty } from '../lib/fake-pagerduty';
import type { BenchLocalMode } from '../lib/local-mode';
import { ALERTS_PER_WEBHOOK, notification } from '../lib/payloads';
import { round } from '../lib/stats';

export interface StormResult {
  readonly alerts: number;
  readonly requests: number;
  readonly non2xx: number;
  readonly wallMs: number;
  readonly decisions: { expected: number; recorded: number; lost: number; withDuplicatesAbsorbed: number; unfinishedActions: number };
  readonly scaling: { taken: number; allowed: number; extra: number; byGroup: Record<string, { taken: number; allowed: number }>; outcomes: Record<string, number> };
  readonly pages: { sent: number; distinct: number; expected: number };
  readonly deadLetters: number;
}

/**
 * The scaling actions the configuration allows within `wallMs` for one
 * `change` step per request: bounded by the steps left to the guardrail, by
 * the cooldown (one action, plus one per full cooldown elapsed) and by each
 * rate limit (its max per window started).
 */
export function allowedActions(config: Config, wallMs: number): Record<string, number> {
  const scale = config.receivers.flatMap((r) => r.scale_configs)[0];
  if (!scale?.change || scale.change <= 0) throw new Error('the storm expects one scale-up config with a positive change');
  const change = scale.change;
  return Object.fromEntries(
    config.node_groups.map((group) => {
      const desired = group.local?.desired ?? group.min;
      const steps = Math.max(0, Math.ceil((group.max - desired) / change));
      const byCooldown = 1 + Math.floor(wallMs / scale.cooldown);
      const byRate = Math.min(...group.rate_limits.map((limit) => limit.max_actions * (1 + Math.floor(wallMs / limit.window))));
      return [group.name, Math.min(steps, byCooldown, byRate)];
    }),
  );
}

/** Figure 4: 10,000 alerts in one burst from two replicas on a fresh local mode. */
export async function runStorm(mode: BenchLocalMode, pagerduty: Awaited<ReturnType<typeof startFakePagerduty>>, alerts: number, progress: (line: string) => void): Promise<StormResult> {
  const count = Math.ceil(alerts / ALERTS_PER_WEBHOOK);
  const storm = Array.from({ length: count }, (_, n) => notification('storm', n));
  pagerduty.reset();
  mode.probe.reset();
  progress(`storm: ${count * ALERTS_PER_WEBHOOK} alerts (${count} notifications × 2 replicas) in one burst`);
  let non2xx = 0;
  const started = performance.now();
  // Every request is started at once; each replica's connection pool (64 sockets) queues the rest, as Alertmanager's would.
  await closedLoop(count, count, async (i) => {
    const statuses = await mode.sendFromBothReplicas(storm[i]!);
    non2xx += statuses.filter((s) => s < 200 || s > 299).length;
  });
  await mode.pipeline.idle();
  const wallMs = performance.now() - started;

  const expected = new Set(storm.flatMap((n) => n.decisionIds));
  const records = await mode.pipeline.decisions.listRecent(10_000);
  const ours = records.filter((record) => expected.has(record.decisionId));
  const allowed = allowedActions(mode.pipeline.config, wallMs);
  const calls = mode.pipeline.scaling.nodeGroups.calls;
  const byGroup = Object.fromEntries(
    mode.pipeline.config.node_groups.map((group) => [group.name, { taken: calls.filter((c) => c.asgName === group.asg_name).length, allowed: allowed[group.name] ?? 0 }]),
  );
  const taken = calls.length;
  const allowedTotal = Object.values(allowed).reduce((a, b) => a + b, 0);
  const pages = pagerduty.counts();
  return {
    alerts: count * ALERTS_PER_WEBHOOK,
    requests: count * 2,
    non2xx,
    wallMs: round(wallMs),
    decisions: {
      expected: expected.size,
      recorded: new Set(ours.map((r) => r.decisionId)).size,
      lost: expected.size - new Set(ours.map((r) => r.decisionId)).size,
      withDuplicatesAbsorbed: ours.filter((r) => r.duplicates === 1).length,
      unfinishedActions: ours.flatMap((r) => r.actions).filter((a) => a.outcome === 'requested').length,
    },
    scaling: { taken, allowed: allowedTotal, extra: Math.max(0, taken - allowedTotal), byGroup, outcomes: Object.fromEntries(mode.probe.scalingOutcomes) },
    pages: { sent: pages.requests, distinct: pages.distinct, expected: storm.reduce((sum, n) => sum + n.pages, 0) },
    deadLetters: mode.pipeline.deadLetters().length,
  };
}
