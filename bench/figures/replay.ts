import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { loadConfig } from '../../lambdas/shared/config/load';
import { historyOf, parseScenarioText, replay, scenarioHistory } from '../../lambdas/replay';

/**
 * Replay throughput: alert deliveries per second of history through
 * `replay()` (ingest's validation, the router's dedupe and routes, the
 * scaler's policy and guardrails, the notifier's grouping, on a virtual
 * clock), and the wall time of a day of a busy fleet's history.
 *
 * The day is a scenario, not a recording: recording 24 hours of a live local
 * mode would take 24 hours. It is shaped like one: the example configuration,
 * two Alertmanager replicas both sending, a re-send every 5 minutes, queue
 * alerts per node group that fire 4½ hours of every 6, and idle-node alerts
 * through the night naming the groups' simulated nodes.
 */
export interface ReplayResult {
  readonly measured: true;
  /** Hours of history replayed (24, or fewer in a quick run). */
  readonly hours: number;
  readonly webhooks: number;
  readonly deliveries: number;
  readonly seconds: number;
  readonly deliveriesPerSecond: number;
  /** Seconds a full day would take at this rate (the measured day itself, unless quick). */
  readonly daySeconds: number;
  /** Scaling actions taken and pages sent, so a run that did nothing cannot pass as fast. */
  readonly actions: number;
  readonly pages: number;
}

/** Targets: ≥ 5,000 deliveries/s of recorded history; 24 h of a busy fleet's history in under 30 s. */
export const REPLAY_TARGET = { deliveriesPerSecond: 5_000, dayOfHistorySeconds: 30 } as const;

const GROUPS = ['gpu-a100', 'gpu-h100', 'gpu-l4'];
const QUEUES_PER_GROUP = 40;
const IDLE_NODES_PER_GROUP = 4;

/** The busy day as a scenario document: `hours` of it. */
export function busyFleetScenario(hours: number): string {
  const minutes = hours * 60;
  const alerts: unknown[] = [];
  for (const [g, nodegroup] of GROUPS.entries()) {
    for (let q = 0; q < QUEUES_PER_GROUP; q++) {
      // Staggered so that the groups' notifications never all carry the same alerts.
      for (let at = (g * 17 + q * 7) % 90; at < minutes; at += 360) {
        alerts.push({ labels: { alertname: 'GPUQueueDepthHigh', nodegroup, queue: `q-${q}`, severity: q % 10 === 0 ? 'critical' : 'warning' }, at: `${at}m`, resolve: `${Math.min(at + 270, minutes)}m` });
      }
    }
    for (let n = 1; n <= IDLE_NODES_PER_GROUP; n++) {
      const at = 20 * 60 + n * 5;
      if (at < minutes) alerts.push({ labels: { alertname: 'GPUUtilizationLow', nodegroup, node: `ip-10-${g + 1}-0-${n}.ec2.internal` }, at: `${at}m`, resolve: `${Math.min(at + 480, minutes)}m` });
    }
  }
  return stringify({ start: '2025-03-04T00:00:00Z', resend: '5m', replicas: 2, duration: `${minutes}m`, alerts });
}

/** Replays `hours` of the busy day with the example configuration and times it. */
export async function runReplay(options: { readonly hours: number; readonly configPath?: string }): Promise<ReplayResult> {
  const config = loadConfig(options.configPath ?? 'config/alertscale.yml').config;
  const scenario = scenarioHistory(parseScenarioText(busyFleetScenario(options.hours), 'busy-fleet'), 'busy-fleet');
  const history = historyOf(scenario.entries, [], { to: scenario.to });
  const started = performance.now();
  const report = await replay({ config, history });
  const seconds = (performance.now() - started) / 1000;
  const deliveries = report.deliveries.alerts;
  const deliveriesPerSecond = Math.round(deliveries / seconds);
  const actions = report.nodeGroups.reduce((sum, group) => sum + (group.actions.scaled ?? 0) + (group.actions.clamped ?? 0), 0);
  return {
    measured: true,
    hours: options.hours,
    webhooks: report.deliveries.webhooks,
    deliveries,
    seconds: Math.round(seconds * 100) / 100,
    deliveriesPerSecond,
    daySeconds: Math.round(((seconds * 24) / options.hours) * 10) / 10,
    actions,
    pages: Object.values(report.pages).reduce((a, b) => a + b, 0),
  };
}
