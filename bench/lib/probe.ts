import { AsyncLocalStorage } from 'node:async_hooks';
import type { SQSEvent } from 'aws-lambda';
import type { EventEnvelope } from '../../lambdas/local/emulators/local-bus';
import type { LocalPipeline } from '../../lambdas/local/pipeline';
import { DetailType, type BusEvent } from '../../lambdas/shared/events';

/** The pipeline stage (Lambda function on AWS) a piece of work belongs to. */
export type Stage = 'ingest' | 'router' | 'scaler' | 'notifier' | 'other';

const QUEUE_STAGE: Record<string, Stage> = {
  'alertscale-alerts': 'router',
  'alertscale-scale.fifo': 'scaler',
  'alertscale-notify': 'notifier',
};

/** Which stage puts each detail-type on the bus. */
const PUBLISHER: Record<string, Stage> = {
  [DetailType.Alert]: 'ingest',
  [DetailType.ScaleRequested]: 'router',
  [DetailType.NotifyRequested]: 'router',
  [DetailType.ScalingAction]: 'scaler',
  [DetailType.NotificationSent]: 'notifier',
};

export interface QueueStats {
  batches: number;
  records: number;
  /** Sum of the consumer's wall time per batch, ms. */
  busyMs: number;
  /** Bytes of message bodies (for SQS 64 KB request chunks). */
  chunks: number;
}

export interface BusStats {
  calls: number;
  entries: number;
  /** EventBridge bills each entry per 64 KB chunk. */
  chunks: number;
  bytes: number;
}

export interface ProbeCounts {
  /** `client:operation` → by stage. */
  readonly sdk: Record<string, Partial<Record<Stage, number>>>;
  readonly bus: Partial<Record<Stage, BusStats>>;
  readonly queues: Record<string, QueueStats>;
  readonly ingest: { requests: number; busyMs: number };
  readonly deliveries: { new: number; duplicate: number };
  /** Table keys written / read, by key prefix, for item sizes. */
  readonly writtenKeys: Map<string, number>;
  readonly readKeys: Map<string, number>;
}

const CHUNK = 64 * 1024;

/**
 * Instruments a running local pipeline without changing its code: SDK
 * middleware on the dynalite client, wrappers on the bus's `putBatch`, on each
 * queue's consumer and on ingest, and a bus subscription. Each queue consumer
 * runs inside an AsyncLocalStorage scope naming its stage, so every SDK call is
 * attributed to the Lambda function that would make it on AWS.
 */
export class PipelineProbe {
  private readonly stage = new AsyncLocalStorage<Stage>();
  /** Decision id → when its first delivery was recorded (performance.now()). */
  readonly decidedAt = new Map<string, number>();
  /** Decision id → when its first `Scaling Action` was on the bus. */
  readonly scaledAt = new Map<string, number>();
  readonly scalingOutcomes = new Map<string, number>();
  readonly notificationOutcomes = new Map<string, number>();
  /** When the latest delivery (new or duplicate) was recorded. */
  lastDeliveryAt = 0;
  counts: ProbeCounts = PipelineProbe.empty();

  constructor(private readonly pipeline: LocalPipeline) {
    this.instrumentDynamo();
    this.instrumentBus();
    this.instrumentQueues();
    this.instrumentIngest();
    this.instrumentDecisions();
  }

  private static empty(): ProbeCounts {
    return { sdk: {}, bus: {}, queues: {}, ingest: { requests: 0, busyMs: 0 }, deliveries: { new: 0, duplicate: 0 }, writtenKeys: new Map(), readKeys: new Map() };
  }

  /** Forgets everything counted so far (between phases of a run). */
  reset(): void {
    this.counts = PipelineProbe.empty();
    this.decidedAt.clear();
    this.scaledAt.clear();
    this.scalingOutcomes.clear();
    this.notificationOutcomes.clear();
    this.lastDeliveryAt = 0;
  }

  private current(): Stage {
    return this.stage.getStore() ?? 'other';
  }

