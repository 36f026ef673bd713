import type { BusEventsResult } from './figures/bus-events';
import type { ColdStartResult } from './figures/cold-start';
import type { CostResult } from './figures/cost';
import type { EndToEndResult } from './figures/e2e';
import type { MemoryResult } from './figures/memory';
import { REPLAY_TARGET, type ReplayResult } from './figures/replay';
import type { StormResult } from './figures/storm';
import type { Row } from './lib/table';

/** The table's rows, figure by figure, each beside its target (the performance targets this project holds itself to). */

const COST_TARGET = { bench: 1.5, resend: 0.5 } as const;
const kb = (bytes: number) => `${Math.round(bytes / 1024)} KB`;
const usd = (n: number) => `$${n.toFixed(2)}`;
const num = (n: number) => n.toLocaleString('en-US');

function costRow(mix: { cost: CostResult }, target: number): Row {
  const { cost } = mix;
  const total = cost.totalUsdPerMillionDeliveries;
  return {
    figure: `cost per million alert deliveries, ${cost.mix}`,
    measured: `${usd(total)} (most: ${cost.dominant.join(', ')})`,
    target: `≤ ${usd(target)}`,
    met: total <= target,
    by: `+${usd(total - target)}`,
  };
}

function eventsRow(events: BusEventsResult): Row {
  return {
    figure: `bus events per delivery, ${events.mix}`,
    measured: `${events.perDelivery} (${num(events.events)} events / ${num(events.deliveries)} deliveries)`,
    target: `≤ 0.1 + ${events.newShare} new = ${events.target}`,
    met: events.perDelivery <= events.target + 1e-9,
    by: `+${Math.round((events.perDelivery - events.target) * 1000) / 1000}`,
  };
}

function byTypeRow(events: BusEventsResult): Row {
  const types = Object.entries(events.perDeliveryByDetailType).sort((a, b) => b[1] - a[1]).map(([type, n]) => `${type} ${n}`).join(', ');
  return { figure: `  events per delivery by detail-type, ${events.mix}`, measured: types, target: '(breakdown)' };
}

/** Cost and bus events of the bench mix (all new) and the re-send mix (nothing new). */
export function costRows(bench: { cost: CostResult; events: BusEventsResult }, resend: { cost: CostResult; events: BusEventsResult }): Row[] {
  const duplicateEvents = bench.events.alertDecidedBeyondNew + resend.events.alertDecidedBeyondNew;
  return [
    costRow(bench, COST_TARGET.bench),
    costRow(resend, COST_TARGET.resend),
    eventsRow(bench.events),
    byTypeRow(bench.events),
    eventsRow(resend.events),
    byTypeRow(resend.events),
    { figure: 'Alert Decided events beyond one per new decision (a duplicate\'s)', measured: String(duplicateEvents), target: '0', met: duplicateEvents === 0 },
  ];
}

/** The storm: nothing lost, no extra action, requests coalesced, one outcome each, every page sent. */
export function stormRows(storm: StormResult): Row[] {
  const r = storm.requests;
  return [
    { figure: `storm: ${num(storm.alerts)} alerts × 2 replicas, wall time`, measured: `${(storm.wallMs / 1000).toFixed(1)} s`, target: '(no target)' },
    { figure: 'storm: occurrences lost / dead letters / actions left requested', measured: `${storm.decisions.lost} of ${num(storm.decisions.expected)} / ${storm.deadLetters} / ${storm.decisions.unfinishedActions}`, target: '0 / 0 / 0', met: storm.decisions.lost === 0 && storm.deadLetters === 0 && storm.decisions.unfinishedActions === 0 && storm.non2xx === 0 },
    { figure: 'storm: scaling actions taken / allowed', measured: `${storm.scaling.taken} / ${storm.scaling.allowed}`, target: '0 extra', met: storm.scaling.extra === 0, by: `${storm.scaling.extra} extra` },
    { figure: 'storm: Scale Requested events', measured: `${num(r.scaleRequested)} (${r.routerBatches} router batches)`, target: `≤ ${r.nodeGroups} node groups × ${r.routerBatches} batches = ${num(r.allowedScaleRequested)}`, met: r.scaleRequested <= r.allowedScaleRequested },
    { figure: 'storm: Scaling Action events / Scale Requested', measured: `${num(r.scalingActions)} / ${num(r.scaleRequested)}`, target: 'equal', met: r.scalingActions === r.scaleRequested },
    { figure: 'storm: pages sent / expected', measured: `${num(storm.pages.sent)} / ${num(storm.pages.expected)}`, target: 'equal', met: storm.pages.sent === storm.pages.expected },
  ];
}

/** The open loop's router invocations: mean wall time per batch, and records per batch. */
function routerBatch(e2e: EndToEndResult): string {
  const q = e2e.benchMixOpen.counts.queues['alertscale-alerts'];
  return q.batches ? `mean ${Math.round((q.busyMs / q.batches) * 10) / 10} ms per batch of ${Math.round((q.records / q.batches) * 10) / 10} records` : 'none';
}

