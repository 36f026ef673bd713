import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDecisionStore } from '../../../lambdas/adapters/dynamodb/decision-store';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../../lambdas/local/emulators/dynalite';
import { alertEvents } from '../../../lambdas/ingest/ingest';
import { memoryLog } from '../../support/fakes/log';
import { routerConsumer } from '../../../lambdas/router/consumer';
import { createRouter } from '../../../lambdas/router/router';
import { parseConfigText } from '../../../lambdas/shared/config/load';
import { DetailType, type BusEvent, type NotifyRequested, type ScaleRequested } from '../../../lambdas/shared/events';
import type { EventBus, PutOutcome } from '../../../lambdas/shared/publish';
import { alert, webhook } from '../../support/builders';

const config = parseConfigText(`
settings: { dry_run: true }
node_groups:
  - { name: gpu-a100, asg_name: a, min: 1, max: 4 }
route:
  receiver: oncall
  routes:
    - { matchers: ['alertname="GPUQueueDepthHigh"'], receiver: scale-up, continue: true }
    - { matchers: ['alertname="GPUUtilizationLow"'], receiver: scale-down }
    - { matchers: ['severity="critical"'], receiver: oncall }
receivers:
  - name: scale-up
    scale_configs: [{ node_group_label: nodegroup, change: 2 }]
  - name: scale-down
    scale_configs: [{ node_group: gpu-a100, change: -1, on: resolved }]
  - name: oncall
    pagerduty_configs: [{ routing_key: rk }]
    slack_configs: [{ api_url: 'https://hooks.slack.invalid/x' }]
`).config;

/** A bus that refuses every event whose alert has `poison` set. */
class SelectiveBus implements EventBus {
  readonly events: BusEvent[] = [];
  async putBatch(events: readonly BusEvent[]): Promise<readonly PutOutcome[]> {
    return events.map((event) => {
      if ((event.detail as ScaleRequested).alert.labels.poison) return { ok: false, errorCode: 'InternalFailure', errorMessage: 'refused' };
      this.events.push(event);
      return { ok: true };
    });
  }
}

let dynamo: EmbeddedDynamo;
beforeAll(async () => {
  dynamo = await startEmbeddedDynamo();
});
afterAll(async () => {
  await dynamo.stop();
});

let counter = 0;
const sqsEvent = (labelSets: Record<string, string>[], status: 'firing' | 'resolved' = 'firing'): SQSEvent => ({
  Records: alertEvents(webhook(labelSets.map((labels) => alert(labels, { status }))), '2026-11-20T10:00:00Z', 'n1').map((event, i) => ({
    messageId: `m${++counter}-${i}`,
    receiptHandle: 'r',
    body: JSON.stringify({ id: `event-${counter}-${i}`, 'detail-type': event.detailType, source: 'alertscale', detail: event.detail }),
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 's', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:1:q',
    awsRegion: 'us-east-1',
  })),
});

function routerWith(bus: EventBus, log = memoryLog()) {
  const decisions = new DynamoDecisionStore(dynamo.client, dynamo.tableName);
  const router = createRouter({ config, decisions, bus, clock: () => new Date('2026-11-20T10:00:00Z'), log, publish: { sleep: async () => {}, attempts: 2 } });
  return { decisions, route: routerConsumer(router, { log }) };
}

