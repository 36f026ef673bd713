import { DynamoDecisionStore } from '../../lambdas/adapters/dynamodb/decision-store';
import { startEmbeddedDynamo } from '../../lambdas/local/emulators/dynalite';
import type { DecisionRecord } from '../../lambdas/shared/decisions';
import { closedLoop, keepAliveAgent, openLoop, post, startBareJsonServer } from '../lib/http';
import type { BenchLocalMode } from '../lib/local-mode';
import { ALERTS_PER_WEBHOOK, notification, type Notification } from '../lib/payloads';
import type { ProbeCounts } from '../lib/probe';
import { round, summarize, type LatencySummary } from '../lib/stats';

export interface EndToEndOptions {
  /** Notifications (of ten alerts, each sent by both replicas) in the closed-loop run. */
  readonly notifications: number;
  /** Notifications in flight at once (each is two requests, one per replica). */
  readonly concurrency: number;
  /** Length of the open-loop run at 100 alerts/s, ms. */
  readonly openLoopMs: number;
  /** UpdateItems in flight against the bare store: the router's 4 batches of 10 records. */
  readonly storeConcurrency: number;
}

export interface EndToEndResult {
  readonly workload: string;
  readonly ceiling: { requestsPerSecond: number; alertsPerSecond: number };
  readonly local: {
    /** Alerts (as delivered, both replicas) accepted per second over HTTP. */
    webhookAlertsPerSecond: number;
    /** Alert deliveries through to a recorded decision (new or absorbed duplicate) per second. */
    deliveriesPerSecond: number;
    /** Distinct alert occurrences decided per second. */
    occurrencesPerSecond: number;
    ratioToCeiling: number;
    webhookToDecisionMs: LatencySummary;
    webhookToScalingMs: LatencySummary;
    non2xx: number;
    deadLetters: number;
    wallMs: number;
  };
  readonly store: { updateItemsPerSecond: number; ratio: number };
  readonly openLoop: {
    alertsPerSecond: number;
    webhookToDecisionMs: LatencySummary;
    webhookToScalingMs: LatencySummary;
    non2xx: number;
  };
  /** What the closed-loop run cost in calls (for the cost model). */
  readonly closedLoopCounts: ProbeCounts;
  /** What the open-loop run cost (its per-invocation durations feed the cost model). */
  readonly openLoopCounts: ProbeCounts;
  readonly occurrences: number;
}

/** Latencies from each notification's first post to its decisions and scaling actions. */
function latencies(mode: BenchLocalMode, sent: { notification: Notification; at: number }[]) {
  const decided: number[] = [];
  const scaled: number[] = [];
  for (const { notification: n, at } of sent) {
    n.decisionIds.forEach((id, i) => {
      const decidedAt = mode.probe.decidedAt.get(id);
      if (decidedAt !== undefined) decided.push(decidedAt - at);
      const scaledAt = mode.probe.scaledAt.get(id);
      if (scaledAt !== undefined && i < n.scales) scaled.push(scaledAt - at);
    });
  }
  return { decided: summarize(decided), scaled: summarize(scaled) };
}

async function ceiling(notifications: Notification[], concurrency: number) {
  const bare = await startBareJsonServer();
  const replicas = [keepAliveAgent(64), keepAliveAgent(64)];
  try {
    // A short warm-up, so both servers are measured with a JIT that has seen the work.
    const run = async (count: number) => {
      await closedLoop(count, concurrency, async (i) => {
        await Promise.all(replicas.map((agent) => post(`${bare.url}/alertmanager`, notifications[i % notifications.length]!.body, {}, agent)));
      });
    };
    await run(Math.min(200, notifications.length));
    const started = performance.now();
    await run(notifications.length);
    const seconds = (performance.now() - started) / 1000;
    return { requestsPerSecond: round((notifications.length * 2) / seconds), alertsPerSecond: round((notifications.length * 2 * ALERTS_PER_WEBHOOK) / seconds) };
  } finally {
    replicas.forEach((agent) => agent.destroy());
    await bare.close();
  }
}

