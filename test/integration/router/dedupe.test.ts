import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../../lambdas/local/emulators/local-bus';
import { memoryLog } from '../../support/fakes/log';
import { startLocalPipeline, type LocalPipeline } from '../../../lambdas/local/pipeline';
import { parseConfigText } from '../../../lambdas/shared/config/load';
import { DetailType, type ScaleRequested } from '../../../lambdas/shared/events';
import { METRIC } from '../../../lambdas/shared/metrics';
import { alert, fixture, webhook } from '../../support/builders';

const TOKEN = 'dedupe-test-token';
const CONFIG = `
node_groups:
  - { name: gpu-a100, asg_name: gpu-a100-nodes, min: 1, max: 16 }
route:
  receiver: oncall
  routes:
    - matchers: ['alertname="GPUQueueDepthHigh"']
      receiver: scale-up
receivers:
  - name: scale-up
    scale_configs: [{ node_group_label: nodegroup, change: 2, cooldown: 5m }]
  - name: oncall
    webhook_configs: [{ url: 'http://127.0.0.1:9/hook', signing_key: k }]
settings: { decision_ttl: 1h }
`;

let now: Date;
let pipeline: LocalPipeline;
let events: EventEnvelope[];

beforeEach(async () => {
  now = new Date('2026-11-20T10:05:00Z');
  pipeline = await startLocalPipeline({
    config: parseConfigText(CONFIG).config,
    token: TOKEN,
    log: () => memoryLog(),
    clock: () => now,
  });
  events = [];
  pipeline.bus.subscribe((event) => events.push(event));
});

afterEach(async () => {
  await pipeline.stop();
});

const deliver = async (body: unknown) => {
  const response = await pipeline.ingest({ headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });
  expect(response.statusCode).toBe(200);
};
const scaleRequests = () => events.filter((e) => e['detail-type'] === DetailType.ScaleRequested).map((e) => e.detail as ScaleRequested);
/** The decisions scale requests served, one entry per decision and request. */
const scaled = () => scaleRequests().flatMap((r) => r.alerts.map((a) => a.decisionId));
/** Alert deliveries counted with each outcome (the duplicates counter of v1 is a metric now). */
const deliveries = (outcome: 'new' | 'duplicate' | 'stepped') => pipeline.metrics.value(METRIC.AlertDeliveries, { outcome });
const queueAlert = (queue: string, overrides = {}) =>
  alert({ alertname: 'GPUQueueDepthHigh', nodegroup: 'gpu-a100', queue, severity: 'warning' }, overrides);

