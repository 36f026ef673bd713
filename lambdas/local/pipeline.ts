import { DynamoDecisionStore } from '../adapters/aws/dynamo-decision-store';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../adapters/local/dynalite';
import { LocalEventBus, type EventEnvelope } from '../adapters/local/local-bus';
import { LocalQueue, type DeadLetter } from '../adapters/local/local-queue';
import { createIngest } from '../ingest/ingest';
import { createNotifier } from '../notifier/notifier';
import { localNotifierDeps } from '../notifier/local';
import { createRouter } from '../router/router';
import { localScaler, nodeGroupsView, type LocalScaler, type NodeGroupView } from '../scaler/local';
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
  /** The scaler with its simulated node groups and kill switch. */
  readonly scaling: LocalScaler;
  /** `GET /api/node-groups`: each configured group with its simulated size and last action. */
  nodeGroups(): Promise<NodeGroupView[]>;
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

  // As on AWS: one FIFO queue, one rule per node group whose target sets that group as the message group.
  const scaling = localScaler({ config, dynamodb: dynamo.client, tableName: dynamo.tableName, decisions, bus, log: options.log('scaler'), clock });
  const scaleQueue = new LocalQueue({ name: 'alertscale-scale.fifo', fifo: true, log: options.log('queue'), consumer: (event) => scaling.scaler.handleSqs(event) });
  for (const group of config.node_groups) {
    bus.addRule({ name: `Scale-${group.name}`, pattern: patterns.scaleRequested(group.name), target: (event) => scaleQueue.send(envelopeBody(event), group.name) });
  }
  bus.addRule({ name: 'LaunchUnsuccessful', pattern: patterns.launchUnsuccessful, target: (event) => scaleQueue.send(envelopeBody(event), 'launch-unsuccessful') });

  // A batching window lets the alerts of one Alertmanager group reach the notifier together (one Slack message).
  const notifyQueue = new LocalQueue({
    name: 'alertscale-notify',
    log: options.log('queue'),
    batchSize: 100,
    batchWindowMs: 200,
    consumer: createNotifier(localNotifierDeps({ config, dynamodb: dynamo.client, tableName: dynamo.tableName, decisions, bus, log: options.log('notifier'), clock })),
  });
  bus.addRule({ name: 'Notify', pattern: patterns.notifyRequested, target: (event) => notifyQueue.send(envelopeBody(event)) });

  const queues: LocalQueue[] = [routerQueue, scaleQueue, notifyQueue];

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
    scaling,
    nodeGroups: () => nodeGroupsView(config, scaling.state, scaling.nodeGroups, clock),
    deadLetters: () => queues.flatMap((q) => q.deadLetters),
    idle,
    stop: async () => {
      queues.forEach((q) => q.stop());
      await dynamo.stop();
    },
  };
}