/** The embedded store alone under the router's write pattern: one conditional UpdateItem per alert delivery, two per occurrence. */
async function storeCeiling(occurrences: number, concurrency: number): Promise<number> {
  const dynamo = await startEmbeddedDynamo();
  const store = new DynamoDecisionStore(dynamo.client, dynamo.tableName);
  const now = new Date();
  const record = (i: number): DecisionRecord => ({
    decisionId: `store-${i}`,
    fingerprint: `fp${i}`,
    startsAt: '2025-01-01T00:00:00Z',
    status: 'firing',
    labels: { alertname: 'GPUQueueDepthHigh', severity: 'warning', nodegroup: 'gpu-a100', queue: `q-${i}`, cluster: 'bench' },
    receivers: ['scale-up'],
    actions: [{ actionId: `store-${i}:scale-up:0`, kind: 'scale', receiver: 'scale-up', target: 'gpu-a100', outcome: 'requested', at: now.toISOString() }],
    duplicates: 0,
    step: 1,
    refireAt: new Date(now.getTime() + 300_000).toISOString(),
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + 30 * 86_400,
  });
  try {
    const writes = occurrences * 2;
    await closedLoop(Math.min(500, writes), concurrency, (i) => store.recordDelivery(record(-1 - (i >> 1)), now).then(() => undefined));
    const started = performance.now();
    // Both replicas' deliveries of occurrence i arrive close together, as through the router.
    await closedLoop(writes, concurrency, (i) => store.recordDelivery(record(i >> 1), now).then(() => undefined));
    return round(writes / ((performance.now() - started) / 1000));
  } finally {
    await dynamo.stop();
  }
}

/** Figure 1: local mode end to end, beside a bare Node server and the bare embedded store. */
export async function runEndToEnd(mode: BenchLocalMode, options: EndToEndOptions, progress: (line: string) => void): Promise<EndToEndResult> {
  const batch = Array.from({ length: options.notifications }, (_, n) => notification('e2e', n));

  progress(`ceiling: bare Node JSON server, ${options.notifications} notifications × 2 replicas at concurrency ${options.concurrency}`);
  const bare = await ceiling(batch, options.concurrency);

  progress('local mode: warm-up');
  const warm = Array.from({ length: 50 }, (_, n) => notification('warm', n));
  await closedLoop(warm.length, options.concurrency, (i) => mode.sendFromBothReplicas(warm[i]!).then(() => undefined));
  await mode.pipeline.idle();
  mode.probe.reset();

  progress(`local mode: ${options.notifications} notifications × 2 replicas at concurrency ${options.concurrency}`);
  const sent: { notification: Notification; at: number }[] = [];
  let non2xx = 0;
  const started = performance.now();
  await closedLoop(batch.length, options.concurrency, async (i) => {
    const at = performance.now();
    sent.push({ notification: batch[i]!, at });
    const statuses = await mode.sendFromBothReplicas(batch[i]!);
    non2xx += statuses.filter((s) => s < 200 || s > 299).length;
  });
  const httpDone = performance.now();
  await mode.pipeline.idle();
  const closedLoopCounts = mode.probe.counts;
  const occurrences = batch.length * ALERTS_PER_WEBHOOK;
  const lastDecision = Math.max(...mode.probe.decidedAt.values());
  const closed = latencies(mode, sent);
  const deliveriesSeconds = (mode.probe.lastDeliveryAt - started) / 1000;
  const local = {
    webhookAlertsPerSecond: round((occurrences * 2) / ((httpDone - started) / 1000)),
    deliveriesPerSecond: round((occurrences * 2) / deliveriesSeconds),
    occurrencesPerSecond: round(occurrences / ((lastDecision - started) / 1000)),
    ratioToCeiling: 0,
    webhookToDecisionMs: closed.decided,
    webhookToScalingMs: closed.scaled,
    non2xx,
    deadLetters: mode.pipeline.deadLetters().length,
    wallMs: round(performance.now() - started),
  };
  local.ratioToCeiling = round(local.webhookAlertsPerSecond / bare.alertsPerSecond, 3);

  progress(`embedded store alone: ${occurrences * 2} UpdateItems at concurrency ${options.storeConcurrency}`);
  const updateItemsPerSecond = await storeCeiling(occurrences, options.storeConcurrency);

  progress(`open loop: 100 alerts/s (10 notifications/s × 2 replicas) for ${options.openLoopMs / 1000}s`);
  mode.probe.reset();
  const open: { notification: Notification; at: number }[] = [];
  let openNon2xx = 0;
  await openLoop(10, options.openLoopMs, async (i) => {
    const n = notification('open', i);
    open.push({ notification: n, at: performance.now() });
    const statuses = await mode.sendFromBothReplicas(n);
    openNon2xx += statuses.filter((s) => s < 200 || s > 299).length;
  });
  await mode.pipeline.idle();
  const openLoopCounts = mode.probe.counts;
  const openLatencies = latencies(mode, open);

  return {
    workload: `notifications of ${ALERTS_PER_WEBHOOK} alerts (9 GPUQueueDepthHigh over 3 node groups → scale-up, 1 NodeNotReady → PagerDuty), each posted by 2 replicas`,
    ceiling: bare,
    local,
    store: { updateItemsPerSecond, ratio: round(local.deliveriesPerSecond / updateItemsPerSecond, 3) },
    openLoop: { alertsPerSecond: 100, webhookToDecisionMs: openLatencies.decided, webhookToScalingMs: openLatencies.scaled, non2xx: openNon2xx },
    closedLoopCounts,
    openLoopCounts,
    occurrences,
  };
}
