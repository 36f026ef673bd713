import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../lambdas/local/emulators/local-bus';
import { memoryLog } from '../support/fakes/log';
import { startLocalServer, type LocalServer } from '../../lambdas/local/http-server';
import { startLocalPipeline, type LocalPipeline } from '../../lambdas/local/pipeline';
import { parseConfigText } from '../../lambdas/shared/config/load';
import { DetailType, type AlertDecided, type NotificationEvent, type ScaleRequested } from '../../lambdas/shared/events';
import { eventually, startAlertmanager, type RunningAlertmanager } from '../support/alertmanager';
import { needBinary } from '../support/binaries';

const TOKEN = 'e2e-token-5d1c';
const CONFIG = `
node_groups:
  - { name: gpu-a100, asg_name: gpu-a100-nodes, min: 1, max: 16, local: { desired: 2 } }
route:
  receiver: quiet
  routes:
    - { matchers: ['alertname="GPUQueueDepthHigh"'], receiver: scale-up }
receivers:
  - name: quiet
  - name: scale-up
    scale_configs: [{ node_group_label: nodegroup, change: 2, cooldown: 1h }]
`;

describe.runIf(needBinary('prometheus-alertmanager') && needBinary('amtool'))('end to end with a real Alertmanager', () => {
  let pipeline: LocalPipeline;
  let server: LocalServer;
  let busEvents: EventEnvelope[];
  const alertmanagers: RunningAlertmanager[] = [];

  beforeAll(async () => {
    pipeline = await startLocalPipeline({ config: parseConfigText(CONFIG).config, token: TOKEN, log: () => memoryLog() });
    server = await startLocalServer({ pipeline, token: TOKEN, log: memoryLog(), port: 0 });
    busEvents = [];
    pipeline.bus.subscribe((event) => busEvents.push(event));
  });
  afterEach(async () => {
    await Promise.all(alertmanagers.splice(0).map((am) => am.stop()));
  });
  afterAll(async () => {
    await server.close();
    await pipeline.stop();
  });

  /** Every alert in every notification event on the bus, with the notification it came in. */
  const alertEvents = () =>
    busEvents
      .filter((e) => e['detail-type'] === DetailType.Notification)
      .flatMap((e) => {
        const notification = e.detail as NotificationEvent;
        return notification.alerts.map((alert) => ({ alert, notification }));
      });
  const detailsOf = <T>(detailType: string) => busEvents.filter((e) => e['detail-type'] === detailType).map((e) => e.detail as T);
  const startedAlertmanager = async (options: { repeatInterval?: string; groupInterval?: string } = {}) => {
    const am = await startAlertmanager({ webhookUrl: `${server.url}/alertmanager`, token: TOKEN, ...options });
    alertmanagers.push(am);
    return am;
  };

  it('puts every notification Alertmanager sends on the local bus as one Alertmanager Notification event', async () => {
    const am = await startedAlertmanager();
    const start = new Date(Date.now() - 60_000).toISOString();
    for (const queue of ['e2e-q0', 'e2e-q1', 'e2e-q2']) {
      await am.addAlert({ alertname: 'GPUQueueDepthHigh', nodegroup: 'gpu-a100', queue, severity: 'warning' }, { start, annotations: { summary: `${queue} deep` } });
    }

    // Alertmanager may send the group more than once while alerts join it: keep the latest event per alert.
    const events = await eventually(() => {
      const latest = new Map(alertEvents().filter((e) => e.alert.labels.queue?.startsWith('e2e-q')).map((e) => [e.alert.labels.queue, e]));
      return latest.size >= 3 ? [...latest.values()] : undefined;
    }, 'three alert events on the bus');

    expect(events.map((e) => e.alert.labels.queue).sort()).toEqual(['e2e-q0', 'e2e-q1', 'e2e-q2']);
    for (const event of events) {
      expect(event.alert).toMatchObject({ status: 'firing', annotations: { summary: `${event.alert.labels.queue} deep` } });
      expect(event.alert.fingerprint).toMatch(/^[0-9a-f]{16}$/);
      expect(event.notification).toMatchObject({ receiver: 'alertscale', groupKey: expect.stringContaining('GPUQueueDepthHigh'), externalURL: expect.stringContaining('http'), part: 1, parts: 1 });
      expect(Date.parse(event.alert.startsAt)).toBe(Date.parse(start));
    }
  });

  it('records one decision per occurrence from two Alertmanagers re-sending the group, and publishes nothing for the extra deliveries', async () => {
    const replicas = [await startedAlertmanager({ groupInterval: '1s', repeatInterval: '1s' }), await startedAlertmanager({ groupInterval: '1s', repeatInterval: '1s' })];
    const start = new Date(Date.now() - 30_000).toISOString();
    const labels = (queue: string) => ({ alertname: 'GPUQueueDepthHigh', nodegroup: 'gpu-a100', queue, severity: 'warning' });
    for (const am of replicas) {
      for (const queue of ['ha-0', 'ha-1']) await am.addAlert(labels(queue), { start });
    }
    const deliveries = () => alertEvents().filter((e) => e.alert.labels.queue?.startsWith('ha-'));
    // Ten notifications of the group: five from each replica at least.
    await eventually(() => (deliveries().length >= 20 ? true : undefined), 'ten notifications of the group', 30_000);
    await Promise.all(alertmanagers.splice(0).map((am) => am.stop()));
    await pipeline.idle();

    const response = await fetch(`${server.url}/api/decisions?limit=100`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const decisions = ((await response.json()) as { decisionId: string; labels: Record<string, string>; status: string }[]).filter((d) => d.labels.queue?.startsWith('ha-'));
    expect(decisions.map((d) => d.labels.queue).sort()).toEqual(['ha-0', 'ha-1']);
    expect(decisions.every((d) => d.status === 'firing')).toBe(true);
    const ids = new Set(decisions.map((d) => d.decisionId));
    expect(detailsOf<AlertDecided>(DetailType.AlertDecided).filter((d) => ids.has(d.decisionId))).toHaveLength(2);
    expect(detailsOf<ScaleRequested>(DetailType.ScaleRequested).flatMap((r) => r.decisionIds).filter((id) => ids.has(id)).sort()).toEqual([...ids].sort());
  });

  it('records the resolve of an occurrence as its own decision, once', async () => {
    const am = await startedAlertmanager();
    const start = new Date(Date.now() - 120_000).toISOString();
    const labels = { alertname: 'GPUQueueDepthHigh', nodegroup: 'gpu-a100', queue: 'resolve-0', severity: 'warning' };
    await am.addAlert(labels, { start });
    await eventually(() => (alertEvents().some((e) => e.alert.labels.queue === 'resolve-0') ? true : undefined), 'the firing alert');
    await am.addAlert(labels, { start, end: new Date(Date.now() - 1000).toISOString() });
    await eventually(() => (alertEvents().some((e) => e.alert.labels.queue === 'resolve-0' && e.alert.status === 'resolved') ? true : undefined), 'the resolve');
    await pipeline.idle();

    const decisions = (await pipeline.decisions.listRecent(1000)).filter((d) => d.labels.queue === 'resolve-0');
    expect(decisions.map((d) => d.status).sort()).toEqual(['firing', 'resolved']);
  });
});
