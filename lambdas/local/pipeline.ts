import { DynamoDecisionStore } from '../adapters/aws/dynamo-decision-store';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../adapters/local/dynalite';
import { LocalEventBus, type EventEnvelope } from '../adapters/local/local-bus';
import { LocalQueue, type DeadLetter } from '../adapters/local/local-queue';
import { createIngest } from '../ingest/ingest';
import { createRouter } from '../router/router';
import type { Config } from '../shared/config/schema';
import { patterns } from '../shared/events';
import { systemClock, type Clock, type Log } from '../shared/ports';

export interface LocalPipelineOptions {
  readonly config: Config;
  /** The webhook token; without one every webhook is refused. */
  readonly token: string | undefined;
  /** Logger per component (`ingest`, `router`, …). */
  readonly log: (component: string) => Log;
  readonly clock?: Clock;
  /** Where dynalite keeps its data; in memory when absent. */
  readonly dataDir?: string;
}

/**
 * Every part of alertscale in one process: the same use cases the Lambdas run,
 * wired to embedded stand-ins — dynalite for DynamoDB, an in-process bus that
 * evaluates the stack's own patterns, and in-process queues with DLQs.
 */
export interface LocalPipeline {
  readonly config: Config;
  readonly bus: LocalEventBus;
  readonly dynamo: EmbeddedDynamo;
  readonly decisions: DynamoDecisionStore;
  readonly ingest: ReturnType<typeof createIngest>;
  readonly queues: readonly LocalQueue[];
  /** Every message parked after its retries, across queues. */
  deadLetters(): DeadLetter[];
  /** Resolves once every queue is drained (for tests and benchmarks). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

const envelopeBody = (event: EventEnvelope) => JSON.stringify(event);

export async function startLocalPipeline(options: LocalPipelineOptions): Promise<LocalPipeline> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const dynamo = await startEmbeddedDynamo({ path: options.dataDir });
  const decisions = new DynamoDecisionStore(dynamo.client, dynamo.tableName, clock);
  const bus = new LocalEventBus();

  const routerQueue = new LocalQueue({
    name: 'alertscale-alerts',
    log: options.log('queue'),
    consumer: createRouter({ config, decisions, bus, clock, log: options.log('router') }),
  });
  bus.addRule({ name: 'Alerts', pattern: patterns.alerts, target: (event) => routerQueue.send(envelopeBody(event)) });
  const queues: LocalQueue[] = [routerQueue];

  const ingest = createIngest({ bus, token: async () => options.token, log: options.log('ingest'), clock });

  const idle = async () => {
    // A queue may feed another: drain until all are empty at once.
    while (queues.some((q) => q.depth > 0)) await Promise.all(queues.map((q) => q.idle()));
  };

  return {
    config,
    bus,
    dynamo,
    decisions,
    ingest,
    queues,
    deadLetters: () => queues.flatMap((q) => q.deadLetters),
    idle,
    stop: async () => {
      queues.forEach((q) => q.stop());
      await dynamo.stop();
    },
  };
}
