import type { Config } from '../../lambdas/shared/config/schema';
import { DetailType } from '../../lambdas/shared/events';
import { closedLoop } from '../lib/http';
import type { startFakePagerduty } from '../lib/fake-pagerduty';
import type { BenchLocalMode } from '../lib/local-mode';
import { ALERTS_PER_WEBHOOK, notification } from '../lib/payloads';
import { round } from '../lib/stats';

/** What the storm came to: decisions, scaling, coalesced requests, pages, dead letters. */
export interface StormResult {
  readonly alerts: number;
  readonly webhooks: number;
  readonly non2xx: number;
  readonly wallMs: number;
  readonly decisions: { expected: number; recorded: number; lost: number; unfinishedActions: number };
  /** Alert deliveries by outcome, from the pipeline's metric: every occurrence new once, its second delivery a duplicate. */
  readonly deliveries: { new: number; duplicate: number; stepped: number };
  readonly scaling: { taken: number; allowed: number; extra: number; byGroup: Record<string, { taken: number; allowed: number }>; outcomes: Record<string, number> };
  /** Router invocations (batches of its queue), and the coalesced requests it published: at most one per node group and batch. */
  readonly requests: { routerBatches: number; nodeGroups: number; scaleRequested: number; allowedScaleRequested: number; scalingActions: number; notifyRequested: number; notificationsSent: number };
  readonly events: Record<string, number>;
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

/**
 * The storm: 10,000 alerts in one burst from two replicas on a fresh local
 * mode. Nothing lost, no action beyond what cooldown, guardrails and rate
 * limits allow, the router's requests coalesced (at most one `Scale
 * Requested` per node group and router batch) and one `Scaling Action` each.
 */
export async function runStorm(mode: BenchLocalMode, pagerduty: Awaited<ReturnType<typeof startFakePagerduty>>, alerts: number, progress: (line: string) => void): Promise<StormResult> {
  const count = Math.ceil(alerts / ALERTS_PER_WEBHOOK);
  const storm = Array.from({ length: count }, (_, n) => notification('storm', n));
  pagerduty.reset();
  mode.probe.reset();
  // Counted, not priced: the storm's figures are counts of events and batches.
  mode.probe.metering = false;
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
  const records = await mode.pipeline.decisions.listRecent(expected.size + 1_000);
  const ours = records.filter((record) => expected.has(record.decisionId));
  const allowed = allowedActions(mode.pipeline.config, wallMs);
  const calls = mode.pipeline.scaling.nodeGroups.calls;
  const byGroup = Object.fromEntries(
    mode.pipeline.config.node_groups.map((group) => [group.name, { taken: calls.filter((c) => c.asgName === group.asg_name).length, allowed: allowed[group.name] ?? 0 }]),
  );
  const taken = calls.length;
  const allowedTotal = Object.values(allowed).reduce((a, b) => a + b, 0);
  const pages = pagerduty.counts();
  const counts = mode.probe.snapshot();
  const routerBatches = counts.queues['alertscale-alerts'].batches;
  const nodeGroups = mode.pipeline.config.node_groups.length;
  return {
    alerts: count * ALERTS_PER_WEBHOOK,
    webhooks: count * 2,
    non2xx,
    wallMs: round(wallMs),
    decisions: {
      expected: expected.size,
      recorded: new Set(ours.map((r) => r.decisionId)).size,
      lost: expected.size - new Set(ours.map((r) => r.decisionId)).size,
      unfinishedActions: ours.flatMap((r) => r.actions).filter((a) => a.outcome === 'requested').length,
    },
    deliveries: counts.deliveries,
    requests: {
      routerBatches,
      nodeGroups,
      scaleRequested: counts.events[DetailType.ScaleRequested] ?? 0,
      allowedScaleRequested: nodeGroups * routerBatches,
      scalingActions: counts.events[DetailType.ScalingAction] ?? 0,
      notifyRequested: counts.events[DetailType.NotifyRequested] ?? 0,
      notificationsSent: counts.events[DetailType.NotificationSent] ?? 0,
    },
    events: { ...counts.events },
    scaling: { taken, allowed: allowedTotal, extra: Math.max(0, taken - allowedTotal), byGroup, outcomes: Object.fromEntries(mode.probe.scalingOutcomes) },
    pages: { sent: pages.requests, distinct: pages.distinct, expected: storm.reduce((sum, n) => sum + n.pages, 0) },
    deadLetters: mode.pipeline.deadLetters().length,
  };
}
