import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ProbeCounts, QueueName, Stage } from '../lib/probe';
import { QUEUES, STAGES } from '../lib/probe';
import { round } from '../lib/stats';

const PRICES_PATH = fileURLToPath(new URL('../prices.json', import.meta.url));
const FUNCTION_PATH = fileURLToPath(new URL('../../lib/alertscale-function.ts', import.meta.url));

/** START, END and REPORT lines Lambda writes per invocation, with CloudWatch's per-event overhead. */
const PLATFORM_LOG_BYTES = 350;
/** Lambda active tracing with the default sampling rule: the first request each second, then 5%. At volume, about 5%. */
const XRAY_SAMPLED = 0.05;
const GB = 2 ** 30;

/** One price of bench/prices.json, with where it was checked. */
export interface Price {
  readonly usd: number;
  readonly unit: string;
  readonly asOf: string;
  readonly status: string;
  readonly sources: readonly string[];
}

/** bench/prices.json: one price per billed unit, with the date it was checked and how. */
export interface PriceTable {
  readonly region: string;
  readonly checked: string;
  readonly basis: string;
  readonly prices: Record<
    | 'apiGatewayHttpApiPerRequest'
    | 'lambdaPerRequest'
    | 'lambdaArm64PerGbSecond'
    | 'eventBridgeCustomEventPer64KbChunk'
    | 'eventBridgeArchivePerGbProcessed'
    | 'sqsStandardPerRequest'
    | 'sqsFifoPerRequest'
    | 'dynamoDbOnDemandPerWriteRequestUnit'
    | 'dynamoDbOnDemandPerReadRequestUnit'
    | 'cloudWatchLogsPerGbIngested'
    | 'xRayPerTraceRecorded',
    Price
  >;
}

/** The price table, read once per run. */
export const readPrices = (): PriceTable => JSON.parse(readFileSync(PRICES_PATH, 'utf8')) as PriceTable;

/** The stack's default Lambda memory (lib/alertscale-function.ts), which every function uses. */
export const lambdaMemoryMb = (): number => Number(/memorySize \?\? (\d+)/.exec(readFileSync(FUNCTION_PATH, 'utf8'))?.[1] ?? 256);

/** How long each stage's work takes per unit, from an open-loop run of the same mix (the machine not saturated). */
export interface StageDurations {
  /** ms per ingest request. */
  readonly ingestMs: number;
  /** ms per SQS record, per queue. */
  readonly msPerRecord: Readonly<Record<QueueName, number>>;
}

/** Durations from a probe's counts: busy wall time over requests and records. */
export function durationsOf(counts: ProbeCounts): StageDurations {
  const perRecord = (name: QueueName) => (counts.queues[name].records ? counts.queues[name].busyMs / counts.queues[name].records : 0);
  return {
    ingestMs: counts.ingest.requests ? counts.ingest.busyMs / counts.ingest.requests : 0,
    msPerRecord: { 'alertscale-alerts': perRecord('alertscale-alerts'), 'alertscale-scale.fifo': perRecord('alertscale-scale.fifo'), 'alertscale-notify': perRecord('alertscale-notify') },
  };
}

/** One line of a mix's cost: a billed unit, how many per delivery, and what a million deliveries pay for it. */
export interface CostLine {
  readonly item: string;
  /** Units per alert delivery. */
  readonly perDelivery: number;
  readonly unit: string;
  readonly usdPerMillionDeliveries: number;
}

/** What a mix of deliveries costs, line by line and by stage, with the calls behind it. */
export interface CostResult {
  readonly mix: string;
  readonly deliveries: number;
  readonly lines: readonly CostLine[];
  readonly totalUsdPerMillionDeliveries: number;
  /** The same total split by the Lambda function whose work causes it (SQS by the queue's consumer, PutEvents by the publisher). */
  readonly byStageUsdPerMillionDeliveries: Readonly<Record<Exclude<Stage, 'other'>, number>>;
  /** The largest lines, largest first, as `item (share)`. */
  readonly dominant: readonly string[];
  /** Calls per delivery, by stage: Lambda invocations, DynamoDB operations, PutEvents. */
  readonly callsPerDelivery: Record<string, Partial<Record<Stage, number>>>;
  readonly invocations: Readonly<Record<Exclude<Stage, 'other'>, number>>;
  /** Billed ms per invocation, by stage. */
  readonly billedMsPerInvocation: Readonly<Record<Exclude<Stage, 'other'>, number>>;
  /** Dynamo units by item kind, per delivery. */
  readonly dynamoByKind: Record<string, { rru: number; wru: number }>;
  readonly lambdaMemoryMb: number;
  /** What 10 ms more per invocation (a slower CPU at 256 MB, real network) would add, $ per million deliveries. */
  readonly plus10msPerInvocationUsd: number;
}

