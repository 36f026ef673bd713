import { MemoryDecisionStore } from '../adapters/memory/decision-store';
import { MemoryFleetLedger } from '../adapters/memory/fleet-ledger';
import { MemoryNodeGroupStateStore } from '../adapters/memory/node-group-state-store';
import { MemorySendStore } from '../adapters/memory/send-store';
import type { RecordFailure } from '../adapters/sqs/event-handler';
import { createIngest } from '../ingest/ingest';
import { LocalEventBus } from '../local/emulators/local-bus';
import { addStageRules } from '../local/stage-rules';
import { LocalPauseSwitch } from '../local/emulators/local-pause-switch';
import { SimulatedNodeGroups } from '../local/emulators/simulated-node-groups';
import { PrometheusRegistry } from '../local/prometheus';
import { notifierConsumer } from '../notifier/consumer';
import { createNotifier } from '../notifier/notifier';
import { routerConsumer } from '../router/consumer';
import { createRouter } from '../router/router';
import { scalerConsumer } from '../scaler/consumer';
import { createScaler } from '../scaler/scaler';
import type { Config } from '../shared/config/schema';
import type { Log } from '../shared/log';
import { ChannelRecorders, REPLAY_TOPIC_ARN } from './channel-recorders';
import { DrainQueue } from './drain-queue';
import type { VirtualClock } from './virtual-clock';

/** The token replay's own ingest takes: the webhooks come from history, not from the network. */
export const REPLAY_TOKEN = 'alertscale-replay';

/** Waits that a stage would sleep through (retry backoff) take no time on a virtual clock. */
const noWait = async (): Promise<void> => {};

/** Every stage of the pipeline wired for replay, with handles on what replay drives and reads. */
export interface ReplayStages {
  readonly bus: LocalEventBus;
  readonly ingest: ReturnType<typeof createIngest>;
  readonly queues: readonly DrainQueue[];
  readonly nodeGroups: SimulatedNodeGroups;
  readonly decisions: MemoryDecisionStore;
  readonly metrics: PrometheusRegistry;
  readonly channels: ChannelRecorders;
}

/**
 * The live pipeline's use cases — ingest, router, scaler, notifier — each on
 * its own SQS consumer, exactly as local mode and Lambda run them, wired to
 * adapters for a virtual clock: the store ports in memory (DynamoDB's
 * conditions), simulated node groups from `local.desired`, an in-process bus
 * that evaluates the stack's own rule patterns, queues drained on demand, and
 * channels that record instead of send. Only the adapters differ from local mode.
 */
export function replayStages(config: Config, clock: VirtualClock, log: (component: string) => Log): ReplayStages {
  const now = clock.now;
  const bus = new LocalEventBus(now);
  const decisions = new MemoryDecisionStore(now);
  const metrics = new PrometheusRegistry();
  const nodeGroups = new SimulatedNodeGroups(config.node_groups, now);
  const channels = new ChannelRecorders();
  const byName = new Map<string, DrainQueue>();
  const failureHook = (queue: string) => (failure: RecordFailure) => byName.get(queue)?.noteFailure(failure);

  const router = createRouter({ config, decisions, bus, clock: now, log: log('router'), metrics, publish: { sleep: noWait } });
  const scaler = replayScaler(config, { nodeGroups, decisions, bus, now, metrics, log: log('scaler') });
  const notifier = replayNotifier(config, { channels, decisions, bus, now, metrics, log: log('notifier') });

  const routerQueue = new DrainQueue({ name: 'alertscale-alerts', consumer: routerConsumer(router, { log: log('router'), onFailure: failureHook('alertscale-alerts') }) });
  const scaleQueue = new DrainQueue({ name: 'alertscale-scale.fifo', fifo: true, consumer: scalerConsumer(scaler, { log: log('scaler'), onFailure: failureHook('alertscale-scale.fifo') }) });
  const notifyQueue = new DrainQueue({ name: 'alertscale-notify', consumer: notifierConsumer(notifier, { log: log('notifier'), onFailure: failureHook('alertscale-notify') }) });
  const queues = [routerQueue, scaleQueue, notifyQueue];
  for (const queue of queues) byName.set(queue.name, queue);

  // The rules local mode wires, on the same patterns the stack gives EventBridge.
  addStageRules(bus, config, { router: routerQueue, scale: scaleQueue, notify: notifyQueue });

  const ingest = createIngest({ bus, token: async () => REPLAY_TOKEN, log: log('ingest'), clock: now, metrics, publish: { sleep: noWait } });
  return { bus, ingest, queues, nodeGroups, decisions, metrics, channels };
}

/** What the replayed use cases share: the virtual clock's `now`, the bus, the memory stores, the metrics. */
interface ReplayAdapters {
  readonly now: () => Date;
  readonly bus: LocalEventBus;
  readonly decisions: MemoryDecisionStore;
  readonly metrics: PrometheusRegistry;
  readonly log: Log;
}

/** The scaler on memory stores and the simulated node groups, never paused, never sleeping. */
function replayScaler(config: Config, adapters: ReplayAdapters & { readonly nodeGroups: SimulatedNodeGroups }) {
  return createScaler({
    config,
    nodeGroups: adapters.nodeGroups,
    // The simulated instances, as local mode gives them: targeted scale-in replays against them.
    instances: adapters.nodeGroups,
    nodeInstances: adapters.nodeGroups,
    state: new MemoryNodeGroupStateStore(),
    fleet: new MemoryFleetLedger(),
    decisions: adapters.decisions,
    bus: adapters.bus,
    pause: new LocalPauseSwitch(false),
    log: adapters.log,
    clock: adapters.now,
    metrics: adapters.metrics,
    sleep: noWait,
    publish: { sleep: noWait },
  });
}

/** The notifier with every channel recorded instead of sent. */
function replayNotifier(config: Config, adapters: ReplayAdapters & { readonly channels: ChannelRecorders }) {
  return createNotifier({
    config,
    decisions: adapters.decisions,
    sends: new MemorySendStore(),
    bus: adapters.bus,
    secrets: adapters.channels,
    sns: adapters.channels,
    snsTopicArn: REPLAY_TOPIC_ARN,
    log: adapters.log,
    clock: adapters.now,
    fetch: adapters.channels.fetch,
    tlsFetch: () => adapters.channels.fetch,
    readFile: adapters.channels.readFile,
    sleep: noWait,
    metrics: adapters.metrics,
  });
}
