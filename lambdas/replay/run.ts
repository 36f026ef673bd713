import type { Config, NodeGroupConfig } from '../shared/config/schema';
import type { Log } from '../shared/log';
import { METRIC } from '../shared/metrics';
import type { CapacityEntry, History, InputProblem, WebhookEntry } from './history';
import { ReplayObserver } from './observer';
import { describeAlert, nodeHoursOf, round2, type DecisionSummary, type NodeGroupSummary, type ReplayReport } from './report';
import { REPLAY_TOKEN, replayStages, type ReplayStages } from './stages';
import { VirtualClock } from './virtual-clock';

export interface ReplayOptions {
  readonly config: Config;
  readonly history: History;
  /** Desired capacity to start each named group at, instead of its `local.desired`. @default - `local.desired`, else the group's min */
  readonly start?: Readonly<Record<string, number>> | undefined;
  /** The report's name for the configuration. @default 'configuration' */
  readonly label?: string | undefined;
}

/** Delivery rounds one moment of history may take before replay says the pipeline does not settle. */
const MAX_ROUNDS_PER_MOMENT = 1_000;

/** Past this, `--start` names a group the configuration lacks, or a size its simulation cannot have. */
export class ReplayStartError extends Error {
  override readonly name = 'ReplayStartError';
}

/** The configuration with each `start` group's simulation starting at that size: input to the simulation, not a rule. */
export function withStartingSizes(config: Config, start: Readonly<Record<string, number>> = {}): Config {
  const groups = new Map(config.node_groups.map((group) => [group.name, group]));
  for (const [name, desired] of Object.entries(start)) {
    const group = groups.get(name);
    if (!group) throw new ReplayStartError(`--start ${name}=${desired}: no node group named "${name}"; the configuration has ${[...groups.keys()].join(', ') || 'none'}`);
    if (!Number.isInteger(desired) || desired < 0 || desired > group.max) throw new ReplayStartError(`--start ${name}=${desired}: a whole number from 0 to the group's max ${group.max}`);
  }
  const started = (group: NodeGroupConfig): NodeGroupConfig =>
    start[group.name] === undefined ? group : { ...group, local: { boot_delay: 0, refuse_capacity: false, ...group.local, desired: start[group.name]! } };
  return { ...config, node_groups: config.node_groups.map(started) };
}

/** The stages' log: warnings and errors kept, each message once with a count; the rest dropped, as a quiet console would. */
class StageLog {
  readonly counts = new Map<string, number>();
  readonly for = (component: string): Log => {
    const keep = (message: string) => this.counts.set(`[${component}] ${message}`, (this.counts.get(`[${component}] ${message}`) ?? 0) + 1);
    return { debug: () => {}, info: () => {}, warn: keep, error: keep };
  };
}

/**
 * Runs `history` through the live pipeline's code on a virtual clock and
 * reports what it did: each moment of history in time order — a webhook
 * through ingest, or a capacity change of a simulated group — then every
 * queue drained until nothing is left at that instant, before the clock
 * moves on. Nothing is sent and no timer runs: a day of history takes as
 * long as its work. Throws `ReplayStartError` for a bad `start`.
 */
export async function replay(options: ReplayOptions): Promise<ReplayReport> {
  const { history } = options;
  const config = withStartingSizes(options.config, options.start);
  const clock = new VirtualClock(history.from);
  const log = new StageLog();
  const stages = replayStages(config, clock, log.for);
  const observer = new ReplayObserver(config, stages.nodeGroups);
  stages.bus.subscribe(observer.observe);
  observer.sample(clock.time);
  const problems: InputProblem[] = [...history.problems];
  let refused = 0;
  for (const entry of history.entries) {
    advance(stages, clock, entry.at);
    if (entry.kind === 'webhook') {
      const problem = await deliver(stages, entry);
      if (problem) {
        problems.push(problem);
        refused++;
      }
    } else applyCapacity(stages, entry, problems);
    await settle(stages, entry);
    observer.sample(clock.time);
  }
  advance(stages, clock, history.to);
  return reportOf({ options, config, history, stages, observer, problems, refused, warnings: log.counts });
}

/**
 * Moves the clock on, and lets the terminations of drained groups whose
 * heartbeat timed out meanwhile go on: replay has no control plane, so a
 * drain is never confirmed and takes its whole `timeout`, the slowest a
 * drain can be (the group's desired capacity drops when the termination
 * starts either way).
 */
function advance(stages: ReplayStages, clock: VirtualClock, to: number): void {
  clock.advanceTo(to);
  stages.nodeGroups.expireLifecycleActions();
}

