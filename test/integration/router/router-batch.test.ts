import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDecisionStore } from '../../../lambdas/adapters/dynamodb/decision-store';
import { notificationEvents } from '../../../lambdas/ingest/ingest';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../../lambdas/local/emulators/dynalite';
import { routerConsumer } from '../../../lambdas/router/consumer';
import { createRouter } from '../../../lambdas/router/router';
import { parseConfigText } from '../../../lambdas/shared/config/load';
import { DetailType, type AlertDecided, type BusEvent, type NotifyRequested, type ScaleRequested } from '../../../lambdas/shared/events';
import type { EventBus, PutOutcome } from '../../../lambdas/shared/publish';
import { alert, webhook } from '../../support/builders';
import { memoryLog } from '../../support/fakes/log';

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

/** The labels of every alert an event carries, whatever its detail-type. */
const labelsIn = (event: BusEvent): Record<string, string>[] => {
  const detail = event.detail as Partial<AlertDecided & ScaleRequested>;
  return detail.alert ? [detail.alert.labels] : (detail.alerts ?? []).map((a) => a.alert.labels);
};

/** A bus that refuses every event carrying an alert labelled `poison`. */
class SelectiveBus implements EventBus {
  readonly events: BusEvent[] = [];
  async putBatch(events: readonly BusEvent[]): Promise<readonly PutOutcome[]> {
    return events.map((event) => {
      if (labelsIn(event).some((labels) => labels.poison)) return { ok: false, errorCode: 'InternalFailure', errorMessage: 'refused' };
      this.events.push(event);
      return { ok: true };
    });
  }
  ofType<T>(detailType: string): T[] {
    return this.events.filter((e) => e.detailType === detailType).map((e) => e.detail as T);
  }
}

/** DynamoDB commands sent, by name, counted with SDK middleware on the real client. */
function countCommands(dynamo: EmbeddedDynamo): Map<string, number> {
  const counts = new Map<string, number>();
  dynamo.client.middlewareStack.add(
    (next, context) => async (args) => {
      counts.set(context.commandName ?? '?', (counts.get(context.commandName ?? '?') ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
  return counts;
}

let dynamo: EmbeddedDynamo;
let commands: Map<string, number>;
beforeAll(async () => {
  dynamo = await startEmbeddedDynamo();
  commands = countCommands(dynamo);
});
afterAll(async () => {
  await dynamo.stop();
});

let counter = 0;
/** One SQS record per notification, as EventBridge's SQS target delivers `Alertmanager Notification`. */
const records = (notifications: { labels: Record<string, string>[]; status?: 'firing' | 'resolved' }[]): SQSRecord[] =>
  notifications.flatMap(({ labels, status = 'firing' }) =>
    notificationEvents(webhook(labels.map((l) => alert(l, { status }))), '2026-11-20T10:00:00Z', `n${++counter}`).map((event, i) => ({
      messageId: `m${counter}-${i}`,
      receiptHandle: 'r',
      body: JSON.stringify({ id: `event-${counter}-${i}`, 'detail-type': event.detailType, source: 'alertscale', detail: event.detail }),
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 's', ApproximateFirstReceiveTimestamp: '0' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:1:q',
      awsRegion: 'us-east-1',
    })),
  );
const sqsEvent = (...batch: SQSRecord[][]): SQSEvent => ({ Records: batch.flat() });

function routerWith(bus: EventBus, log = memoryLog()) {
  const decisions = new DynamoDecisionStore(dynamo.client, dynamo.tableName);
  const router = createRouter({ config, decisions, bus, clock: () => new Date('2026-11-20T10:00:00Z'), log, publish: { sleep: async () => {}, attempts: 2 } });
  return { decisions, route: routerConsumer(router, { log }) };
}

const queue = (q: string, extra: Record<string, string> = {}) => ({ alertname: 'GPUQueueDepthHigh', nodegroup: 'gpu-a100', q, ...extra });

describe('router: SQS batches', () => {
  it('fails only the record whose events the bus refused, so SQS retries it and not the rest of the batch', async () => {
    const bus = new SelectiveBus();
    const { route } = routerWith(bus);
    const event = sqsEvent(records([{ labels: [queue('batch-a')] }, { labels: [{ alertname: 'NodeNotReady', severity: 'critical', q: 'batch-b', poison: 'yes' }] }, { labels: [queue('batch-c')] }]));

    const response = await route(event);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: event.Records[1]!.messageId }]);
    expect(bus.ofType<AlertDecided>(DetailType.AlertDecided).map((d) => d.alert.labels.q).sort()).toEqual(['batch-a', 'batch-c']);
  });

  it('publishes the actions again when the very event that created a decision is redelivered after a failed publish', async () => {
    let refusals = 2; // both attempts of the first delivery
    const bus = new SelectiveBus();
    const flaky: EventBus = { putBatch: async (events) => (refusals-- > 0 ? events.map(() => ({ ok: false, errorCode: 'InternalFailure', errorMessage: 'down' }) as const) : bus.putBatch(events)) };
    const { route } = routerWith(flaky);
    const event = sqsEvent(records([{ labels: [queue('redeliver')] }]));

    expect((await route(event)).batchItemFailures).toHaveLength(1);
    expect(bus.events).toHaveLength(0);

    expect((await route(event)).batchItemFailures).toHaveLength(0);
    expect(bus.events.map((e) => e.detailType)).toEqual([DetailType.AlertDecided, DetailType.ScaleRequested]);

    // Another delivery of the same occurrence (another event id) is a duplicate: nothing more is published.
    await route(sqsEvent(records([{ labels: [queue('redeliver')] }])));
    expect(bus.events).toHaveLength(2);
  });

  it('fails a record that is not an Alertmanager Notification event and keeps the others', async () => {
    const log = memoryLog();
    const { route } = routerWith(new SelectiveBus(), log);
    const event = sqsEvent(records([{ labels: [queue('good')] }]));
    event.Records.push({ ...event.Records[0]!, messageId: 'garbage', body: '{"detail-type":"Something Else","id":"x","detail":{}}' });
    const response = await route(event);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'garbage' }]);
    expect(log.lines.join('\n')).toMatch(/could not route record.*garbage/);
  });
});

