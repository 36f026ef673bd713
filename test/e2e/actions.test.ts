import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { memoryLog } from '../support/fakes/log';
import { controlRoutes } from '../../lambdas/local/control-routes';
import { startLocalServer, type LocalServer } from '../../lambdas/local/http-server';
import { startLocalPipeline, type LocalPipeline } from '../../lambdas/local/pipeline';
import { parseConfigText } from '../../lambdas/shared/config/load';
import { eventually, startAlertmanager, type RunningAlertmanager } from '../support/alertmanager';
import { needBinary } from '../support/binaries';
import { fakePagerduty, type FakePagerduty } from '../support/fakes/http-peer';
import { DetailType, type NotificationEvent } from '../../lambdas/shared/events';

const TOKEN = 'e2e-actions-token';

describe.runIf(needBinary('prometheus-alertmanager') && needBinary('amtool'))('end to end with a real Alertmanager: actions', () => {
  let pipeline: LocalPipeline;
  let server: LocalServer;
  let pagerduty: FakePagerduty;
  let now: number;
  const alertmanagers: RunningAlertmanager[] = [];

  beforeAll(async () => {
    pagerduty = await fakePagerduty();
    const config = parseConfigText(`
node_groups:
  - { name: gpu-a100, asg_name: gpu-a100-nodes, min: 1, max: 16, local: { desired: 2 } }
  - { name: gpu-h100, asg_name: gpu-h100-nodes, min: 0, max: 8, local: { desired: 1 } }
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
    pagerduty_configs: [{ routing_key: e2e-routing-key, url: '${pagerduty.url}' }]
`).config;
    // A clock the test moves, so "once per cooldown" is checked at the cooldown, not by waiting five minutes.
    now = Date.now();
    pipeline = await startLocalPipeline({ config, token: TOKEN, log: () => memoryLog(), clock: () => new Date(now) });
    server = await startLocalServer({ pipeline, token: TOKEN, log: memoryLog(), port: 0, routes: controlRoutes(pipeline) });
  });
  afterEach(async () => {
    await Promise.all(alertmanagers.splice(0).map((am) => am.stop()));
  });
  afterAll(async () => {
    await server.close();
    await pipeline.stop();
    await pagerduty.close();
  });

  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  };
  const desiredOf = async (name: string) => (await api<{ name: string; desired: number }[]>('/api/node-groups')).find((g) => g.name === name)?.desired;
  /** How many times the alert with this queue label has reached alertscale (one per notification carrying it). */
  const deliveriesOf = (queue: string) =>
    pipeline.events.newest(10_000, DetailType.Notification).filter((e) => (e.detail as NotificationEvent).alerts.some((alert) => alert.labels.queue === queue)).length;

  it('raises a node group once per cooldown, however many times Alertmanager re-sends the alert', async () => {
    const am = await startAlertmanager({ webhookUrl: `${server.url}/alertmanager`, token: TOKEN, groupInterval: '1s', repeatInterval: '1s' });
    alertmanagers.push(am);
    expect(await desiredOf('gpu-a100')).toBe(2);
    await am.addAlert({ alertname: 'GPUQueueDepthHigh', nodegroup: 'gpu-a100', queue: 'train', severity: 'warning' }, { start: new Date(now - 60_000).toISOString() });

    // Five deliveries within the cooldown: one raise.
    await eventually(() => deliveriesOf('train') >= 5 || undefined, 'five deliveries of the alert');
    await pipeline.idle();
    expect(await desiredOf('gpu-a100')).toBe(4);
    const [group] = await api<{ name: string; lastScalingAction: { outcome: string; from: number; to: number } }[]>('/api/node-groups');
    expect(group?.lastScalingAction).toMatchObject({ outcome: 'scaled', from: 2, to: 4 });

    // The cooldown passes while the alert still fires: the next re-send steps once more.
    now += 5 * 60_000;
    await eventually(async () => ((await desiredOf('gpu-a100')) === 6 ? true : undefined), 'the second step');
    const seen = deliveriesOf('train');
    await eventually(() => (deliveriesOf('train') >= seen + 3 ? true : undefined), 'three more re-sends');
    await pipeline.idle();
    expect(await desiredOf('gpu-a100')).toBe(6);
    expect(await desiredOf('gpu-h100')).toBe(1);
  });

  it('pages PagerDuty with trigger for a critical NodeNotReady and resolve with the same dedup_key', async () => {
    const am = await startAlertmanager({ webhookUrl: `${server.url}/alertmanager`, token: TOKEN });
    alertmanagers.push(am);
    const labels = { alertname: 'NodeNotReady', node: 'ip-10-0-1-7', nodegroup: 'gpu-h100', severity: 'critical' };
    const start = new Date(Date.now() - 300_000).toISOString();
    await am.addAlert(labels, { start, annotations: { summary: 'node not ready for 5m' } });
    const trigger = await eventually(() => pagerduty.events.find((e) => e.event_action === 'trigger'), 'the PagerDuty trigger');
    expect(trigger).toMatchObject({ routing_key: 'e2e-routing-key', payload: { summary: 'node not ready for 5m', severity: 'critical' } });

    await am.addAlert(labels, { start, end: new Date(Date.now() - 1000).toISOString() });
    const resolve = await eventually(() => pagerduty.events.find((e) => e.event_action === 'resolve'), 'the PagerDuty resolve');
    expect(resolve.dedup_key).toBe(trigger.dedup_key);
    await pipeline.idle();
    expect(pagerduty.events.filter((e) => e.dedup_key === trigger.dedup_key).map((e) => e.event_action)).toEqual(['trigger', 'resolve']);
  });
});
