import { closedLoop, keepAliveAgent, openLoop, post, startBareJsonServer } from '../lib/http';
import type { BenchLocalMode } from '../lib/local-mode';
import { ALERTS_PER_WEBHOOK, notification, type Notification } from '../lib/payloads';
import type { ProbeCounts } from '../lib/probe';
import { median, round, summarize, type LatencySummary } from '../lib/stats';

/** How long and how hard the end-to-end runs go. */
export interface EndToEndOptions {
  /** Notifications (of ten alerts, each sent by both replicas) in each closed-loop run. */
  readonly notifications: number;
  /** Notifications in flight at once (each is two requests, one per replica). */
  readonly concurrency: number;
  /** Length of the open-loop run at 100 alerts/s, ms. */
  readonly openLoopMs: number;
  /** Length of the open-loop run of re-sends at the same rate, ms. */
  readonly resendOpenLoopMs: number;
}

/** One run of a mix of deliveries: what it counted, and how many alert deliveries it made. */
export interface MixRun {
  readonly counts: ProbeCounts;
  readonly deliveries: number;
  readonly non2xx: number;
}

/** What the end-to-end runs measured, and the counts of each mix for the cost model. */
export interface EndToEndResult {
  readonly workload: string;
  /**
   * The bare server, three runs just before and three just after the bench mix: the ratio uses
   * their median, so neither a passing burst of load nor drift between the two moments decides it.
   */
  readonly ceiling: { alertsPerSecond: number; requestsPerSecond: number; runs: number[] };
  readonly acceptance: {
    /** Alert deliveries (both replicas) accepted per second over HTTP, closed loop. */
    alertsPerSecond: number;
    requestsPerSecond: number;
    ratioToCeiling: number;
    /** Alert deliveries through to the router's answer per second (new or absorbed). */
    deliveriesToDecisionPerSecond: number;
    wallMs: number;
  };
  readonly openLoop: {
    alertsPerSecond: number;
    webhookToDecisionMs: LatencySummary;
    webhookToScalingMs: LatencySummary;
    /** Each replica's post until its 2xx: ingest and the local HTTP server, the part before the router. */
    webhookTo2xxMs: LatencySummary;
    non2xx: number;
  };
  readonly deadLetters: number;
  readonly acceptanceNon2xx: number;
  /** The bench mix: every notification new, delivered by both replicas (closed loop, batches as they form under load). */
  readonly benchMix: MixRun;
  /** The same notifications delivered again by both replicas: nothing new. */
  readonly resendMix: MixRun;
  /** The open-loop runs of each mix, for the stages' durations (the machine not saturated). */
  readonly benchMixOpen: MixRun;
  readonly resendMixOpen: MixRun;
}

const failed = (statuses: readonly number[]) => statuses.filter((s) => s < 200 || s > 299).length;

/** Latencies from each notification's first post to its decisions and to the first scaling action serving them. */
function latencies(mode: BenchLocalMode, sent: readonly { notification: Notification; at: number }[]) {
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

/** A bare Node server that parses the same JSON, with the same payloads, agents and concurrency, in this process: alerts/s of each of `rounds` runs. */
async function ceiling(notifications: readonly Notification[], concurrency: number, rounds: number): Promise<number[]> {
  const bare = await startBareJsonServer();
  const replicas = [keepAliveAgent(64), keepAliveAgent(64)];
  try {
    const run = async (count: number) => {
      await closedLoop(count, concurrency, async (i) => {
        await Promise.all(replicas.map((agent) => post(`${bare.url}/alertmanager`, notifications[i % notifications.length]!.body, {}, agent)));
      });
    };
    // A short warm-up, so both servers are measured with a JIT that has seen the work.
    await run(Math.min(200, notifications.length));
    const rates: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const started = performance.now();
      await run(notifications.length);
      rates.push((notifications.length * 2 * ALERTS_PER_WEBHOOK) / ((performance.now() - started) / 1000));
    }
    return rates;
  } finally {
    replicas.forEach((agent) => agent.destroy());
    await bare.close();
  }
}

/** Posts every notification from both replicas, `concurrency` at a time; resolves once the pipeline is idle again. */
async function closedLoopMix(mode: BenchLocalMode, batch: readonly Notification[], concurrency: number, metering: boolean) {
  mode.probe.reset();
  mode.probe.metering = metering;
  let non2xx = 0;
  const started = performance.now();
  await closedLoop(batch.length, concurrency, async (i) => {
    non2xx += failed(await mode.sendFromBothReplicas(batch[i]!));
  });
  const httpDone = performance.now();
  await mode.pipeline.idle();
  const run: MixRun = { counts: mode.probe.snapshot(), deliveries: batch.length * 2 * ALERTS_PER_WEBHOOK, non2xx };
  return { run, started, httpDone, idleAt: performance.now() };
}

