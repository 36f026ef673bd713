import { AsyncLocalStorage } from 'node:async_hooks';
import type { SQSEvent } from 'aws-lambda';
import type { EventEnvelope } from '../../lambdas/local/emulators/local-bus';
import type { LocalPipeline } from '../../lambdas/local/pipeline';
import { DetailType, EVENT_SOURCE, patterns, type BusEvent } from '../../lambdas/shared/events';
import { matchesPattern } from '../../lambdas/local/emulators/event-pattern';
import { METRIC, type CounterName } from '../../lambdas/shared/metrics';
import { DynamoMeter, emptyDynamoUsage, type DynamoUsage } from './dynamo-meter';
import { emfLineBytes, type LogMeter, type LogUsage } from './log-meter';

/** The pipeline stage (Lambda function on AWS) a piece of work belongs to; `other` is the bench itself. */
export type Stage = 'ingest' | 'router' | 'scaler' | 'notifier' | 'other';
/** The stages that run on AWS (their costs are per delivery; `other` is the bench's own calls). */
export const STAGES: readonly Exclude<Stage, 'other'>[] = ['ingest', 'router', 'scaler', 'notifier'];

/** Each queue of local mode, the stage that consumes it, and whether SQS prices it as FIFO. */
export const QUEUES = {
  'alertscale-alerts': { stage: 'router', fifo: false },
  'alertscale-scale.fifo': { stage: 'scaler', fifo: true },
  'alertscale-notify': { stage: 'notifier', fifo: false },
} as const satisfies Record<string, { stage: Stage; fifo: boolean }>;
/** A queue of local mode, by its name. */
export type QueueName = keyof typeof QUEUES;

const CHUNK = 64 * 1024;
const chunks = (bytes: number) => Math.max(1, Math.ceil(bytes / CHUNK));

/** What one queue carried in a phase, as SQS and Lambda would bill it. */
export interface QueueStats {
  /** Messages sent (distinct message ids; EventBridge's target sends each once). */
  sends: number;
  /** 64 KB chunks of the messages sent: each is a billed SendMessage request. */
  sendChunks: number;
  /** Batches delivered to the consumer: one Lambda invocation and one ReceiveMessage + DeleteMessageBatch each. */
  batches: number;
  /** 64 KB chunks of the batches' payloads: a ReceiveMessage is billed per chunk it returns. */
  receiveChunks: number;
  records: number;
  /** Sum of the consumer's wall time per batch, ms. */
  busyMs: number;
}

/** What one stage put on the bus in a phase. */
export interface BusStats {
  /** PutEvents calls, entries, and the 64 KB chunks EventBridge bills (sized only while metering). */
  calls: number;
  entries: number;
  chunks: number;
}

/** What one stage did in a phase: DynamoDB units, PutEvents, metric lines. */
export interface StageCounts {
  readonly dynamo: DynamoUsage;
  readonly bus: BusStats;
  /** Embedded-metric-format lines the stage's Powertools metrics would write to its log. */
  readonly emf: LogUsage;
}

/** Everything counted in one phase of a run. */
export interface ProbeCounts {
  readonly stages: Record<Stage, StageCounts>;
  readonly queues: Record<QueueName, QueueStats>;
  readonly ingest: { requests: number; busyMs: number };
  /** Events on the bus by detail-type, and the bytes the archive would take of them. */
  readonly events: Record<string, number>;
  archiveBytes: number;
  /** Alert deliveries by outcome (`new`, `duplicate`, `stepped`), from the pipeline's own metric. */
  readonly deliveries: { new: number; duplicate: number; stepped: number };
  /** Log lines by component, as the log meter counted them. */
  readonly logs: Record<string, LogUsage>;
}

const emptyStage = (): StageCounts => ({ dynamo: emptyDynamoUsage(), bus: { calls: 0, entries: 0, chunks: 0 }, emf: { lines: 0, bytes: 0 } });
const emptyQueue = (): QueueStats => ({ sends: 0, sendChunks: 0, batches: 0, receiveChunks: 0, records: 0, busyMs: 0 });

/** The size EventBridge bills an entry by: source, detail-type, detail and the time it adds. */
export const putEntryBytes = (event: BusEvent) => Buffer.byteLength(EVENT_SOURCE) + Buffer.byteLength(event.detailType) + Buffer.byteLength(JSON.stringify(event.detail)) + 14;