describe('router: what a delivery costs', () => {
  const writes = () => (commands.get('PutItemCommand') ?? 0) + (commands.get('UpdateItemCommand') ?? 0);

  it('writes a new occurrence once, with one conditional write', async () => {
    const { route } = routerWith(new SelectiveBus());
    const before = writes();

    await route(sqsEvent(records([{ labels: [queue('cost-new')] }])));

    expect(writes() - before).toBe(1);
  });

  it('writes nothing for a duplicate: it costs a share of one batched read', async () => {
    const { route } = routerWith(new SelectiveBus());
    await route(sqsEvent(records([{ labels: [queue('cost-dup-0'), queue('cost-dup-1'), queue('cost-dup-2')] }])));
    const [writesBefore, readsBefore] = [writes(), commands.get('BatchGetItemCommand') ?? 0];

    await route(sqsEvent(records([{ labels: [queue('cost-dup-0'), queue('cost-dup-1'), queue('cost-dup-2')] }])));

    expect(writes() - writesBefore).toBe(0);
    expect((commands.get('BatchGetItemCommand') ?? 0) - readsBefore).toBe(1);
  });

  it('keeps one decision when two replicas deliver the same alerts at once, in two batches', async () => {
    const bus = new SelectiveBus();
    const { route, decisions } = routerWith(bus);
    const labels = [queue('replica-0'), queue('replica-1')];

    await Promise.all([route(sqsEvent(records([{ labels }]))), route(sqsEvent(records([{ labels }])))]);

    const found = (await decisions.listRecent(1000)).filter((d) => d.labels.q?.startsWith('replica-'));
    expect(found).toHaveLength(2);
    expect(bus.ofType<AlertDecided>(DetailType.AlertDecided).filter((d) => d.alert.labels.q?.startsWith('replica-'))).toHaveLength(2);
    expect(bus.ofType<ScaleRequested>(DetailType.ScaleRequested).flatMap((r) => r.decisionIds).filter((id) => found.some((d) => d.decisionId === id))).toHaveLength(2);
  });
});