describe('dedupe: one decision per alert occurrence', () => {
  it('records one decision for the same webhook posted twice, counting the second as a duplicate', async () => {
    const body = webhook([queueAlert('q0')]);
    await deliver(body);
    await pipeline.idle();
    await deliver(body);
    await pipeline.idle();

    const decisions = await pipeline.decisions.listRecent(100);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({ status: 'firing', receivers: ['scale-up'] });
    expect([deliveries('new'), deliveries('duplicate')]).toEqual([1, 1]);
    expect(scaled()).toHaveLength(1);
  });

  it('records one decision when two Alertmanager replicas send the same alert at once', async () => {
    const body = webhook([queueAlert('q0'), queueAlert('q1')]);
    await Promise.all([deliver(body), deliver(body), deliver(body), deliver(body)]);
    await pipeline.idle();

    const decisions = await pipeline.decisions.listRecent(100);
    expect(decisions).toHaveLength(2);
    expect([deliveries('new'), deliveries('duplicate')]).toEqual([2, 6]);
    expect(scaleRequests().flatMap((r) => r.alerts.map((a) => a.alert.labels.queue)).sort()).toEqual(['q0', 'q1']);
  });

  it('handles a group re-send where one alert resolved and two still fire: the resolve once, the firing ones not again', async () => {
    // The real shape Alertmanager 0.25 sends (../shared/alertmanager-0.25-payloads/one-resolved-two-firing.json).
    const firing = fixture<{ alerts: { status: string; endsAt: string }[] }>('alertmanager/queue-depth-group.json');
    firing.alerts = firing.alerts.map((a) => ({ ...a, status: 'firing', endsAt: '0001-01-01T00:00:00Z' }));
    await deliver(firing);
    await pipeline.idle();
    const resend = fixture('alertmanager/queue-depth-group.json');
    await deliver(resend);
    await deliver(resend);
    await pipeline.idle();

    const decisions = await pipeline.decisions.listRecent(100);
    expect(decisions.map((d) => `${d.labels.queue}:${d.status}`).sort()).toEqual(['infer-0:firing', 'infer-0:resolved', 'train-0:firing', 'train-1:firing']);
    // The first post: three new; the two re-sends: the resolve once new, everything else a duplicate.
    expect([deliveries('new'), deliveries('duplicate')]).toEqual([4, 5]);
    expect(scaled()).toHaveLength(3);
  });

  it('gives ten notifications of one group from two Alertmanagers exactly one decision per occurrence', async () => {
    const body = webhook([queueAlert('q0'), queueAlert('q1'), queueAlert('q2')]);
    for (let round = 0; round < 10; round++) {
      await Promise.all([deliver(body), deliver(body)]);
    }
    await pipeline.idle();

    const decisions = await pipeline.decisions.listRecent(100);
    expect(decisions).toHaveLength(3);
    expect([deliveries('new'), deliveries('duplicate')]).toEqual([3, 57]);
    expect(scaled()).toHaveLength(3);
  });

  it('treats timestamps that differ only in trailing zeros as the same occurrence', async () => {
    await deliver(webhook([queueAlert('q0', { startsAt: '2026-11-20T10:00:00.500Z' })]));
    await deliver(webhook([queueAlert('q0', { startsAt: '2026-11-20T10:00:00.5Z' })]));
    await pipeline.idle();
    expect(await pipeline.decisions.listRecent(100)).toHaveLength(1);
  });
});

describe('dedupe: a still-firing alert keeps working', () => {
  it('steps again once when re-sent after the cooldown, and not before', async () => {
    const body = webhook([queueAlert('q0')]);
    await deliver(body);
    await pipeline.idle();

    now = new Date(now.getTime() + 5 * 60_000 - 1);
    await deliver(body);
    await pipeline.idle();
    expect(scaled()).toHaveLength(1);

    now = new Date(now.getTime() + 1);
    await Promise.all([deliver(body), deliver(body), deliver(body)]);
    await pipeline.idle();

    const steps = scaleRequests().map((r) => r.alerts[0]!.actionId.split('/').pop());
    expect(steps).toEqual(['step1', 'step2']);
    expect([deliveries('new'), deliveries('duplicate'), deliveries('stepped')]).toEqual([1, 3, 1]);
    const [decision] = await pipeline.decisions.listRecent(1);
    expect(decision).toMatchObject({ step: 2 });
    expect(decision!.actions.map((a) => a.actionId.split('/').pop())).toEqual(['step1', 'step2']);
  });

  it('does not step a resolved alert again', async () => {
    const body = webhook([queueAlert('q0', { status: 'resolved', endsAt: '2026-11-20T10:04:00Z' })]);
    await deliver(body);
    await pipeline.idle();
    now = new Date(now.getTime() + 30 * 60_000); // well past any cooldown, within the TTL
    await deliver(body);
    await pipeline.idle();
    expect(scaleRequests()).toHaveLength(0);
    expect((await pipeline.decisions.listRecent(10))[0]).toMatchObject({ status: 'resolved' });
    expect([deliveries('new'), deliveries('duplicate'), deliveries('stepped')]).toEqual([1, 1, 0]);
  });
});

describe('dedupe: expiry', () => {
  it('treats a decision past its TTL as absent, since DynamoDB deletes it up to days late', async () => {
    const body = webhook([queueAlert('q0')]);
    await deliver(body);
    await pipeline.idle();
    expect(await pipeline.decisions.listRecent(10)).toHaveLength(1);

    now = new Date(now.getTime() + 61 * 60_000);
    expect(await pipeline.decisions.listRecent(10)).toHaveLength(0);
    await deliver(body);
    await pipeline.idle();

    const decisions = await pipeline.decisions.listRecent(10);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({ createdAt: now.toISOString() });
    expect(scaled()).toHaveLength(2);
  });
});