/**
 * Instruments a running local pipeline without changing its code, so every
 * figure comes from the same handlers the Lambdas run: SDK middleware on the
 * dynalite client (`DynamoMeter`), wrappers on the bus's `putBatch`, on each
 * queue's consumer (`LocalQueue.use`), on ingest, on the metrics and on the
 * decision store's `create`, and a bus subscription. Each consumer runs in an
 * AsyncLocalStorage scope naming its stage, so every call is attributed to
 * the Lambda function that would make it on AWS.
 */
export class PipelineProbe {
  private readonly stage = new AsyncLocalStorage<Stage>();
  private readonly sent = new Map<QueueName, Set<string>>();
  private deliveriesBaseline = { new: 0, duplicate: 0, stepped: 0 };
  /** Decision id → when the router's conditional create of it returned (performance.now()). */
  readonly decidedAt = new Map<string, number>();
  /** Decision id → when the first `Scaling Action` serving it was on the bus. */
  readonly scaledAt = new Map<string, number>();
  readonly scalingOutcomes = new Map<string, number>();
  readonly notificationOutcomes = new Map<string, number>();
  /** When the latest decision was created. */
  lastDecisionAt = 0;
  private meteringOn = true;
  counts: ProbeCounts;
  /** Entries put and events seen while metering, sized when the counts are read, not on the hot path. */
  private unsized: { stage: Stage; detailType: string; detail: unknown }[] = [];
  private unarchived: EventEnvelope[] = [];

  constructor(
    private readonly pipeline: LocalPipeline,
    private readonly logs: LogMeter,
  ) {
    this.counts = this.empty();
    new DynamoMeter(pipeline.dynamo.client, () => this.counts.stages[this.current()].dynamo, () => this.meteringOn);
    this.instrumentBus();
    this.instrumentQueues();
    this.instrumentIngest();
    this.instrumentMetrics();
    this.instrumentDecisions();
  }

  /**
   * Whether to price what happens (DynamoDB units, event sizes, calls by
   * stage): on for the runs that count costs, off for the runs that time
   * (acceptance, latency), which then carry only counters and timestamps. Off
   * also leaves the stage scopes: an AsyncLocalStorage in use puts a hook on
   * every promise of the process, which local mode does not have on its own.
   */
  get metering(): boolean {
    return this.meteringOn;
  }

  set metering(on: boolean) {
    this.meteringOn = on;
    if (!on) this.stage.disable();
  }

  /** Runs `work` in `stage`'s scope while metering, so what it calls is attributed to that stage. */
  private within<T>(stage: Stage, work: () => T): T {
    return this.meteringOn ? this.stage.run(stage, work) : work();
  }

  private empty(): ProbeCounts {
    return {
      stages: { ingest: emptyStage(), router: emptyStage(), scaler: emptyStage(), notifier: emptyStage(), other: emptyStage() },
      queues: { 'alertscale-alerts': emptyQueue(), 'alertscale-scale.fifo': emptyQueue(), 'alertscale-notify': emptyQueue() },
      ingest: { requests: 0, busyMs: 0 },
      events: {},
      archiveBytes: 0,
      deliveries: { new: 0, duplicate: 0, stepped: 0 },
      logs: this.logs.usage,
    };
  }

  /** Forgets everything counted so far (between phases of a run). */
  reset(): void {
    this.logs.reset();
    this.counts = this.empty();
    this.unsized = [];
    this.unarchived = [];
    this.sent.clear();
    this.deliveriesBaseline = this.deliveriesNow();
    this.decidedAt.clear();
    this.scaledAt.clear();
    this.scalingOutcomes.clear();
    this.notificationOutcomes.clear();
    this.lastDecisionAt = 0;
  }

  /** The counts of the phase so far, with the deliveries read from the pipeline's metric. */
  snapshot(): ProbeCounts {
    this.sizePending();
    const now = this.deliveriesNow();
    const base = this.deliveriesBaseline;
    return { ...this.counts, logs: this.logs.usage, deliveries: { new: now.new - base.new, duplicate: now.duplicate - base.duplicate, stepped: now.stepped - base.stepped } };
  }

  /** Sizes what was put and archived since the last look: PutEvents bills each entry per 64 KB chunk; the archive keeps each envelope. */
  private sizePending(): void {
    for (const { stage, detailType, detail } of this.unsized) this.counts.stages[stage].bus.chunks += chunks(putEntryBytes({ detailType: detailType as BusEvent['detailType'], detail }));
    for (const envelope of this.unarchived) this.counts.archiveBytes += Buffer.byteLength(JSON.stringify(envelope));
    this.unsized = [];
    this.unarchived = [];
  }

