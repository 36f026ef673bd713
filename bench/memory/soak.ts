// Runs in its own `node --expose-gc` process (see figures/memory.ts): local mode
// under a steady open-loop load, heap read after warm-up and at the end, each
// time after the queues drained and a forced full GC.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakePagerduty } from '../lib/fake-pagerduty';
import { openLoop } from '../lib/http';
import { startBenchLocalMode } from '../lib/local-mode';
import { notification } from '../lib/payloads';

const warmupMs = Number(process.env.BENCH_SOAK_WARMUP_MS ?? 10_000);
const durationMs = Number(process.env.BENCH_SOAK_MS ?? 60_000);
const notificationsPerSecond = Number(process.env.BENCH_SOAK_RATE ?? 5);

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

async function settledHeap(mode: Awaited<ReturnType<typeof startBenchLocalMode>>) {
  await mode.pipeline.idle();
  for (let i = 0; i < 3; i++) {
    gc!();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const usage = process.memoryUsage();
  return { heapUsed: usage.heapUsed, rss: usage.rss, external: usage.external };
}

const dataDir = mkdtempSync(join(tmpdir(), 'alertscale-bench-soak-'));
const pagerduty = await startFakePagerduty();
const mode = await startBenchLocalMode({ pagerdutyUrl: pagerduty.url, dataDir });
let sent = 0;
let non2xx = 0;
const load = (run: string, ms: number) =>
  openLoop(notificationsPerSecond, ms, async (i) => {
    const statuses = await mode.sendFromBothReplicas(notification(run, i));
    sent++;
    non2xx += statuses.filter((s) => s < 200 || s > 299).length;
  });

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
  non2xx,
  deadLetters: mode.pipeline.deadLetters().length,
  decisions: mode.probe.snapshot().deliveries.new,
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
