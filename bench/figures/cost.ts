import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GetItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ProbeCounts, Stage } from '../lib/probe';
import { round } from '../lib/stats';

const PRICES_PATH = fileURLToPath(new URL('../prices.json', import.meta.url));
const FUNCTION_PATH = fileURLToPath(new URL('../../lib/alertscale-function.ts', import.meta.url));

/** The Lambda batch size of every SQS event source in the stack (lib/constructs: batchSize 10). */
const AWS_BATCH_SIZE = 10;
/** START, END and REPORT lines Lambda writes per invocation. */
const PLATFORM_LOG_BYTES = 350;
/** Lambda active tracing with the default sampling rule: 1 request/s, then 5%. At volume, about 5%. */
const XRAY_SAMPLED = 0.05;

type Prices = Record<string, number | string> & {
  apiGatewayHttpApiPerMillionRequests: number;
  lambdaPerMillionRequests: number;
  lambdaArm64PerGbSecond: number;
  eventBridgeCustomEventsPerMillion: number;
  eventBridgeArchivePerGbProcessed: number;
  sqsStandardPerMillionRequests: number;
  sqsFifoPerMillionRequests: number;
  dynamoDbOnDemandPerMillionWriteRequestUnits: number;
  dynamoDbOnDemandPerMillionReadRequestUnits: number;
  cloudWatchLogsIngestionPerGb: number;
  xRayPerMillionTracesRecorded: number;
};

/** DynamoDB's item size: attribute names plus values (strings by UTF-8 bytes, numbers ~1 byte per 2 digits + 1, 3 bytes per map/list). */
export function dynamoItemSize(item: Record<string, AttributeValue>): number {
  const value = (v: AttributeValue): number => {
    if (v.S !== undefined) return Buffer.byteLength(v.S);
    if (v.N !== undefined) return Math.ceil(v.N.replace(/[-.]/g, '').length / 2) + 1;
    if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
    if (v.B !== undefined) return v.B.byteLength;
    if (v.M !== undefined) return 3 + Object.entries(v.M).reduce((sum, [k, x]) => sum + Buffer.byteLength(k) + value(x) + 1, 0);
    if (v.L !== undefined) return 3 + v.L.reduce((sum, x) => sum + value(x) + 1, 0);
    if (v.SS !== undefined) return v.SS.reduce((sum, s) => sum + Buffer.byteLength(s), 0);
    if (v.NS !== undefined) return v.NS.reduce((sum, n) => sum + Math.ceil(n.length / 2) + 1, 0);
    return 0;
  };
  return Object.entries(item).reduce((sum, [name, v]) => sum + Buffer.byteLength(name) + value(v), 0);
}

const kindOf = (pk: string) => pk.split('#')[0] ?? pk;

/** Average item size per key kind (`decision`, `delivery`, the node-group state), from up to 100 stored items of each. */
async function itemSizes(client: DynamoDBClient, tableName: string, counts: ProbeCounts): Promise<Record<string, number>> {
  const byKind = new Map<string, string[]>();
  for (const pk of [...counts.writtenKeys.keys(), ...counts.readKeys.keys()]) {
    const keys = byKind.get(kindOf(pk)) ?? [];
    if (keys.length < 100 && !keys.includes(pk)) keys.push(pk);
    byKind.set(kindOf(pk), keys);
  }
  const sizes: Record<string, number> = {};
  for (const [kind, keys] of byKind) {
    const found: number[] = [];
    for (const pk of keys) {
      const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: pk } } }));
      if (Item) found.push(dynamoItemSize(Item));
    }
    sizes[kind] = found.length ? found.reduce((a, b) => a + b, 0) / found.length : 1024;
  }
  return sizes;
}

export interface CostLine {
  readonly item: string;
  readonly perAlert: number;
  readonly unit: string;
  readonly usdPerMillionAlerts: number;
}

