import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDecisionStore } from '../adapters/dynamodb/decision-store';
import { localDrain } from '../drain/local';
import type { DrainConfirm } from '../drain/drain-confirm';
import { DRAIN_CALLBACK_PATH } from '../drain/drain-webhook';
import { startEmbeddedDynamo, type EmbeddedDynamo } from './emulators/dynalite';
import { LocalEventBus } from './emulators/local-bus';
import { addStageRules, envelopeBody } from './stage-rules';
import { LocalQueue, type DeadLetter, type QueueConsumer } from './emulators/local-queue';
import { journalPath, QueueJournal } from './emulators/queue-journal';
import { LOCAL_DRAIN_HOOK } from './emulators/simulated-node-groups';
import { createIngest } from '../ingest/ingest';
import { localNotifier } from '../notifier/local';
import { localRouter } from '../router/local';
import { localScaler, nodeGroupsView, type LocalScaler, type NodeGroupView } from '../scaler/local';
import { EventLog } from './event-log';
import { WebhookRecorder } from './webhook-recorder';
import { PrometheusRegistry } from './prometheus';
import type { LocalStageWiring } from './stage-wiring';
import type { Config } from '../shared/config/schema';
import { patterns } from '../shared/events';
import { systemClock, type Clock } from '../shared/clock';
import { type Log } from '../shared/log';

export interface LocalPipelineOptions {
  readonly config: Config;
  /** The webhook token; without one every webhook is refused. */
  readonly token: string | undefined;
  /** Logger per component (`ingest`, `router`, …). */
  readonly log: (component: string) => Log;
  readonly clock?: Clock;
  /**
   * The data directory: dynalite keeps its LevelDB here and every queue its
   * journal under `queues/`, so what was acknowledged survives a crash and
   * pending work resumes on the next start. @default - everything in memory,
   * lost when the process ends
   */
  readonly dataDir?: string | undefined;
  /**
   * An embedded DynamoDB to use instead of starting one (tests that stop and
   * restart it); the pipeline stops it on `stop()`. @default - one started on `dataDir`
   */
  readonly dynamo?: EmbeddedDynamo | undefined;
  /**
   * Appends every accepted webhook to this file as JSON lines for `alertscale
   * replay` (see `WebhookRecorder`), before its 2xx. @default - nothing is recorded
   */
  readonly record?: string | undefined;
}

