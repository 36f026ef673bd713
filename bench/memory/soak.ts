// Runs in its own `node --expose-gc` process (see figures/memory.ts): local mode
// under a steady open-loop load, heap read after warm-up and at the end, each
// time after the queues drained and forced full GCs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENTS_KEPT } from '../../lambdas/local/event-log';
import { METRIC } from '../../lambdas/shared/metrics';
import { startFakePagerduty } from '../lib/fake-pagerduty';
import { closedLoop, openLoop } from '../lib/http';
import { startPlainLocalMode, type PlainLocalMode } from '../lib/local-mode';
import { notification } from '../lib/payloads';

const warmupMs = Number(process.env.BENCH_SOAK_WARMUP_MS ?? 10_000);
const durationMs = Number(process.env.BENCH_SOAK_MS ?? 60_000);
const notificationsPerSecond = Number(process.env.BENCH_SOAK_RATE ?? 5);

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

async function settledHeap(mode: PlainLocalMode) {
  await mode.pipeline.idle();
  for (let i = 0; i < 3; i++) {
    gc!();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const usage = process.memoryUsage();
  return { heapUsed: usage.heapUsed, rss: usage.rss, external: usage.external };
}

/**
 * Fills local mode's bounded buffers before anything is measured: the ring of
 * the newest bus events (GET /api/events) holds EVENTS_KEPT events by design,
 * and while it fills the heap grows by exactly what it is meant to keep.
 * Bounded: at most 40 rounds of 100 notifications.
 */
async function fillEventRing(mode: PlainLocalMode): Promise<number> {
  let sent = 0;
  for (let round = 0; round < 40 && mode.pipeline.events.newest(EVENTS_KEPT).length < EVENTS_KEPT; round++) {
    await closedLoop(100, 8, (i) => mode.sendFromBothReplicas(notification('soak-fill', round * 100 + i)).then(() => undefined));
    await mode.pipeline.idle();
    sent += 100;
  }
  return sent;
}

const dataDir = mkdtempSync(join(tmpdir(), 'alertscale-bench-soak-'));
const pagerduty = await startFakePagerduty();
const mode = await startPlainLocalMode({ pagerdutyUrl: pagerduty.url, dataDir });
let sent = 0;
let non2xx = 0;
const load = (run: string, ms: number) =>
  openLoop(notificationsPerSecond, ms, async (i) => {
    const statuses = await mode.sendFromBothReplicas(notification(run, i));
    sent++;
    non2xx += statuses.filter((s) => s < 200 || s > 299).length;
  });

const filledWith = await fillEventRing(mode);
await load('soak-warm', warmupMs);
const afterWarmup = await settledHeap(mode);
const samples: { atMs: number; heapUsed: number; depth: number }[] = [];
const started = performance.now();
const sampler = setInterval(() => {
  samples.push({ atMs: Math.round(performance.now() - started), heapUsed: process.memoryUsage().heapUsed, depth: mode.pipeline.queues.reduce((sum, q) => sum + q.depth, 0) });
}, 5_000);
await load('soak', durationMs);
clearInterval(sampler);
const backlogAtEnd = mode.pipeline.queues.reduce((sum, q) => sum + q.depth, 0);
const atEnd = await settledHeap(mode);
const result = {
  warmupMs,
  durationMs,
  alertsPerSecond: notificationsPerSecond * 10,
  notificationsSent: sent,
  eventRingFilledWith: filledWith,
  non2xx,
  deadLetters: mode.pipeline.deadLetters().length,
  decisions: mode.pipeline.metrics.value(METRIC.Decisions),
  backlogAtEnd,
  afterWarmup,
  atEnd,
  samples,
  dataDir: 'a temporary data directory (dynalite LevelDB and queue journals on disk)',
};
await mode.stop();
await pagerduty.close();
rmSync(dataDir, { recursive: true, force: true });
process.send!(result, () => process.exit(0));