/** Posts one webhook to replay's ingest; a problem when ingest refuses it (as it would have live). */
async function deliver(stages: ReplayStages, entry: WebhookEntry): Promise<InputProblem | undefined> {
  const response = await stages.ingest({ headers: { authorization: `Bearer ${REPLAY_TOKEN}` }, body: JSON.stringify(entry.body) });
  if (response.statusCode === 200) return undefined;
  const error = (JSON.parse(response.body) as { error?: string }).error ?? response.body;
  return { ...entry.source, message: `not a webhook ingest accepts (HTTP ${response.statusCode}): ${error}` };
}

function applyCapacity(stages: ReplayStages, entry: CapacityEntry, problems: InputProblem[]): void {
  try {
    stages.nodeGroups.setRefuseCapacity(entry.nodeGroup, entry.refuse);
  } catch {
    problems.push({ ...entry.source, message: `capacity: no node group named "${entry.nodeGroup}" in the configuration` });
  }
}

/** Drains every queue, round after round, until all are empty at once (a stage may feed another). */
async function settle(stages: ReplayStages, entry: { readonly source: { readonly file: string; readonly line?: number | undefined } }): Promise<void> {
  for (let round = 0; stages.queues.some((queue) => queue.depth > 0); round++) {
    if (round >= MAX_ROUNDS_PER_MOMENT) throw new Error(`the pipeline did not settle after ${MAX_ROUNDS_PER_MOMENT} rounds at ${entry.source.file}:${entry.source.line ?? ''}`);
    for (const queue of stages.queues) if (queue.depth > 0) await queue.drain();
  }
}

interface RunResult {
  readonly options: ReplayOptions;
  readonly config: Config;
  readonly history: History;
  readonly stages: ReplayStages;
  readonly observer: ReplayObserver;
  readonly problems: readonly InputProblem[];
  readonly refused: number;
  readonly warnings: ReadonlyMap<string, number>;
}

function nodeGroupSummary(group: NodeGroupConfig, run: RunResult): NodeGroupSummary {
  const { history, observer } = run;
  const series = observer.series.get(group.name) ?? [];
  const sizes = series.map((point) => point.desired);
  const nodeHours = nodeHoursOf(series, history.from, history.to);
  return {
    name: group.name,
    start: sizes[0] ?? 0,
    final: sizes[sizes.length - 1] ?? 0,
    min: Math.min(...sizes),
    max: Math.max(...sizes),
    actions: Object.fromEntries(observer.actions.get(group.name) ?? []),
    nodeHours: round2(nodeHours),
    ...(group.hourly_cost !== undefined ? { cost: round2(nodeHours * group.hourly_cost) } : {}),
    series: series.map((point) => ({ at: new Date(point.at).toISOString(), desired: point.desired })),
  };
}

function decisionSummaries(stages: ReplayStages): DecisionSummary[] {
  return stages.decisions.all().map((record) => ({
    decisionId: record.decisionId,
    alert: describeAlert(record.labels),
    labels: record.labels,
    status: record.status,
    step: record.step,
    receivers: record.receivers,
    actions: record.actions.map(({ actionId, kind, target, outcome, from, to }) => ({ actionId, kind, target, outcome, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) })),
  }));
}

function reportOf(run: RunResult): ReplayReport {
  const { stages, observer, history } = run;
  const deliveries = (outcome: string) => stages.metrics.value(METRIC.AlertDeliveries, { outcome });
  return {
    label: run.options.label ?? 'configuration',
    from: new Date(history.from).toISOString(),
    to: new Date(history.to).toISOString(),
    deliveries: {
      webhooks: stages.metrics.value(METRIC.NotificationsAccepted),
      refused: run.refused,
      alerts: deliveries('new') + deliveries('duplicate') + deliveries('stepped'),
      new: deliveries('new'),
      duplicate: deliveries('duplicate'),
      stepped: deliveries('stepped'),
    },
    timeline: [...observer.rows].sort((a, b) => a.at.localeCompare(b.at)),
    nodeGroups: run.config.node_groups.map((group) => nodeGroupSummary(group, run)),
    pages: Object.fromEntries(observer.pages),
    decisions: decisionSummaries(stages),
    unknownNodeGroups: [...observer.unknownNodeGroups].map(([name, alerts]) => ({ name, alerts })),
    problems: run.problems,
    ignored: history.ignored,
    deadLetters: stages.queues.flatMap((queue) => queue.deadLetters.map(({ queue: name, reason }) => ({ queue: name, reason }))),
    warnings: [...run.warnings].map(([message, count]) => ({ message, count })),
  };
}