/** What `redrive` moved back, per queue. */
export interface RedriveResult {
  readonly redriven: number;
  readonly byQueue: Readonly<Record<string, number>>;
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
  /** The newest bus events: what an EventBridge subscriber would have received. */
  readonly events: EventLog;
  /** The stages' counters and the queue and node-group gauges, for `GET /metrics`. */
  readonly metrics: PrometheusRegistry;
  /**
   * The drain, when a node group has one: the confirmation `POST
   * /api/drain/complete` serves, and where that route is (the server tells
   * it its URL once it listens, for the drain requests to carry).
   */
  readonly drain?: { readonly confirm: DrainConfirm; setServerUrl(url: string): void } | undefined;
  /** `GET /api/node-groups`: each configured group with its simulated size and last action. */
  nodeGroups(): Promise<NodeGroupView[]>;
  /** Every message parked after its retries, across queues. */
  deadLetters(): DeadLetter[];
  /**
   * Moves dead letters back to their queues for another round of retries (SQS's
   * redrive): all of them, or those of one queue, or the given message ids.
   */
  redrive(filter?: { readonly queue?: string | undefined; readonly messageIds?: readonly string[] | undefined }): RedriveResult;
  /** Resolves once every queue is drained (for tests and benchmarks). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}


/** How often local mode looks for lifecycle actions whose heartbeat timed out. */
const LIFECYCLE_SWEEP_MS = 200;

/**
 * The drain in local mode, when a node group has one: its queue, fed from
 * the default bus by the same patterns as the AWS rules, and a timer that
 * lets timed-out lifecycle actions go on (reading the pipeline's clock).
 */
function drainStage(
  config: Config,
  wiring: LocalStageWiring,
  scaler: LocalScaler,
  defaultBus: LocalEventBus,
  log: Log,
  durability: (name: string) => { journal?: QueueJournal },
) {
  const asgNames = config.node_groups.filter((group) => group.drain).map((group) => group.asg_name);
  if (asgNames.length === 0) return undefined;
  // Until the server says where it listens (it starts after the pipeline).
  let callbackUrl = `http://127.0.0.1${DRAIN_CALLBACK_PATH}`;
  const drain = localDrain({ ...wiring, simulation: scaler.nodeGroups, callbackUrl: () => callbackUrl });
  const queue = new LocalQueue({ name: 'alertscale-drain', log, consumer: drain.consumer, ...durability('alertscale-drain') });
  defaultBus.addRule({ name: 'DrainLifecycleAction', pattern: patterns.terminateLifecycleAction(asgNames, LOCAL_DRAIN_HOOK), target: (event) => queue.send(envelopeBody(event)) });
  defaultBus.addRule({ name: 'DrainInstanceTerminated', pattern: patterns.instanceTerminated(asgNames), target: (event) => queue.send(envelopeBody(event)) });
  const sweep = setInterval(() => scaler.nodeGroups.expireLifecycleActions(), LIFECYCLE_SWEEP_MS);
  sweep.unref();
  return {
    queue,
    sweep,
    confirm: drain.confirm,
    setServerUrl: (url: string) => {
      callbackUrl = `${url}${DRAIN_CALLBACK_PATH}`;
    },
  };
}

/**
 * What each stage is built with, named for its component's log; its failure
 * hook tells its queue why a record failed: the reason `GET /api/dlq` shows.
 */
function stageWiring(
  shared: Omit<LocalStageWiring, 'log' | 'onFailure'>,
  log: (component: string) => Log,
  queues: readonly LocalQueue[],
): (component: string, queue: string) => LocalStageWiring {
  return (component, queue) => ({
    ...shared,
    log: log(component),
    onFailure: (failure) => queues.find((q) => q.name === queue)?.noteFailure(failure),
  });
}

/** The gauges `GET /metrics` adds to the stages' counters: simulated sizes, queue depths, dead letters. */
function localGauges(scaling: () => LocalScaler | undefined, queues: () => readonly LocalQueue[]): PrometheusRegistry {
  return new PrometheusRegistry([
    {
      name: 'alertscale_node_group_desired',
      help: 'Desired capacity of each simulated node group.',
      samples: async () => (scaling()?.nodeGroups.snapshot() ?? []).map((group) => ({ labels: { node_group: group.nodeGroup }, value: group.desired })),
    },
    { name: 'alertscale_queue_depth', help: 'Messages waiting or in flight, per queue.', samples: async () => queues().map((q) => ({ labels: { queue: q.name }, value: q.depth })) },
    { name: 'alertscale_dead_letters', help: 'Messages parked after their retries, per queue.', samples: async () => queues().map((q) => ({ labels: { queue: q.name }, value: q.deadLetters.length })) },
  ]);
}

/** Each queue's journal under `dataDir` (none without one), and closing them all. */
function queueJournals(dataDir: string | undefined, log: Log) {
  const journals: QueueJournal[] = [];
  return {
    durability: (name: string): { journal?: QueueJournal } => {
      if (dataDir === undefined) return {};
      const journal = QueueJournal.open({ path: journalPath(dataDir, name), log });
      journals.push(journal);
      return { journal };
    },
    close: () => journals.forEach((journal) => journal.close()),
  };
}

interface StageQueueWiring {
  readonly config: Config;
  readonly bus: LocalEventBus;
  /** Auto Scaling's events: the account's default bus on AWS. */
  readonly defaultBus: LocalEventBus;
  readonly dataDir: string | undefined;
  /** The router's store: it creates decisions, the other stages only record on them. */
  readonly decisions: DynamoDecisionStore;
  readonly log: Log;
  readonly wiring: (component: string, queue: string) => LocalStageWiring;
  readonly durability: (name: string) => { journal?: QueueJournal };
}

/**
 * The router, scaler and notifier, each on its queue, fed by the stack's own
 * rules: the notifications to the router; as on AWS, one FIFO scale queue with
 * one rule per node group whose target sets that group as the message group;
 * the notify requests to the notifier.
 */
function stageQueues(w: StageQueueWiring) {
  const { config, bus, log } = w;
  const queue = (name: string, consumer: QueueConsumer, fifo = false) => new LocalQueue({ name, log, consumer, ...(fifo ? { fifo } : {}), ...w.durability(name) });
  const routerQueue = queue('alertscale-alerts', localRouter({ ...w.wiring('router', 'alertscale-alerts'), decisions: w.decisions }).consumer);

  if (w.dataDir !== undefined) mkdirSync(w.dataDir, { recursive: true });
  const scaler = localScaler({
    ...w.wiring('scaler', 'alertscale-scale.fifo'),
    simulation: { path: w.dataDir !== undefined ? join(w.dataDir, 'node-groups.json') : undefined, publish: (event) => w.defaultBus.put(event) },
  });
  const scaleQueue = queue('alertscale-scale.fifo', scaler.consumer, true);

  const notifyQueue = queue('alertscale-notify', localNotifier(w.wiring('notifier', 'alertscale-notify')).consumer);
  addStageRules(bus, config, { router: routerQueue, scale: scaleQueue, notify: notifyQueue });
  return { scaler, queues: [routerQueue, scaleQueue, notifyQueue] };
}

/** SQS's redrive over local mode's queues: all of them, or one, optionally only some message ids. */
function redriveQueues(queues: readonly LocalQueue[], filter: { readonly queue?: string | undefined; readonly messageIds?: readonly string[] | undefined }): RedriveResult {
  const byQueue: Record<string, number> = {};
  for (const queue of queues) {
    if (filter.queue !== undefined && queue.name !== filter.queue) continue;
    byQueue[queue.name] = queue.redrive(filter.messageIds).length;
  }
  return { redriven: Object.values(byQueue).reduce((a, b) => a + b, 0), byQueue };
}

/**
 * Starts local mode's pipeline. Without `dataDir` every queue and the store
 * are in memory. With it, nothing acknowledged is lost when the process dies:
 * the ingest answers 2xx only after `publishAll` resolved, `LocalEventBus.putBatch`
 * hands each event synchronously to its rules' targets, and each target is a
 * `LocalQueue.send`, which has written the message to its journal when it
 * returns — so the journal holds every event of a webhook before its 2xx goes
 * out. A journal write that fails makes `putBatch` fail, and the webhook gets
 * a 5xx that Alertmanager retries.
 */
export async function startLocalPipeline(options: LocalPipelineOptions): Promise<LocalPipeline> {
  const { config, dataDir } = options;
  const clock = options.clock ?? systemClock;
  // Opened first: a recording that cannot be opened fails the start before anything else runs.
  const recorder = options.record ? WebhookRecorder.open({ path: options.record, log: options.log('record') }) : undefined;
  const dynamo = options.dynamo ?? (await startEmbeddedDynamo({ path: dataDir }));
  const decisions = new DynamoDecisionStore(dynamo.client, dynamo.tableName, clock);
  const bus = new LocalEventBus(clock);
  const events = new EventLog(bus);
  const queues: LocalQueue[] = [];
  let scaling: LocalScaler | undefined;
  const metrics = localGauges(() => scaling, () => queues);
  const queueLog = options.log('queue');
  const journals = queueJournals(dataDir, queueLog);
  const wiring = stageWiring({ config, dynamodb: dynamo.client, tableName: dynamo.tableName, decisions, bus, clock, metrics }, options.log, queues);
  // Auto Scaling's own events go to the account's default bus on AWS; here to a bus of their own,
  // so they stay out of alertscale's bus and its event log, as on AWS.
  const defaultBus = new LocalEventBus();
  const stages = stageQueues({ config, bus, defaultBus, dataDir, decisions, log: queueLog, wiring, durability: journals.durability });
  const scaler = stages.scaler;
  scaling = scaler;
  queues.push(...stages.queues);
  const drain = drainStage(config, wiring('drain', 'alertscale-drain'), scaler, defaultBus, queueLog, journals.durability);
  if (drain) queues.push(drain.queue);
  // Every queue and rule exists now: what the journals held when the process last stopped can run.
  queues.forEach((queue) => queue.start());

  const ingest = createIngest({ bus, token: async () => options.token, log: options.log('ingest'), clock, metrics, onAccepted: recorder && ((accepted) => recorder.record(accepted)) });

  return {
    config,
    bus,
    dynamo,
    decisions,
    ingest,
    queues,
    scaling: scaler,
    events,
    metrics,
    nodeGroups: () => nodeGroupsView(config, scaler.state, scaler.nodeGroups, clock, scaler.nodeGroups),
    deadLetters: () => queues.flatMap((q) => q.deadLetters),
    redrive: (filter = {}) => redriveQueues(queues, filter),
    idle: () => allIdle(queues),
    ...(drain ? { drain: { confirm: drain.confirm, setServerUrl: drain.setServerUrl } } : {}),
    stop: async () => {
      if (drain) clearInterval(drain.sweep);
      await stopQueues(queues);
      journals.close();
      recorder?.close();
      await dynamo.stop();
    },
  };
}

/** A queue may feed another: waits until all are empty at once. */
async function allIdle(queues: readonly LocalQueue[]): Promise<void> {
  while (queues.some((q) => q.depth > 0)) await Promise.all(queues.map((q) => q.idle()));
}

/**
 * Stops every consumer and lets the batches in flight finish (their deletions
 * are journaled), but not forever: what is not finished stays in the journal
 * and runs again on the next start.
 */
async function stopQueues(queues: readonly LocalQueue[]): Promise<void> {
  queues.forEach((q) => q.stop());
  await Promise.race([Promise.all(queues.map((q) => q.settled())), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
}