describe('router: coalescing', () => {
  it('asks for one step per node group and scale config for ten alerts of one batch, listing the ten decisions', async () => {
    const bus = new SelectiveBus();
    const { route } = routerWith(bus);
    const alerts = Array.from({ length: 10 }, (_, i) => queue(`coalesce-${i}`));

    await route(sqsEvent(records([{ labels: alerts.slice(0, 5) }, { labels: alerts.slice(5) }])));

    const [request, ...more] = bus.ofType<ScaleRequested>(DetailType.ScaleRequested);
    expect(more).toEqual([]);
    expect(request).toMatchObject({ nodeGroup: 'gpu-a100', receiver: 'scale-up', configIndex: 0, change: 2, cooldownSeconds: 300, dryRun: true });
    expect(request?.decisionIds).toHaveLength(10);
    expect(new Set(request?.alerts.map((a) => a.alert.labels.q))).toEqual(new Set(alerts.map((a) => a.q)));
  });

  it('asks for one notification per channel config and Alertmanager group notification', async () => {
    const bus = new SelectiveBus();
    const { route } = routerWith(bus);
    const critical = (q: string) => ({ alertname: 'NodeNotReady', severity: 'critical', q });

    await route(sqsEvent(records([{ labels: [critical('page-0'), critical('page-1')] }, { labels: [critical('page-2')] }])));

    const requests = bus.ofType<NotifyRequested>(DetailType.NotifyRequested);
    expect(requests.map((r) => `${r.channel}:${r.alerts.length}`).sort()).toEqual(['pagerduty:1', 'pagerduty:2', 'slack:1', 'slack:2']);
    expect(new Set(requests.map((r) => r.group.notificationId)).size).toBe(2);
  });
});

describe('router: what it decides', () => {
  it('asks to scale and to page, each channel once, for an alert that matches a continue route and a later one', async () => {
    const bus = new SelectiveBus();
    const { route, decisions } = routerWith(bus);
    await route(sqsEvent(records([{ labels: [queue('decide-1', { severity: 'critical' })] }])));
    expect(bus.ofType<ScaleRequested>(DetailType.ScaleRequested)).toEqual([expect.objectContaining({ nodeGroup: 'gpu-a100', change: 2, cooldownSeconds: 300, dryRun: true })]);
    const [decision] = (await decisions.listRecent(1000)).filter((d) => d.labels.q === 'decide-1');
    expect(decision?.receivers).toEqual(['scale-up', 'oncall']);
    expect(decision?.actions.map((a) => `${a.kind}:${a.target}:${a.outcome}`)).toEqual(['scale:gpu-a100:requested', 'notify:pagerduty:requested', 'notify:slack:requested']);
    expect(bus.ofType<AlertDecided>(DetailType.AlertDecided)).toEqual([
      expect.objectContaining({ decisionId: decision?.decisionId, receivers: ['scale-up', 'oncall'], step: 1, actions: expect.arrayContaining([expect.objectContaining({ kind: 'scale', outcome: 'requested' })]) }),
    ]);
  });

  it('records a scale action as skipped, with the reason, when the node group label names no configured group', async () => {
    const bus = new SelectiveBus();
    const { route, decisions } = routerWith(bus);
    await route(sqsEvent(records([{ labels: [{ alertname: 'GPUQueueDepthHigh', nodegroup: 'gpu-z9', q: 'decide-2' }] }])));
    expect(bus.events.some((e) => e.detailType === DetailType.ScaleRequested)).toBe(false);
    const [decision] = (await decisions.listRecent(1000)).filter((d) => d.labels.q === 'decide-2');
    expect(decision?.actions[0]).toMatchObject({ outcome: 'skipped', detail: 'label nodegroup="gpu-z9" names no configured node group' });
  });

  it('scales down on resolve for a config with on: resolved', async () => {
    const bus = new SelectiveBus();
    const { route } = routerWith(bus);
    await route(sqsEvent(records([{ labels: [{ alertname: 'GPUUtilizationLow', q: 'decide-3' }], status: 'resolved' }])));
    expect(bus.ofType<ScaleRequested>(DetailType.ScaleRequested)).toEqual([expect.objectContaining({ nodeGroup: 'gpu-a100', change: -1 })]);
  });

  it('sends a resolve only to channels whose send_resolved is on (PagerDuty by default, Slack not), and says why not to the others', async () => {
    const bus = new SelectiveBus();
    const { route, decisions } = routerWith(bus);
    await route(sqsEvent(records([{ labels: [{ alertname: 'NodeNotReady', q: 'decide-4' }], status: 'resolved' }])));
    expect(bus.ofType<NotifyRequested>(DetailType.NotifyRequested)).toEqual([expect.objectContaining({ channel: 'pagerduty' })]);
    const [decision] = (await decisions.listRecent(1000)).filter((d) => d.labels.q === 'decide-4');
    expect(decision?.actions.find((a) => a.target === 'slack')).toMatchObject({ outcome: 'skipped', detail: 'resolved, and send_resolved is false' });
  });
});