/** Posts `make(i)` from both replicas at 10 notifications/s (100 alerts/s, each delivered twice) for `ms`. */
async function openLoopMix(mode: BenchLocalMode, ms: number, make: (i: number) => Notification) {
  mode.probe.reset();
  mode.probe.metering = false;
  const sent: { notification: Notification; at: number }[] = [];
  const answered: number[] = [];
  let non2xx = 0;
  await openLoop(10, ms, async (i) => {
    const n = make(i);
    const at = performance.now();
    sent.push({ notification: n, at });
    const { statuses, answeredAt } = await mode.postFromBothReplicas(n);
    non2xx += failed(statuses);
    answered.push(...answeredAt.map((t) => t - at));
  });
  await mode.pipeline.idle();
  const run: MixRun = { counts: mode.probe.snapshot(), deliveries: sent.length * 2 * ALERTS_PER_WEBHOOK, non2xx };
  return { run, sent, webhookTo2xxMs: summarize(answered) };
}

/**
 * Local mode end to end: webhook acceptance of new notifications beside a
 * bare Node server (the bare server measured just before and just after);
 * the bench mix (all new) and the re-send mix (the same notifications again)
 * in metered closed loops, for their counts; both mixes again in open loops
 * at 100 alerts/s, for webhook → decision latency and each stage's duration.
 * The timed runs are not metered, so pricing every call costs them nothing.
 */
export async function runEndToEnd(mode: BenchLocalMode, options: EndToEndOptions, progress: (line: string) => void): Promise<EndToEndResult> {
  const batch = Array.from({ length: options.notifications }, (_, n) => notification('e2e', n));

  progress(`ceiling: bare Node JSON server, ${options.notifications} notifications × 2 replicas at concurrency ${options.concurrency}`);
  const bareBefore = await ceiling(batch, options.concurrency, 3);

  progress('local mode: warm-up');
  const warm = Array.from({ length: 50 }, (_, n) => notification('warm', n));
  await closedLoop(warm.length, options.concurrency, (i) => mode.sendFromBothReplicas(warm[i]!).then(() => undefined));
  await mode.pipeline.idle();

  // Timed without metering (no pricing on the hot path); then the same mixes again, metered, for their counts.
  progress(`acceptance: ${options.notifications} new notifications × 2 replicas at concurrency ${options.concurrency}, not metered`);
  const accept = await closedLoopMix(mode, Array.from({ length: options.notifications }, (_, n) => notification('accept', n)), options.concurrency, false);
  const deliveriesDone = Math.max(mode.probe.lastDecisionAt, accept.httpDone);
  progress('ceiling: the bare server again, right after');
  const runs = [...bareBefore, ...(await ceiling(batch, options.concurrency, 3))];
  const bareRate = median(runs);
  const bare = { alertsPerSecond: round(bareRate), requestsPerSecond: round(bareRate / ALERTS_PER_WEBHOOK), runs: runs.map((r) => round(r)) };
  progress(`bench mix: ${options.notifications} new notifications × 2 replicas at concurrency ${options.concurrency}, metered`);
  const bench = await closedLoopMix(mode, batch, options.concurrency, true);
  progress(`re-send mix: the same ${options.notifications} notifications again × 2 replicas, metered`);
  const resend = await closedLoopMix(mode, batch, options.concurrency, true);

  progress(`open loop: 100 alerts/s (10 notifications/s × 2 replicas) for ${options.openLoopMs / 1000}s`);
  const open = await openLoopMix(mode, options.openLoopMs, (i) => notification('open', i));
  const openLatencies = latencies(mode, open.sent);
  progress(`open loop: re-sends of those notifications at the same rate for ${options.resendOpenLoopMs / 1000}s`);
  const resendOpen = await openLoopMix(mode, options.resendOpenLoopMs, (i) => open.sent[i % open.sent.length]!.notification);

  const acceptedPerSecond = accept.run.deliveries / ((accept.httpDone - accept.started) / 1000);
  return {
    workload: `notifications of ${ALERTS_PER_WEBHOOK} alerts (9 GPUQueueDepthHigh over 3 node groups → scale-up, 1 NodeNotReady → PagerDuty), each posted by 2 replicas`,
    ceiling: bare,
    acceptance: {
      alertsPerSecond: round(acceptedPerSecond),
      requestsPerSecond: round(acceptedPerSecond / ALERTS_PER_WEBHOOK),
      ratioToCeiling: round(acceptedPerSecond / bare.alertsPerSecond, 3),
      deliveriesToDecisionPerSecond: round(accept.run.deliveries / ((deliveriesDone - accept.started) / 1000)),
      wallMs: round(accept.idleAt - accept.started),
    },
    openLoop: { alertsPerSecond: 100, webhookToDecisionMs: openLatencies.decided, webhookToScalingMs: openLatencies.scaled, webhookTo2xxMs: open.webhookTo2xxMs, non2xx: open.run.non2xx },
    deadLetters: mode.pipeline.deadLetters().length,
    acceptanceNon2xx: accept.run.non2xx,
    benchMix: bench.run,
    resendMix: resend.run,
    benchMixOpen: open.run,
    resendMixOpen: resendOpen.run,
  };
}
