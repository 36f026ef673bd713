/**
 * `npm run bench`: every figure of the performance targets, measured side by
 * side in one run, printed as a table (each figure beside its target) and
 * written to bench/results.json. Loopback only; every loop is bounded.
 *
 *   BENCH_QUICK=1           a short run (CI's smoke check; figures not for BENCHMARKS.md)
 *   BENCH_SOAK_SECONDS=60   length of the memory soak (default 60, quick 5)
 *   BENCH_STORM_ALERTS      alerts in the storm (default 10000, quick 1000)
 *   BENCH_COLD_RUNS         fresh processes per bundle (default 21, quick 2)
 *   BENCH_ONLY=e2e,cold,storm,memory,replay   run only some figures
 *   BENCH_COLD_PROFILE=dir  also write a CPU profile of every cold start (see bench/cold-start/profile-summary.mjs)
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { busEventsOf, type BusEventsResult } from './figures/bus-events';
import { runColdStart, type ColdStartResult } from './figures/cold-start';
import { costOf, durationsOf, lambdaMemoryMb, readPrices, type CostResult, type PriceTable } from './figures/cost';
import { runEndToEnd, type EndToEndResult, type MixRun } from './figures/e2e';
import { runMemory, type MemoryResult } from './figures/memory';
import { runReplay, type ReplayResult } from './figures/replay';
import { runStorm, type StormResult } from './figures/storm';
import { startFakePagerduty } from './lib/fake-pagerduty';
import { startBenchLocalMode } from './lib/local-mode';
import { machine } from './lib/machine';
import { costTables, renderTable } from './lib/table';
import { coldRows, costRows, e2eRows, memoryRows, replayRows, stormRows } from './rows';

const quick = process.env.BENCH_QUICK === '1';
const only = new Set((process.env.BENCH_ONLY ?? 'cold,e2e,storm,memory,replay').split(','));
const settings = {
  quick,
  e2e: { notifications: quick ? 50 : 500, concurrency: 8, openLoopMs: quick ? 3_000 : 20_000, resendOpenLoopMs: quick ? 2_000 : 10_000 },
  coldRuns: Number(process.env.BENCH_COLD_RUNS ?? (quick ? 2 : 21)),
  stormAlerts: Number(process.env.BENCH_STORM_ALERTS ?? (quick ? 1_000 : 10_000)),
  replayHours: quick ? 2 : 24,
  memory: { warmupMs: quick ? 2_000 : 10_000, durationMs: Number(process.env.BENCH_SOAK_SECONDS ?? (quick ? 5 : 60)) * 1000, notificationsPerSecond: 5 },
};

const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);

/** The cost and the bus events of one mix: counts from its closed loop, durations from its open loop. */
function mixFigures(mix: string, closed: MixRun, open: MixRun, prices: PriceTable): { cost: CostResult; events: BusEventsResult } {
  return {
    cost: costOf({ mix, counts: closed.counts, deliveries: closed.deliveries, durations: durationsOf(open.counts), prices, memoryMb: lambdaMemoryMb() }),
    events: busEventsOf(mix, closed.counts, closed.deliveries),
  };
}

async function main() {
  const started = new Date();
  const prices = readPrices();
  const pagerduty = await startFakePagerduty();
  let cold: ColdStartResult | undefined;
  let e2e: EndToEndResult | undefined;
  let mixes: { bench: ReturnType<typeof mixFigures>; resend: ReturnType<typeof mixFigures> } | undefined;
  let storm: StormResult | undefined;
  let memory: MemoryResult | undefined;
  let replay: ReplayResult | undefined;
  try {
    if (only.has('cold')) cold = await runColdStart(settings.coldRuns, pagerduty, progress);

    if (only.has('e2e')) {
      const mode = await startBenchLocalMode({ pagerdutyUrl: pagerduty.url });
      try {
        e2e = await runEndToEnd(mode, settings.e2e, progress);
        mixes = { bench: mixFigures('bench mix', e2e.benchMix, e2e.benchMixOpen, prices), resend: mixFigures('re-send mix', e2e.resendMix, e2e.resendMixOpen, prices) };
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
    if (only.has('replay')) replay = await runReplay({ hours: settings.replayHours });
  } finally {
    await pagerduty.close();
  }

  const rows = [
    ...(mixes ? costRows(mixes.bench, mixes.resend) : []),
    ...(storm ? stormRows(storm) : []),
    ...(e2e ? e2eRows(e2e) : []),
    ...(cold ? coldRows(cold) : []),
    ...(memory ? memoryRows(memory) : []),
    ...(replay ? replayRows(replay) : []),
  ];
  process.stdout.write(`\n${renderTable(rows)}\n`);
  if (mixes) process.stdout.write(`\n${costTables([mixes.bench.cost, mixes.resend.cost])}\n`);
  const results = {
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: machine(),
    settings,
    table: rows,
    prices,
    cost: mixes && { benchMix: mixes.bench.cost, resendMix: mixes.resend.cost },
    busEvents: mixes && { benchMix: mixes.bench.events, resendMix: mixes.resend.events },
    endToEnd: e2e && { ...e2e, benchMix: undefined, resendMix: undefined, benchMixOpen: undefined, resendMixOpen: undefined },
    counts: e2e && { benchMix: e2e.benchMix, resendMix: e2e.resendMix, benchMixOpen: e2e.benchMixOpen, resendMixOpen: e2e.resendMixOpen },
    coldStart: cold,
    storm,
    memory,
    replay,
  };
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
