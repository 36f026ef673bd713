import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../lambdas/local/emulators/local-bus';
import { startLocalServer, type LocalServer } from '../../lambdas/local/http-server';
import { startLocalPipeline, type LocalPipeline } from '../../lambdas/local/pipeline';
import { readHistoryFiles, replay, type ReplayReport } from '../../lambdas/replay';
import { parseConfigText } from '../../lambdas/shared/config/load';
import type { DecisionRecord } from '../../lambdas/shared/decisions';
import { DetailType, type NotificationEvent, type ScalingActionEvent } from '../../lambdas/shared/events';
import { METRIC } from '../../lambdas/shared/metrics';
import { eventually, startAlertmanager, type RunningAlertmanager } from '../support/alertmanager';
import { needBinary } from '../support/binaries';
import { fakePagerduty, type FakePagerduty } from '../support/fakes/http-peer';
import { memoryLog } from '../support/fakes/log';

/**
 * Replay equals live: a local-mode session driven by a real Alertmanager is
 * recorded (`record`, as `serve --record` does), then the recording is
 * replayed with the same configuration. Both must have made the same
 * decisions, the same actions with the same outcomes, and leave every node
 * group at the same size.
 */

const TOKEN = 'e2e-replay-token';
const MINUTE = 60_000;

const config = (pagerdutyUrl: string) =>
  parseConfigText(`
node_groups:
  - { name: gpu-a100, asg_name: gpu-a100-nodes, min: 1, max: 16, local: { desired: 2 } }
  - { name: gpu-h100, asg_name: gpu-h100-nodes, min: 0, max: 8, local: { desired: 1 } }
  - { name: gpu-l4, asg_name: gpu-l4-nodes, min: 0, max: 32, local: { desired: 4 } }
route:
  receiver: quiet
  routes:
    - { matchers: ['alertname="GPUQueueDepthHigh"'], receiver: scale-up }
    - { matchers: ['alertname="NodeNotReady"', 'severity="critical"'], receiver: oncall }
receivers:
  - name: quiet
  - name: scale-up
    scale_configs: [{ node_group_label: nodegroup, change: 2, cooldown: 5m }]
  - name: oncall
    pagerduty_configs: [{ routing_key: e2e-replay-routing-key, url: '${pagerdutyUrl}' }]
`).config;

/** What a decision came to, without the instants (live takes a few ms more than the virtual clock between stages). */
type Outcomes = Pick<DecisionRecord, 'decisionId' | 'status' | 'receivers'> & { readonly actions: readonly Pick<DecisionRecord['actions'][number], 'actionId' | 'kind' | 'target' | 'outcome' | 'from' | 'to'>[] };
const outcomesOf = (decisions: readonly Outcomes[]) =>
  Object.fromEntries(
    decisions.map((d) => [
      d.decisionId,
      { status: d.status, receivers: d.receivers, actions: d.actions.map(({ actionId, kind, target, outcome, from, to }) => ({ actionId, kind, target, outcome, from: from ?? null, to: to ?? null })).sort((a, b) => a.actionId.localeCompare(b.actionId)) },
    ]),
  );

/** Scaling actions per node group, in order: scaling is serialized per group, while groups go on side by side live. */
const perGroup = (actions: readonly (readonly [string, string, number | null | undefined, number | null | undefined])[]) => {
  const groups: Record<string, unknown[]> = {};
  for (const [group, ...rest] of actions) (groups[group] ??= []).push(rest);
  return groups;
};
const scalingOfReplay = (report: ReplayReport) => perGroup(report.timeline.filter((row) => row.nodeGroup !== undefined).map((row) => [row.nodeGroup!, row.outcome, row.from, row.to] as const));