/** Local mode: acceptance beside the bare server, latency at 100 alerts/s and where it goes, failures. */
export function e2eRows(e2e: EndToEndResult): Row[] {
  const a = e2e.acceptance;
  const p99 = e2e.openLoop.webhookToDecisionMs.p99;
  return [
    { figure: 'ceiling: bare Node server parsing the same JSON', measured: `${num(Math.round(e2e.ceiling.alertsPerSecond))} alerts/s (${num(Math.round(e2e.ceiling.requestsPerSecond))} req/s), median of 6 runs from ${num(Math.round(Math.min(...e2e.ceiling.runs)))} to ${num(Math.round(Math.max(...e2e.ceiling.runs)))}`, target: 'baseline' },
    { figure: 'local mode: webhook acceptance', measured: `${num(Math.round(a.alertsPerSecond))} alerts/s: ${a.ratioToCeiling}× the ceiling`, target: '≥ 0.25× (v1: 0.085×)', met: a.ratioToCeiling >= 0.25, by: `${Math.round((0.25 - a.ratioToCeiling) * 1000) / 1000}×` },
    { figure: 'local mode: alert deliveries through to a decision', measured: `${num(Math.round(a.deliveriesToDecisionPerSecond))} deliveries/s`, target: '(no target)' },
    { figure: 'local mode: webhook → decision at 100 alerts/s', measured: `p50 ${e2e.openLoop.webhookToDecisionMs.p50} ms, p99 ${p99} ms`, target: 'p99 ≤ 25 ms', met: p99 <= 25, by: `+${Math.round((p99 - 25) * 10) / 10} ms` },
    { figure: '  of which webhook → 2xx (HTTP + ingest), per replica', measured: `p50 ${e2e.openLoop.webhookTo2xxMs.p50} ms, p99 ${e2e.openLoop.webhookTo2xxMs.p99} ms`, target: '(breakdown)' },
    { figure: '  and a router invocation (read, create, publish)', measured: routerBatch(e2e), target: '(breakdown)' },
    { figure: 'local mode: webhook → scaling call at 100 alerts/s', measured: `p50 ${e2e.openLoop.webhookToScalingMs.p50} ms, p99 ${e2e.openLoop.webhookToScalingMs.p99} ms`, target: '(no target)' },
    { figure: 'local mode: non-2xx answers / dead letters', measured: `${e2e.acceptanceNon2xx + e2e.benchMix.non2xx + e2e.resendMix.non2xx + e2e.openLoop.non2xx} / ${e2e.deadLetters}`, target: '0 / 0', met: e2e.acceptanceNon2xx + e2e.benchMix.non2xx + e2e.resendMix.non2xx + e2e.openLoop.non2xx === 0 && e2e.deadLetters === 0 },
  ];
}

/** Each function's bundle size and cold load + first call beside its SDK-only twin, and the empty handler. */
export function coldRows(cold: ColdStartResult): Row[] {
  const rows: Row[] = cold.rows.flatMap((r): Row[] => [
    { figure: `cold start ${r.function}: bundle`, measured: kb(r.bundleBytes), target: `≤ 400 KB (SDK only: ${kb(r.sdkOnlyBundleBytes)})`, met: r.bundleBytes <= 400 * 1024, by: kb(r.bundleBytes - 400 * 1024) },
    {
      figure: `cold start ${r.function}: load + first call`,
      measured: `${r.loadAndFirstCallMs} ms = ${r.loadMs} + ${r.firstCallMs} (SDK only ${r.sdkOnlyLoadMs} + ${r.sdkOnlyFirstCallMs})`,
      target: `≤ 1.15× SDK only (${r.sdkOnlyLoadAndFirstCallMs} ms): ${r.ratio}× (paired ${r.pairedRatio}×)`,
      met: r.ratio <= 1.15,
      by: `${Math.round((r.ratio - 1.15) * 100) / 100}×`,
    },
  ]);
  rows.push({ figure: 'cold start: empty handler', measured: `${cold.empty.loadAndFirstCallMs} ms (process ${cold.empty.processMs} ms)`, target: 'floor' });
  if (cold.errors.length > 0) rows.push({ figure: 'cold start: failed first calls', measured: String(cold.errors.length), target: '0', met: false });
  return rows;
}

/** The soak's heap growth. */
export function memoryRows(memory: MemoryResult): Row[] {
  return [
    {
      figure: `memory: heap after ${memory.durationMs / 1000}s at ${memory.alertsPerSecond} alerts/s`,
      measured: `${memory.heapAfterWarmupMb} → ${memory.heapAtEndMb} MB (${memory.growthMb >= 0 ? '+' : ''}${memory.growthMb} MB, ${memory.growthPercent}%)`,
      target: 'flat (≤ 10% growth)',
      met: memory.growthPercent <= 10,
      by: `${Math.round((memory.growthPercent - 10) * 10) / 10} points`,
    },
  ];
}

/** Replay's throughput and its day of history, each beside its target. */
export function replayRows(replay: ReplayResult): Row[] {
  const day = replay.hours === 24 ? `${replay.seconds} s` : `${replay.daySeconds} s (${replay.hours} h measured: ${replay.seconds} s)`;
  return [
    {
      figure: 'replay: deliveries/s of recorded history',
      measured: `${num(replay.deliveriesPerSecond)}/s (${num(replay.deliveries)} deliveries in ${num(replay.webhooks)} webhooks, ${replay.actions} scaling actions, ${replay.pages} pages)`,
      target: `≥ ${num(REPLAY_TARGET.deliveriesPerSecond)}/s`,
      met: replay.deliveriesPerSecond >= REPLAY_TARGET.deliveriesPerSecond,
      by: `${num(REPLAY_TARGET.deliveriesPerSecond - replay.deliveriesPerSecond)}/s`,
    },
    {
      figure: "replay: 24 h of a busy fleet's history",
      measured: day,
      target: `< ${REPLAY_TARGET.dayOfHistorySeconds} s`,
      met: replay.daySeconds < REPLAY_TARGET.dayOfHistorySeconds,
      by: `${Math.round((replay.daySeconds - REPLAY_TARGET.dayOfHistorySeconds) * 10) / 10} s`,
    },
  ];
}