  private instrumentDynamo(): void {
    const client = this.pipeline.dynamo.client;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const operation = `DynamoDB:${String(context.commandName).replace(/Command$/, '')}`;
        const byStage = (this.counts.sdk[operation] ??= {});
        const stage = this.current();
        byStage[stage] = (byStage[stage] ?? 0) + 1;
        const input = args.input as { Key?: { pk?: { S?: string } }; Item?: { pk?: { S?: string } } };
        const pk = input.Key?.pk?.S ?? input.Item?.pk?.S;
        if (pk) {
          const keys = /^(Put|Update|Delete)Item/.test(String(context.commandName)) ? this.counts.writtenKeys : this.counts.readKeys;
          keys.set(pk, (keys.get(pk) ?? 0) + 1);
        }
        return next(args);
      },
      { step: 'initialize', name: 'alertscaleBenchCounter' },
    );
  }

  private instrumentBus(): void {
    const bus = this.pipeline.bus;
    const original = bus.putBatch.bind(bus);
    bus.putBatch = async (events: readonly BusEvent[]) => {
      const stage = PUBLISHER[events[0]?.detailType ?? ''] ?? this.current();
      const stats = (this.counts.bus[stage] ??= { calls: 0, entries: 0, chunks: 0, bytes: 0 });
      stats.calls++;
      for (const event of events) {
        // PutEvents entry size: detail-type, source and detail (and the rest of the entry, small).
        const bytes = Buffer.byteLength(JSON.stringify(event.detail)) + Buffer.byteLength(event.detailType) + 'alertscale'.length;
        stats.entries++;
        stats.bytes += bytes;
        stats.chunks += Math.max(1, Math.ceil(bytes / CHUNK));
      }
      return original(events);
    };
    bus.subscribe((event: EventEnvelope) => {
      const detail = event.detail as { decisionId?: string; outcome?: string };
      if (event['detail-type'] === DetailType.ScalingAction && detail.decisionId) {
        if (!this.scaledAt.has(detail.decisionId)) this.scaledAt.set(detail.decisionId, performance.now());
        this.scalingOutcomes.set(detail.outcome ?? '?', (this.scalingOutcomes.get(detail.outcome ?? '?') ?? 0) + 1);
      } else if (event['detail-type'] === DetailType.NotificationSent) {
        this.notificationOutcomes.set(detail.outcome ?? '?', (this.notificationOutcomes.get(detail.outcome ?? '?') ?? 0) + 1);
      }
    });
  }

  private instrumentQueues(): void {
    for (const queue of this.pipeline.queues) {
      const stage = QUEUE_STAGE[queue.name] ?? 'other';
      queue.use((consumer) => async (event: SQSEvent) => {
        const stats = (this.counts.queues[queue.name] ??= { batches: 0, records: 0, busyMs: 0, chunks: 0 });
        stats.batches++;
        stats.records += event.Records.length;
        for (const record of event.Records) stats.chunks += Math.max(1, Math.ceil(Buffer.byteLength(record.body) / CHUNK));
        const started = performance.now();
        try {
          return await this.stage.run(stage, () => consumer(event));
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
        return await this.stage.run('ingest', () => ingest(request));
      } finally {
        this.counts.ingest.requests++;
        this.counts.ingest.busyMs += performance.now() - started;
      }
    };
  }

  private instrumentDecisions(): void {
    const decisions = this.pipeline.decisions;
    const recordDelivery = decisions.recordDelivery.bind(decisions);
    decisions.recordDelivery = async (...args: Parameters<typeof recordDelivery>) => {
      const result = await recordDelivery(...args);
      this.lastDeliveryAt = performance.now();
      if (result.kind === 'new') {
        this.counts.deliveries.new++;
        if (!this.decidedAt.has(result.decision.decisionId)) this.decidedAt.set(result.decision.decisionId, performance.now());
      } else this.counts.deliveries.duplicate++;
      return result;
    };
  }
}