type RealStage = Exclude<Stage, 'other'>;
const QUEUE_OF: Record<Exclude<RealStage, 'ingest'>, QueueName> = { router: 'alertscale-alerts', scaler: 'alertscale-scale.fifo', notifier: 'alertscale-notify' };

function invocationsOf(counts: ProbeCounts): Record<RealStage, number> {
  return { ingest: counts.ingest.requests, router: counts.queues['alertscale-alerts'].batches, scaler: counts.queues['alertscale-scale.fifo'].batches, notifier: counts.queues['alertscale-notify'].batches };
}

/** Lambda bills each invocation's duration rounded up to 1 ms. */
function billedMs(counts: ProbeCounts, durations: StageDurations): Record<RealStage, number> {
  const queueMs = (stage: Exclude<RealStage, 'ingest'>) => {
    const q = counts.queues[QUEUE_OF[stage]];
    return q.batches ? Math.ceil((durations.msPerRecord[QUEUE_OF[stage]] * q.records) / q.batches) : 0;
  };
  return { ingest: Math.ceil(durations.ingestMs), router: queueMs('router'), scaler: queueMs('scaler'), notifier: queueMs('notifier') };
}

/** SQS requests of one queue: each message sent by EventBridge's target, one ReceiveMessage per 64 KB of each batch, one DeleteMessageBatch per batch. */
const sqsRequests = (counts: ProbeCounts, name: QueueName) => counts.queues[name].sendChunks + counts.queues[name].receiveChunks + counts.queues[name].batches;

/** Log bytes one stage writes on AWS: its INFO+ lines, its metrics' EMF lines, Lambda's own lines per invocation. */
const logBytes = (counts: ProbeCounts, stage: RealStage, invocations: number) =>
  (counts.logs[stage]?.bytes ?? 0) + counts.stages[stage].emf.bytes + invocations * PLATFORM_LOG_BYTES;

/**
 * What a mix of alert deliveries costs on AWS at list prices, per million
 * deliveries, from what local mode did for it: requests, invocations and
 * GB-s per stage, PutEvents chunks, SQS requests (send, receive, delete; FIFO
 * priced as FIFO), DynamoDB units as the meter priced every call, log bytes
 * at INFO, sampled traces. Long polling's empty receives cost the same at any
 * rate, so they are not per delivery and are left out.
 */