  private deliveriesNow() {
    const value = (outcome: string) => this.pipeline.metrics.value(METRIC.AlertDeliveries, { outcome });
    return { new: value('new'), duplicate: value('duplicate'), stepped: value('stepped') };
  }

  private current(): Stage {
    return this.stage.getStore() ?? 'other';
  }

  private instrumentBus(): void {
    const bus = this.pipeline.bus;
    const original = bus.putBatch.bind(bus);
    bus.putBatch = async (events: readonly BusEvent[]) => {
      const stage = this.current();
      const stats = this.counts.stages[stage].bus;
      stats.calls++;
      stats.entries += events.length;
      if (this.meteringOn) for (const event of events) this.unsized.push({ stage, detailType: event.detailType, detail: event.detail });
      return original(events);
    };
    bus.subscribe((event: EventEnvelope) => this.observe(event));
  }

  private observe(event: EventEnvelope): void {
    const type = event['detail-type'];
    this.counts.events[type] = (this.counts.events[type] ?? 0) + 1;
    // The archive keeps what the stack's archive pattern matches, as delivered (the envelope).
    if (this.meteringOn && matchesPattern(patterns.archived, { ...event })) this.unarchived.push(event);
    const detail = event.detail as { decisionIds?: string[]; outcome?: string };
    if (type === DetailType.ScalingAction) {
      const at = performance.now();
      for (const id of detail.decisionIds ?? []) if (!this.scaledAt.has(id)) this.scaledAt.set(id, at);
      this.scalingOutcomes.set(detail.outcome ?? '?', (this.scalingOutcomes.get(detail.outcome ?? '?') ?? 0) + 1);
    } else if (type === DetailType.NotificationSent) {
      this.notificationOutcomes.set(detail.outcome ?? '?', (this.notificationOutcomes.get(detail.outcome ?? '?') ?? 0) + 1);
    }
  }

  private instrumentQueues(): void {
    for (const queue of this.pipeline.queues) {
      const name = queue.name as QueueName;
      const spec = QUEUES[name];
      if (!spec) continue;
      queue.use((consumer) => async (event: SQSEvent) => {
        const stats = this.counts.queues[name];
        const sent = this.sent.get(name) ?? new Set<string>();
        this.sent.set(name, sent);
        stats.batches++;
        stats.records += event.Records.length;
        let batchBytes = 0;
        for (const record of event.Records) {
          const bytes = Buffer.byteLength(record.body);
          batchBytes += bytes;
          // A redelivered message was sent once.
          if (!sent.has(record.messageId)) {
            sent.add(record.messageId);
            stats.sends++;
            stats.sendChunks += chunks(bytes);
          }
        }
        stats.receiveChunks += chunks(batchBytes);
        const started = performance.now();
        try {
          return await this.within(spec.stage, () => consumer(event));
        } finally {
          stats.busyMs += performance.now() - started;
        }
      });
    }
  }

  private instrumentIngest(): void {
    const pipeline = this.pipeline as { ingest: LocalPipeline['ingest'] };
    const ingest = pipeline.ingest;
    pipeline.ingest = async (request) => {
      const started = performance.now();
      try {
        return await this.within('ingest', () => ingest(request));
      } finally {
        this.counts.ingest.requests++;
        this.counts.ingest.busyMs += performance.now() - started;
      }
    };
  }

  /** Each non-zero count is one EMF line in the stage's log on AWS (Powertools' `singleMetric`). */
  private instrumentMetrics(): void {
    const metrics = this.pipeline.metrics;
    const count = metrics.count.bind(metrics);
    metrics.count = (name: CounterName, value: number, dimensions?: Readonly<Record<string, string>>) => {
      const stage = this.current();
      if (value !== 0) {
        const emf = this.counts.stages[stage].emf;
        emf.lines++;
        emf.bytes += emfLineBytes(`alertscale-${stage}`, name, value, dimensions);
      }
      count(name, value, dimensions);
    };
  }

  /** A decision is made when the router's conditional create of it returns `true`. */
  private instrumentDecisions(): void {
    const decisions = this.pipeline.decisions;
    const create = decisions.create.bind(decisions);
    decisions.create = async (...args: Parameters<typeof create>) => {
      const created = await create(...args);
      if (created) {
        const at = performance.now();
        this.lastDecisionAt = at;
        if (!this.decidedAt.has(args[0].decisionId)) this.decidedAt.set(args[0].decisionId, at);
      }
      return created;
    };
  }
}