describe('router: SQS batches', () => {
  it('reports only the failing record, so SQS retries it and not the rest of the batch', async () => {
    const bus = new SelectiveBus();
    const { route } = routerWith(bus);
    const event = sqsEvent([
      { alertname: 'GPUQueueDepthHigh', nodegroup: 'gpu-a100', q: 'batch-a' },
      { alertname: 'GPUQueueDepthHigh', nodegroup: 'gpu-a100', q: 'batch-b', poison: 'yes' },
      { alertname: 'GPUQueueDepthHigh', nodegroup: 'gpu-a100', q: 'batch-c' },
    ]);
    const response = await route(event);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: event.Records[1]!.messageId }]);
    expect(new Set(bus.events.map((e) => (e.detail as ScaleRequested).alert.labels.q))).toEqual(new Set(['batch-a', 'batch-c']));
  });

  it('publishes the actions again when the very event that created a decision is redelivered after a failed publish', async () => {
    let refusals = 2; // both attempts of the first delivery
    const bus = new SelectiveBus();
    const flaky: EventBus = { putBatch: async (events) => (refusals-- > 0 ? events.map(() => ({ ok: false, errorCode: 'InternalFailure', errorMessage: 'down' }) as const) : bus.putBatch(events)) };
    const { route } = routerWith(flaky);
    const event = sqsEvent([{ alertname: 'GPUQueueDepthHigh', nodegroup: 'gpu-a100', q: 'redeliver' }]);

    expect((await route(event)).batchItemFailures).toHaveLength(1);
    expect(bus.events).toHaveLength(0);

    expect((await route(event)).batchItemFailures).toHaveLength(0);
    expect(bus.events.map((e) => e.detailType)).toEqual([DetailType.ScaleRequested]);

    // Another delivery of the same occurrence (another event id) is a duplicate: nothing more is published.
    await route(sqsEvent([{ alertname: 'GPUQueueDepthHigh', nodegroup: 'gpu-a100', q: 'redeliver' }]));
    expect(bus.events).toHaveLength(1);
  });

  it('fails a record that is not an Alertmanager Alert event and keeps the others', async () => {
    const log = memoryLog();
    const { route } = routerWith(new SelectiveBus(), log);
    const event = sqsEvent([{ alertname: 'GPUQueueDepthHigh', nodegroup: 'gpu-a100', q: 'good' }]);
    event.Records.push({ ...event.Records[0]!, messageId: 'garbage', body: '{"detail-type":"Something Else","id":"x","detail":{}}' });
    const response = await route(event);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'garbage' }]);
    expect(log.lines.join('\n')).toMatch(/could not route record.*garbage/);
  });
});

describe('router: what it decides', () => {
  it('asks to scale and to page, each channel once, for an alert that matches a continue route and a later one', async () => {
    const bus = new SelectiveBus();
    const { route, decisions } = routerWith(bus);
    await route(sqsEvent([{ alertname: 'GPUQueueDepthHigh', nodegroup: 'gpu-a100', q: 'decide-1', severity: 'critical' }]));
    const scale = bus.events.filter((e) => e.detailType === DetailType.ScaleRequested).map((e) => (e.detail as ScaleRequested).action);
    expect(scale).toEqual([expect.objectContaining({ nodeGroup: 'gpu-a100', change: 2, cooldownSeconds: 300, dryRun: true, step: 1 })]);
    const [decision] = (await decisions.listRecent(100)).filter((d) => d.labels.q === 'decide-1');
    expect(decision?.receivers).toEqual(['scale-up', 'oncall']);
    expect(decision?.actions.map((a) => `${a.kind}:${a.target}:${a.outcome}`)).toEqual(['scale:gpu-a100:requested', 'notify:pagerduty:requested', 'notify:slack:requested']);
  });

  it('records a scale action as skipped, with the reason, when the node group label names no configured group', async () => {
    const bus = new SelectiveBus();
    const { route, decisions } = routerWith(bus);
    await route(sqsEvent([{ alertname: 'GPUQueueDepthHigh', nodegroup: 'gpu-z9', q: 'decide-2' }]));
    expect(bus.events.some((e) => e.detailType === DetailType.ScaleRequested)).toBe(false);
    const [decision] = (await decisions.listRecent(100)).filter((d) => d.labels.q === 'decide-2');
    expect(decision?.actions[0]).toMatchObject({ outcome: 'skipped', detail: 'label nodegroup="gpu-z9" names no configured node group' });
  });

  it('scales down on resolve for a config with on: resolved', async () => {
    const bus = new SelectiveBus();
    const { route } = routerWith(bus);
    await route(sqsEvent([{ alertname: 'GPUUtilizationLow', q: 'decide-3' }], 'resolved'));
    const actions = bus.events.map((e) => (e.detail as ScaleRequested).action);
    expect(actions).toEqual([expect.objectContaining({ kind: 'scale', nodeGroup: 'gpu-a100', change: -1 })]);
  });

  it('sends a resolve only to channels whose send_resolved is on (PagerDuty by default, Slack not)', async () => {
    const bus = new SelectiveBus();
    const { route } = routerWith(bus);
    await route(sqsEvent([{ alertname: 'NodeNotReady', q: 'decide-4' }], 'resolved'));
    expect(bus.events.map((e) => (e.detail as NotifyRequested).action)).toEqual([expect.objectContaining({ kind: 'notify', channel: 'pagerduty' })]);
  });
});