export function costOf(input: { readonly mix: string; readonly counts: ProbeCounts; readonly deliveries: number; readonly durations: StageDurations; readonly prices: PriceTable; readonly memoryMb: number }): CostResult {
  const { counts, deliveries, durations, memoryMb } = input;
  const p = input.prices.prices;
  const per = (n: number) => n / deliveries;
  const invocations = invocationsOf(counts);
  const billed = billedMs(counts, durations);
  const gbSeconds = (stage: RealStage) => (invocations[stage] * billed[stage] * memoryMb) / 1024 / 1000;
  const sum = (f: (stage: RealStage) => number) => STAGES.reduce((total, stage) => total + f(stage), 0);
  const standard = sqsRequests(counts, 'alertscale-alerts') + sqsRequests(counts, 'alertscale-notify');
  const fifo = sqsRequests(counts, 'alertscale-scale.fifo');
  const dynamo = (stage: RealStage) => counts.stages[stage].dynamo;

  const usd = {
    api: (stage: RealStage) => (stage === 'ingest' ? counts.ingest.requests * p.apiGatewayHttpApiPerRequest.usd : 0),
    invocations: (stage: RealStage) => invocations[stage] * p.lambdaPerRequest.usd,
    duration: (stage: RealStage) => gbSeconds(stage) * p.lambdaArm64PerGbSecond.usd,
    events: (stage: RealStage) => counts.stages[stage].bus.chunks * p.eventBridgeCustomEventPer64KbChunk.usd,
    sqs: (stage: RealStage) => (stage === 'ingest' ? 0 : sqsRequests(counts, QUEUE_OF[stage]) * (QUEUES[QUEUE_OF[stage]].fifo ? p.sqsFifoPerRequest.usd : p.sqsStandardPerRequest.usd)),
    writes: (stage: RealStage) => (dynamo(stage).wru + dynamo(stage).gsiWru) * p.dynamoDbOnDemandPerWriteRequestUnit.usd,
    reads: (stage: RealStage) => dynamo(stage).rru * p.dynamoDbOnDemandPerReadRequestUnit.usd,
    logs: (stage: RealStage) => (logBytes(counts, stage, invocations[stage]) / GB) * p.cloudWatchLogsPerGbIngested.usd,
    traces: (stage: RealStage) => invocations[stage] * XRAY_SAMPLED * p.xRayPerTraceRecorded.usd,
  };
  const archiveUsd = (counts.archiveBytes / GB) * p.eventBridgeArchivePerGbProcessed.usd;
  const million = (dollars: number) => round(per(dollars) * 1e6, 4);
  const line = (item: string, quantity: number, unit: string, dollars: number): CostLine => ({ item, perDelivery: round(per(quantity), 5), unit, usdPerMillionDeliveries: million(dollars) });

  const lines: CostLine[] = [
    line('API Gateway HTTP API requests', counts.ingest.requests, 'requests', sum(usd.api)),
    line('Lambda invocations', sum((s) => invocations[s]), 'invocations', sum(usd.invocations)),
    line(`Lambda duration (${memoryMb} MB arm64)`, sum(gbSeconds) * 1000, 'GB-ms', sum(usd.duration)),
    line('EventBridge events put (64 KB chunks)', sum((s) => counts.stages[s].bus.chunks), 'events', sum(usd.events)),
    line('EventBridge archive (processed)', counts.archiveBytes / 1024, 'KB', archiveUsd),
    line('SQS standard requests', standard, 'requests', standard * p.sqsStandardPerRequest.usd),
    line('SQS FIFO requests', fifo, 'requests', fifo * p.sqsFifoPerRequest.usd),
    line('DynamoDB write request units (table + index)', sum((s) => dynamo(s).wru + dynamo(s).gsiWru), 'WRU', sum(usd.writes)),
    line('DynamoDB read request units', sum((s) => dynamo(s).rru), 'RRU', sum(usd.reads)),
    line('CloudWatch Logs ingested (INFO)', sum((s) => logBytes(counts, s, invocations[s])) / 1024, 'KB', sum(usd.logs)),
    line('X-Ray traces recorded (5% sampled)', sum((s) => invocations[s]) * XRAY_SAMPLED, 'traces', sum(usd.traces)),
  ];
  const total = round(lines.reduce((t, l) => t + l.usdPerMillionDeliveries, 0), 3);
  const stageUsd = (stage: RealStage) => Object.values(usd).reduce((t, f) => t + f(stage), 0) + (stage === 'ingest' ? archiveUsd : 0);
  const dynamoByKind: Record<string, { rru: number; wru: number }> = {};
  for (const stage of STAGES) {
    for (const [kind, units] of Object.entries(dynamo(stage).byKind)) {
      const k = (dynamoByKind[kind] ??= { rru: 0, wru: 0 });
      k.rru += per(units.rru);
      k.wru += per(units.wru);
    }
  }
  return {
    mix: input.mix,
    deliveries,
    lines,
    totalUsdPerMillionDeliveries: total,
    byStageUsdPerMillionDeliveries: { ingest: million(stageUsd('ingest')), router: million(stageUsd('router')), scaler: million(stageUsd('scaler')), notifier: million(stageUsd('notifier')) },
    dominant: [...lines].sort((a, b) => b.usdPerMillionDeliveries - a.usdPerMillionDeliveries).slice(0, 3).map((l) => `${l.item} ${Math.round((100 * l.usdPerMillionDeliveries) / (total || 1))}%`),
    callsPerDelivery: callsPerDelivery(counts, per),
    invocations,
    billedMsPerInvocation: billed,
    dynamoByKind: Object.fromEntries(Object.entries(dynamoByKind).map(([k, v]) => [k, { rru: round(v.rru, 4), wru: round(v.wru, 4) }])),
    lambdaMemoryMb: memoryMb,
    plus10msPerInvocationUsd: million(sum((s) => invocations[s]) * 0.01 * (memoryMb / 1024) * p.lambdaArm64PerGbSecond.usd),
  };
}

function callsPerDelivery(counts: ProbeCounts, per: (n: number) => number): Record<string, Partial<Record<Stage, number>>> {
  const calls: Record<string, Partial<Record<Stage, number>>> = {};
  const add = (name: string, stage: Stage, n: number) => {
    if (n) (calls[name] ??= {})[stage] = round(per(n), 4);
  };
  for (const stage of STAGES) {
    for (const [operation, n] of Object.entries(counts.stages[stage].dynamo.calls)) add(`DynamoDB ${operation}`, stage, n);
    add('EventBridge PutEvents', stage, counts.stages[stage].bus.calls);
    add('EventBridge entries', stage, counts.stages[stage].bus.entries);
  }
  add('Lambda invocations', 'ingest', counts.ingest.requests);
  for (const [name, spec] of Object.entries(QUEUES)) {
    const q = counts.queues[name as QueueName];
    add(`SQS ${name}: SendMessage`, spec.stage, q.sendChunks);
    add(`SQS ${name}: ReceiveMessage + DeleteMessageBatch`, spec.stage, q.receiveChunks + q.batches);
    add('Lambda invocations', spec.stage, q.batches);
  }
  return calls;
}