describe.runIf(needBinary('prometheus-alertmanager') && needBinary('amtool'))('replay equals live, with a real Alertmanager', () => {
  let pipeline: LocalPipeline;
  let server: LocalServer;
  let pagerduty: FakePagerduty;
  let recording: string;
  let now: number;
  let bus: EventEnvelope[];
  const alertmanagers: RunningAlertmanager[] = [];

  beforeEach(async () => {
    pagerduty = await fakePagerduty();
    recording = join(mkdtempSync(join(tmpdir(), 'alertscale-replay-e2e-')), 'history.jsonl');
    // A clock the test moves, so "a re-send after the cooldown" comes without waiting five minutes.
    now = Date.now();
    pipeline = await startLocalPipeline({ config: config(pagerduty.url), token: TOKEN, log: () => memoryLog(), clock: () => new Date(now), record: recording });
    server = await startLocalServer({ pipeline, token: TOKEN, log: memoryLog(), port: 0 });
    bus = [];
    pipeline.bus.subscribe((event) => bus.push(event));
  });
  afterEach(async () => {
    await Promise.all(alertmanagers.splice(0).map((am) => am.stop()));
    await server.close();
    await pipeline.stop();
    await pagerduty.close();
  });

  const startedAlertmanager = async (options: { groupWait?: string } = {}) => {
    const am = await startAlertmanager({ webhookUrl: `${server.url}/alertmanager`, token: TOKEN, groupInterval: '1s', repeatInterval: '1s', ...options });
    alertmanagers.push(am);
    return am;
  };
  /** Alerts of every notification that reached the bus, matching `test`. */
  const deliveries = (test: (labels: Record<string, string>, status: string) => boolean) =>
    bus.filter((e) => e['detail-type'] === DetailType.Notification).flatMap((e) => (e.detail as NotificationEvent).alerts.filter((a) => test(a.labels, a.status)));
  /** Posts alerts to an Alertmanager's API in one call, so all of them are in its groups before the first flush. */
  const post = async (am: RunningAlertmanager, alerts: readonly { labels: Record<string, string>; startsAt: string; endsAt?: string }[]) => {
    const response = await fetch(`${am.url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
    expect(response.status).toBe(200);
  };
  const desiredOf = async () => Object.fromEntries((await pipeline.nodeGroups()).map((g) => [g.name, g.desired]));

  /** Stops Alertmanager, lets local mode finish, and compares its decisions, actions and node groups with a replay of what it recorded. */
  async function expectReplayToEqualLive() {
    await Promise.all(alertmanagers.splice(0).map((am) => am.stop()));
    await pipeline.idle();
    const live = {
      decisions: outcomesOf(await pipeline.decisions.listRecent(10_000)),
      scaling: perGroup(bus.filter((e) => e['detail-type'] === DetailType.ScalingAction).map((e) => e.detail as ScalingActionEvent).map((a) => [a.nodeGroup, a.outcome, a.from, a.to] as const)),
      desired: await desiredOf(),
      deliveries: { new: pipeline.metrics.value(METRIC.AlertDeliveries, { outcome: 'new' }), stepped: pipeline.metrics.value(METRIC.AlertDeliveries, { outcome: 'stepped' }) },
    };
    const report = await replay({ config: pipeline.config, history: readHistoryFiles([recording]) });
    expect(report.problems).toEqual([]);
    expect(outcomesOf(report.decisions)).toEqual(live.decisions);
    expect(scalingOfReplay(report)).toEqual(live.scaling);
    expect(Object.fromEntries(report.nodeGroups.map((g) => [g.name, g.final]))).toEqual(live.desired);
    expect({ new: report.deliveries.new, stepped: report.deliveries.stepped }).toEqual(live.deliveries);
    return { live, report };
  }

  it('replays a session of scale-up, page, a re-send after the cooldown and resolves as it happened live', { timeout: 90_000 }, async () => {
    const am = await startedAlertmanager();
    const start = new Date(Date.now() - MINUTE).toISOString();
    const queue = { alertname: 'GPUQueueDepthHigh', nodegroup: 'gpu-a100', queue: 'train', severity: 'warning' };
    const node = { alertname: 'NodeNotReady', nodegroup: 'gpu-h100', node: 'ip-10-0-1-7', severity: 'critical' };

    await am.addAlert(queue, { start });
    await eventually(() => (deliveries((l) => l.queue === 'train').length >= 3 ? true : undefined), 'three deliveries of the queue alert');
    await am.addAlert(node, { start, annotations: { summary: 'node not ready' } });
    await eventually(() => pagerduty.events.find((e) => e.event_action === 'trigger'), 'the page');
    await pipeline.idle();
    expect((await desiredOf())['gpu-a100']).toBe(4);

    // The cooldown passes while the alert still fires: a re-send steps again.
    now += 5 * MINUTE;
    await eventually(async () => ((await desiredOf())['gpu-a100'] === 6 ? true : undefined), 'the step after the cooldown');
    await am.addAlert(node, { start, end: new Date(Date.now() - 1000).toISOString() });
    await eventually(() => pagerduty.events.find((e) => e.event_action === 'resolve'), 'the resolve page');
    await am.addAlert(queue, { start, end: new Date(Date.now() - 1000).toISOString() });
    await eventually(() => (deliveries((l, status) => l.queue === 'train' && status === 'resolved').length > 0 ? true : undefined), 'the resolved queue alert');

    const { report } = await expectReplayToEqualLive();
    // What the session was about happened in the replay too (so the comparison above is not of two empty runs).
    expect(report.nodeGroups.find((g) => g.name === 'gpu-a100')).toMatchObject({ start: 2, final: 6, actions: { scaled: 2 } });
    expect(report.pages).toEqual({ pagerduty: 2 });
  });

  it('replays a storm sent by two Alertmanager replicas as it happened live', { timeout: 90_000 }, async () => {
    // As an HA pair sends: the second replica half a beat after the first (Alertmanager staggers
    // replicas by their position × peer_timeout, 15s by default). Two copies at the very same
    // instant would land in two router batches at once locally, and which batch creates which
    // decision would then be a race no replay could repeat.
    const replicas = [await startedAlertmanager({ groupWait: '2s' }), await startedAlertmanager({ groupWait: '2500ms' })];
    // Fresh alerts: Alertmanager flushes a new group at once, not after group_wait, for an alert older than group_wait.
    const startsAt = new Date().toISOString();
    const alerts = [
      ...['gpu-a100', 'gpu-h100', 'gpu-l4'].flatMap((nodegroup) => Array.from({ length: 10 }, (_, i) => ({ labels: { alertname: 'GPUQueueDepthHigh', nodegroup, queue: `storm-${nodegroup}-${i}`, severity: 'warning' }, startsAt }))),
      ...[1, 2].map((n) => ({ labels: { alertname: 'NodeNotReady', nodegroup: 'gpu-l4', node: `ip-10-0-2-${n}`, severity: 'critical' }, startsAt })),
    ];
    await Promise.all(replicas.map((am) => post(am, alerts)));
    const storm = (l: Record<string, string>) => l.queue?.startsWith('storm-') === true || l.node?.startsWith('ip-10-0-2-') === true;
    // Every alert from each replica at least once.
    await eventually(() => (deliveries(storm).length >= 2 * alerts.length ? true : undefined), 'the storm from both replicas', 30_000);
    await pipeline.idle();
    expect(await desiredOf()).toEqual({ 'gpu-a100': 4, 'gpu-h100': 3, 'gpu-l4': 6 });

    now += 5 * MINUTE;
    const seen = deliveries(storm).length;
    await eventually(() => (deliveries(storm).length >= seen + 2 * alerts.length ? true : undefined), 'both replicas re-sending the storm', 30_000);
    const endsAt = new Date(Date.now() - 1000).toISOString();
    await Promise.all(replicas.map((am) => post(am, alerts.map((a) => ({ ...a, endsAt })))));
    await eventually(() => (deliveries((l, status) => storm(l) && status === 'resolved').length >= 2 * alerts.length ? true : undefined), 'the resolves from both replicas', 30_000);

    const { report } = await expectReplayToEqualLive();
    expect(report.deliveries.duplicate).toBeGreaterThan(report.deliveries.new);
    expect(report.nodeGroups.map((g) => g.actions.scaled)).toEqual([2, 2, 2]);
  });
});