export interface CostResult {
  readonly prices: Prices;
  readonly lambdaMemoryMb: number;
  /** AWS calls per alert occurrence (both replicas' deliveries of it included), by `service:operation` and stage. */
  readonly callsPerAlert: Record<string, Partial<Record<Stage, number>>>;
  readonly dynamoWritesPerNewOccurrence: { router: number; routerPerDelivery: number; allStages: number };
  readonly putEventsPerAlertAtIngest: number;
  readonly itemSizes: Record<string, number>;
  readonly lines: CostLine[];
  readonly totalUsdPerMillionAlerts: number;
  /** What 10 ms more per invocation (slower CPU at 256 MB, real network) would add. */
  readonly plus10msPerInvocationUsd: number;
}

/**
 * Figure 3: AWS calls per alert and what a million alerts cost at list prices.
 * Counts come from the closed-loop run (both replicas, batches as they form
 * under load); Lambda durations from the open-loop run at 100 alerts/s.
 */
export async function costModel(input: {
  readonly closed: ProbeCounts;
  readonly open: ProbeCounts;
  readonly occurrences: number;
  readonly logBytes: number;
  readonly client: DynamoDBClient;
  readonly tableName: string;
}): Promise<CostResult> {
  const prices = JSON.parse(readFileSync(PRICES_PATH, 'utf8')) as Prices;
  const memoryMb = Number(/memorySize \?\? (\d+)/.exec(readFileSync(FUNCTION_PATH, 'utf8'))?.[1] ?? 256);
  const { closed, open, occurrences } = input;
  const per = (n: number) => n / occurrences;
  const perMillion = (n: number) => round(n * 1e6, 4);

  const callsPerAlert: Record<string, Partial<Record<Stage, number>>> = {};
  for (const [operation, byStage] of Object.entries(closed.sdk)) {
    callsPerAlert[operation] = Object.fromEntries(Object.entries(byStage).map(([stage, n]) => [stage, round(per(n!), 3)]));
  }
  for (const [stage, stats] of Object.entries(closed.bus)) {
    (callsPerAlert['EventBridge:PutEvents'] ??= {})[stage as Stage] = round(per(stats!.calls), 3);
  }

  // SQS, as Lambda's event source drives it: one SendMessage per event (EventBridge's target), one ReceiveMessage and one DeleteMessageBatch per batch.
  const queue = (name: string) => closed.queues[name] ?? { batches: 0, records: 0, busyMs: 0, chunks: 0 };
  const awsBatches = (name: string) => {
    const q = queue(name);
    if (q.records === 0) return 0;
    return q.records / Math.min(AWS_BATCH_SIZE, q.records / q.batches);
  };
  const sqsRequests = (name: string) => queue(name).chunks + 2 * awsBatches(name);
  const standardRequests = sqsRequests('alertscale-alerts') + sqsRequests('alertscale-notify');
  const fifoRequests = sqsRequests('alertscale-scale.fifo');
  callsPerAlert['SQS:SendMessage (by EventBridge)'] = { other: round(per(queue('alertscale-alerts').records + queue('alertscale-notify').records + queue('alertscale-scale.fifo').records), 3) };
  callsPerAlert['SQS:ReceiveMessage + DeleteMessageBatch'] = { other: round(per(2 * (awsBatches('alertscale-alerts') + awsBatches('alertscale-notify') + awsBatches('alertscale-scale.fifo'))), 3) };

  // Lambda: ingest once per webhook request; each consumer once per AWS batch. Duration: the open-loop run's time per record, times records.
  const msPerRecord = (name: string) => {
    const q = open.queues[name];
    return q && q.records ? q.busyMs / q.records : 0;
  };
  const invocations = closed.ingest.requests + awsBatches('alertscale-alerts') + awsBatches('alertscale-scale.fifo') + awsBatches('alertscale-notify');
  const ingestMs = open.ingest.requests ? open.ingest.busyMs / open.ingest.requests : 0;
  const billedMs =
    closed.ingest.requests * Math.max(1, ingestMs) +
    ['alertscale-alerts', 'alertscale-scale.fifo', 'alertscale-notify'].reduce((sum, name) => sum + queue(name).records * msPerRecord(name), 0);
  const gbSeconds = (billedMs / 1000) * (memoryMb / 1024);

  // DynamoDB: each write costs ceil(item size / 1 KB) WRU; each consistent read ceil(size / 4 KB) RRU.
  const sizes = await itemSizes(input.client, input.tableName, closed);
  const unitsOf = (keys: Map<string, number>, unitBytes: number) =>
    [...keys].reduce((sum, [pk, n]) => sum + n * Math.max(1, Math.ceil((sizes[kindOf(pk)] ?? 1024) / unitBytes)), 0);
  const wru = unitsOf(closed.writtenKeys, 1024);
  const rru = unitsOf(closed.readKeys, 4096);

  const busEntries = Object.values(closed.bus).reduce((sum, s) => sum + s!.chunks, 0);
  const busBytes = Object.values(closed.bus).reduce((sum, s) => sum + s!.bytes, 0);
  const logBytes = input.logBytes + invocations * PLATFORM_LOG_BYTES;

  const line = (item: string, quantity: number, unit: string, usdPerUnit: number): CostLine => ({
    item,
    perAlert: round(per(quantity), 4),
    unit,
    usdPerMillionAlerts: round(per(quantity) * usdPerUnit * 1e6, 4),
  });
  const lines = [
    line('API Gateway HTTP API requests', closed.ingest.requests, 'requests', prices.apiGatewayHttpApiPerMillionRequests / 1e6),
    line('Lambda requests', invocations, 'invocations', prices.lambdaPerMillionRequests / 1e6),
    line(`Lambda duration (${memoryMb} MB arm64)`, gbSeconds, 'GB-s', prices.lambdaArm64PerGbSecond),
    line('EventBridge custom events (64 KB chunks)', busEntries, 'events', prices.eventBridgeCustomEventsPerMillion / 1e6),
    line('EventBridge archive (processed)', busBytes / 2 ** 30, 'GB', prices.eventBridgeArchivePerGbProcessed),
    line('SQS standard requests', standardRequests, 'requests', prices.sqsStandardPerMillionRequests / 1e6),
    line('SQS FIFO requests', fifoRequests, 'requests', prices.sqsFifoPerMillionRequests / 1e6),
    line('DynamoDB on-demand writes', wru, 'WRU', prices.dynamoDbOnDemandPerMillionWriteRequestUnits / 1e6),
    line('DynamoDB on-demand reads', rru, 'RRU', prices.dynamoDbOnDemandPerMillionReadRequestUnits / 1e6),
    line('CloudWatch Logs ingestion', logBytes / 2 ** 30, 'GB', prices.cloudWatchLogsIngestionPerGb),
    line('X-Ray traces (5% sampled)', invocations * XRAY_SAMPLED, 'traces', prices.xRayPerMillionTracesRecorded / 1e6),
  ];
  const writes = (stage?: Stage) =>
    Object.entries(closed.sdk)
      .filter(([operation]) => /^DynamoDB:(Put|Update|Delete)Item$/.test(operation))
      .reduce((sum, [, byStage]) => sum + (stage ? (byStage[stage] ?? 0) : Object.values(byStage).reduce((a, b) => a + (b ?? 0), 0)), 0);
  const deliveries = closed.deliveries.new + closed.deliveries.duplicate;
  return {
    prices,
    lambdaMemoryMb: memoryMb,
    callsPerAlert,
    dynamoWritesPerNewOccurrence: { router: round(writes('router') / closed.deliveries.new, 3), routerPerDelivery: round(writes('router') / deliveries, 3), allStages: round(writes() / closed.deliveries.new, 3) },
    putEventsPerAlertAtIngest: round((closed.bus.ingest?.calls ?? 0) / (closed.bus.ingest?.entries || 1), 3),
    itemSizes: Object.fromEntries(Object.entries(sizes).map(([k, v]) => [k, Math.round(v)])),
    lines,
    totalUsdPerMillionAlerts: round(lines.reduce((sum, l) => sum + l.usdPerMillionAlerts, 0), 3),
    plus10msPerInvocationUsd: perMillion(per(invocations) * 0.01 * (memoryMb / 1024) * prices.lambdaArm64PerGbSecond),
  };
}
