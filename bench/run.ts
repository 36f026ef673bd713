/**
 * `npm run bench`: every figure of DESIGN.md's performance targets, measured
 * side by side in one run, printed as a table and written to
 * bench/results.json. Loopback only; every loop is bounded.
 *
 *   BENCH_QUICK=1           a short run (smoke check; figures not for BENCHMARKS.md)
 *   BENCH_SOAK_SECONDS=60   length of the memory soak (default 60, quick 5)
 *   BENCH_STORM_ALERTS      alerts in the storm (default 10000, quick 1000)
 *   BENCH_COLD_RUNS         fresh processes per bundle (default 11, quick 2)
 *   BENCH_ONLY=e2e,cold,storm,memory   run only some figures
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runColdStart, type ColdStartResult } from './figures/cold-start';
import { costModel, type CostResult } from './figures/cost';
import { runEndToEnd, type EndToEndResult } from './figures/e2e';
import { runMemory, type MemoryResult } from './figures/memory';
import { runStorm, type StormResult } from './figures/storm';
import { startFakePagerduty } from './lib/fake-pagerduty';
import { startBenchLocalMode } from './lib/local-mode';
import { machine } from './lib/machine';
import { renderTable, type Row } from './lib/table';

const quick = process.env.BENCH_QUICK === '1';
const only = new Set((process.env.BENCH_ONLY ?? 'cold,e2e,storm,memory').split(','));
const settings = {
  quick,
  e2e: { notifications: quick ? 50 : 500, concurrency: 8, openLoopMs: quick ? 3_000 : 20_000, storeConcurrency: 40 },
  coldRuns: Number(process.env.BENCH_COLD_RUNS ?? (quick ? 2 : 11)),
  stormAlerts: Number(process.env.BENCH_STORM_ALERTS ?? (quick ? 1_000 : 10_000)),
  memory: { warmupMs: quick ? 2_000 : 10_000, durationMs: Number(process.env.BENCH_SOAK_SECONDS ?? (quick ? 5 : 60)) * 1000, notificationsPerSecond: 5 },
};

const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);
const kb = (bytes: number) => `${Math.round(bytes / 1024)} KB`;

async function main() {
  const started = new Date();
  const pagerduty = await startFakePagerduty();
  let cold: ColdStartResult | undefined;
  let e2e: EndToEndResult | undefined;
  let cost: CostResult | undefined;
  let storm: StormResult | undefined;
  let memory: MemoryResult | undefined;
  try {
    if (only.has('cold')) cold = await runColdStart(settings.coldRuns, pagerduty, progress);

    if (only.has('e2e')) {
      const mode = await startBenchLocalMode({ pagerdutyUrl: pagerduty.url });
      try {
        const logBefore = mode.log.bytes;
        e2e = await runEndToEnd(mode, settings.e2e, progress);
        progress('cost model');
        cost = await costModel({
          closed: e2e.closedLoopCounts,
          open: e2e.openLoopCounts,
          occurrences: e2e.occurrences,
          // Logs of the whole run scaled to the closed loop's share of occurrences (the open loop's are a few per cent).
          logBytes: ((mode.log.bytes - logBefore) * e2e.occurrences) / (e2e.occurrences + e2e.openLoop.webhookToDecisionMs.count + 500),
          client: mode.pipeline.dynamo.client,
          tableName: mode.pipeline.dynamo.tableName,
        });
      } finally {
        await mode.stop();
      }
    }

    if (only.has('storm')) {
      // A fresh local mode: no cooldown left over from the end-to-end run.
      const mode = await startBenchLocalMode({ pagerdutyUrl: pagerduty.url });
      try {
        storm = await runStorm(mode, pagerduty, settings.stormAlerts, progress);
      } finally {
        await mode.stop();
      }
    }

    if (only.has('memory')) {
      progress(`memory: ${settings.memory.durationMs / 1000}s of sustained load after ${settings.memory.warmupMs / 1000}s of warm-up, in a node --expose-gc process`);
      memory = await runMemory(settings.memory);
    }
  } finally {
    await pagerduty.close();
  }

  const rows: Row[] = [];
  if (e2e) {
    const l = e2e.local;
    rows.push(
      { figure: 'ceiling: bare Node server parsing the JSON', measured: `${Math.round(e2e.ceiling.alertsPerSecond)} alerts/s (${Math.round(e2e.ceiling.requestsPerSecond)} req/s)`, target: 'baseline' },
      { figure: 'local mode: webhook acceptance', measured: `${Math.round(l.webhookAlertsPerSecond)} alerts/s`, target: `${l.ratioToCeiling}× the ceiling` },
      { figure: 'local mode: alerts through to a decision', measured: `${Math.round(l.deliveriesPerSecond)} alerts/s (${Math.round(l.occurrencesPerSecond)} distinct/s)`, target: `≥ 0.5× store (${Math.round(e2e.store.updateItemsPerSecond)} UpdateItem/s): ${e2e.store.ratio}×`, met: e2e.store.ratio >= 0.5 },
      { figure: 'local mode: webhook → decision, closed loop', measured: `p50 ${l.webhookToDecisionMs.p50} ms, p99 ${l.webhookToDecisionMs.p99} ms`, target: `saturated, concurrency ${settings.e2e.concurrency}×2` },
      { figure: 'local mode: webhook → scaling call, closed loop', measured: `p50 ${l.webhookToScalingMs.p50} ms, p99 ${l.webhookToScalingMs.p99} ms`, target: 'saturated' },
      { figure: 'local mode: webhook → decision at 100 alerts/s', measured: `p50 ${e2e.openLoop.webhookToDecisionMs.p50} ms, p99 ${e2e.openLoop.webhookToDecisionMs.p99} ms`, target: 'p99 ≤ 50 ms', met: e2e.openLoop.webhookToDecisionMs.p99 <= 50 },
      { figure: 'local mode: webhook → scaling call at 100 alerts/s', measured: `p50 ${e2e.openLoop.webhookToScalingMs.p50} ms, p99 ${e2e.openLoop.webhookToScalingMs.p99} ms`, target: '(no target)' },
      { figure: 'local mode: non-2xx answers / dead letters', measured: `${l.non2xx + e2e.openLoop.non2xx} / ${l.deadLetters}`, target: '0 / 0', met: l.non2xx + e2e.openLoop.non2xx === 0 && l.deadLetters === 0 },
    );
  }
  if (cold) {
    for (const r of cold.rows) {
      rows.push(
        { figure: `cold start ${r.function}: bundle`, measured: kb(r.bundleBytes), target: `≤ 400 KB (SDK only: ${kb(r.sdkOnlyBundleBytes)})`, met: r.bundleBytes <= 400 * 1024 },
        { figure: `cold start ${r.function}: load + first call`, measured: `${r.loadAndFirstCallMs} ms (process ${r.processMs} ms)`, target: `≤ 1.15× SDK only (${r.sdkOnlyLoadAndFirstCallMs} ms): ${r.ratio}×`, met: r.ratio <= 1.15 },
      );
    }
    rows.push({ figure: 'cold start: empty handler', measured: `${cold.empty.loadAndFirstCallMs} ms (process ${cold.empty.processMs} ms)`, target: 'floor' });
  }
  if (cost) {
    rows.push(
      { figure: 'DynamoDB writes per new occurrence (router)', measured: `${cost.dynamoWritesPerNewOccurrence.routerPerDelivery} per delivery; ${cost.dynamoWritesPerNewOccurrence.allStages} all stages`, target: '1', met: cost.dynamoWritesPerNewOccurrence.routerPerDelivery <= 1 },
      { figure: 'PutEvents calls per alert at ingest', measured: String(cost.putEventsPerAlertAtIngest), target: '≤ 0.1', met: cost.putEventsPerAlertAtIngest <= 0.1 },
      { figure: 'cost per million alerts (list prices)', measured: `$${cost.totalUsdPerMillionAlerts.toFixed(2)}`, target: '≤ $1.50 (straightforward design ≈ $2.30)', met: cost.totalUsdPerMillionAlerts <= 1.5 },
    );
  }
  if (storm) {
    rows.push(
      { figure: `storm: ${storm.alerts} alerts × 2 replicas, wall time`, measured: `${(storm.wallMs / 1000).toFixed(1)} s`, target: '(no target)' },
      { figure: 'storm: lost occurrences', measured: String(storm.decisions.lost), target: '0', met: storm.decisions.lost === 0 && storm.deadLetters === 0 },
      { figure: 'storm: scaling actions taken / allowed', measured: `${storm.scaling.taken} / ${storm.scaling.allowed}`, target: '0 extra', met: storm.scaling.extra === 0 },
      { figure: 'storm: pages sent / expected', measured: `${storm.pages.sent} / ${storm.pages.expected}`, target: 'equal', met: storm.pages.sent === storm.pages.expected },
    );
  }
  if (memory) {
    rows.push({
      figure: `memory: heap after ${memory.durationMs / 1000}s at ${memory.alertsPerSecond} alerts/s`,
      measured: `${memory.heapAfterWarmupMb} → ${memory.heapAtEndMb} MB (${memory.growthMb >= 0 ? '+' : ''}${memory.growthMb} MB, ${memory.growthPercent}%)`,
      target: 'flat (≤ 10% growth)',
      met: memory.growthPercent <= 10,
    });
  }

  const table = renderTable(rows);
  process.stdout.write(`\n${table}\n`);
  const results = { startedAt: started.toISOString(), finishedAt: new Date().toISOString(), machine: machine(), settings, table: rows, endToEnd: e2e && { ...e2e, closedLoopCounts: undefined, openLoopCounts: undefined }, coldStart: cold, cost, storm, memory };
  const path = fileURLToPath(new URL('./results.json', import.meta.url));
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\nwritten to bench/results.json${quick ? ' (BENCH_QUICK: a smoke run, not figures to publish)' : ''}\n`);
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
