import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { notificationEvents } from '../../../lambdas/ingest/ingest';
import { readHistory, type HistoryInput } from '../../../lambdas/replay/inputs/read';
import type { WebhookEntry } from '../../../lambdas/replay/history';
import { webhookSchema } from '../../../lambdas/shared/alertmanager';
import { alert, fixture, webhook } from '../../support/builders';

const RECEIVED = '2026-11-20T10:05:00.000Z';
const body = () => fixture('alertmanager/queue-depth-group.json');

/** The `Alertmanager Notification` events ingest puts on the bus for `raw`, as EventBridge delivers them to a target. */
function busEvents(raw: unknown, receivedAt = RECEIVED, notificationId = 'n-1', maxBytes?: number) {
  const parsed = webhookSchema.parse(raw);
  return notificationEvents(parsed, receivedAt, notificationId, maxBytes).map((event, i) => ({
    version: '0',
    id: `${notificationId}-${i}`,
    'detail-type': event.detailType,
    source: 'alertscale',
    account: '123456789012',
    time: receivedAt.replace('.000', ''),
    region: 'eu-west-1',
    resources: [],
    detail: event.detail,
  }));
}

const lines = (...values: unknown[]) => values.map((v) => JSON.stringify(v)).join('\n');
const read = (...inputs: HistoryInput[]) => readHistory(inputs);
const webhooks = (history: ReturnType<typeof readHistory>) => history.entries.filter((e): e is WebhookEntry => e.kind === 'webhook');

describe('readHistory: recordings', () => {
  it('reads serve --record lines in receivedAt order, whatever the file order', () => {
    const history = read({ name: 'history.jsonl', content: lines({ receivedAt: '2026-11-20T10:10:00Z', body: { n: 2 } }, { receivedAt: '2026-11-20T10:00:00Z', body: { n: 1 } }) });
    expect(webhooks(history).map((e) => [e.receivedAt, e.body, e.source.line])).toEqual([
      ['2026-11-20T10:00:00Z', { n: 1 }, 2],
      ['2026-11-20T10:10:00Z', { n: 2 }, 1],
    ]);
    expect([history.from, history.to]).toEqual([Date.parse('2026-11-20T10:00:00Z'), Date.parse('2026-11-20T10:10:00Z')]);
  });

  it('skips a line it cannot read and names its file and line, reading the rest', () => {
    const history = read({ name: 'history.jsonl', content: `${lines({ receivedAt: RECEIVED, body: body() })}\n{"receivedAt": "2026-11-20T10:06:00Z", "bo\n${lines({ receivedAt: 'yesterday', body: {} })}` });
    expect(webhooks(history)).toHaveLength(1);
    expect(history.problems.map((p) => [p.file, p.line])).toEqual([
      ['history.jsonl', 2],
      ['history.jsonl', 3],
    ]);
    expect(history.problems[1]!.message).toBe('receivedAt "yesterday" is not an ISO 8601 time');
  });

  it('refuses a bare webhook: without when it was received it cannot be put in order', () => {
    expect(read({ name: 'w.json', content: JSON.stringify(body()) }).problems[0]!.message).toMatch(/without the time it was received/);
  });
});

describe('readHistory: captured bus events', () => {
  it('reads an EventBridge event per line back into the webhook ingest received, at its receivedAt', () => {
    const history = read({ name: 'events.jsonl', content: lines(...busEvents(body())) });
    const [entry] = webhooks(history);
    expect(entry?.receivedAt).toBe(RECEIVED);
    const original = body() as { alerts: { labels: unknown }[] };
    expect((entry?.body as { alerts: { labels: unknown }[] }).alerts.map((a) => a.labels)).toEqual(original.alerts.map((a) => a.labels));
    expect(entry?.body).toMatchObject({ version: '4', receiver: 'alertscale', groupKey: (body() as { groupKey: string }).groupKey });
    expect(entry?.body).not.toHaveProperty('notificationId');
  });

  it('puts the parts of a split notification back together, alerts in part order, once each', () => {
    const big = webhook(Array.from({ length: 12 }, (_, i) => alert({ alertname: 'GPUQueueDepthHigh', nodegroup: 'gpu-a100', queue: `q${i}` }, { annotations: { description: 'x'.repeat(30_000) } })));
    const parts = busEvents(big, RECEIVED, 'big');
    expect(parts.length).toBeGreaterThan(1);
    // Parts out of order, and one read twice (overlapping exports).
    const history = read({ name: 'events.jsonl', content: lines(...[...parts].reverse(), parts[0]) });
    const entries = webhooks(history);
    expect(entries).toHaveLength(1);
    expect((entries[0]!.body as { alerts: { labels: { queue: string } }[] }).alerts.map((a) => a.labels.queue)).toEqual(big.alerts.map((a) => a.labels.queue));
    expect(history.problems).toEqual([]);
    expect(history.ignored).toBe(1);
  });

  it('replays a notification with a part missing with the alerts it has, and says which part is missing', () => {
    const big = webhook(Array.from({ length: 12 }, (_, i) => alert({ alertname: 'A', queue: `q${i}` }, { annotations: { description: 'x'.repeat(30_000) } })));
    const parts = busEvents(big, RECEIVED, 'big');
    const history = read({ name: 'events.jsonl', content: lines(...parts.slice(1)) });
    expect(webhooks(history)).toHaveLength(1);
    expect(history.problems[0]!.message).toBe(`notification big: part(s) 1 of ${parts.length} missing; replayed with the alerts of the parts present`);
  });

  it('ignores the other detail-types of a capture of the whole bus, counting them', () => {
    const other = { ...busEvents(body())[0]!, 'detail-type': 'Scaling Action', detail: {} };
    const history = read({ name: 'bus.jsonl', content: lines(other, ...busEvents(body()), { ...other, source: 'aws.autoscaling' }) });
    expect(webhooks(history)).toHaveLength(1);
    expect(history.ignored).toBe(2);
    expect(history.problems).toEqual([]);
  });

  it('reads the envelopes CloudWatch Logs and S3 give events back in', () => {
    const [event] = busEvents(body());
    const message = JSON.stringify(event);
    const tailNone = JSON.stringify({ logStreamName: 's', timestamp: 1, message, ingestionTime: 2, eventId: 'x' });
    const filterLogEvents = JSON.stringify({ events: [{ logStreamName: 's', timestamp: 1, message, eventId: 'y' }], searchedLogStreams: [] }, null, 4);
    const subscription = gzipSync(JSON.stringify({ messageType: 'DATA_MESSAGE', owner: '123456789012', logGroup: '/aws/events/alertscale', logStream: 's', subscriptionFilters: ['f'], logEvents: [{ id: 'z', timestamp: 1, message }] }));
    const control = JSON.stringify({ messageType: 'CONTROL_MESSAGE', logEvents: [{ id: 'c', timestamp: 1, message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.' }] });
    const firehose = gzipSync(`${message}${message.replace('"n-1-0"', '"n-1-0b"')}`);
    for (const input of [
      { name: 'tail-none.log', content: tailNone },
      { name: 'filter-log-events.json', content: filterLogEvents },
      { name: 's3/subscription.gz', content: subscription },
      { name: 's3/firehose-object', content: firehose },
      { name: 'array.json', content: JSON.stringify([event]) },
    ]) {
      const history = read(input);
      expect({ file: input.name, webhooks: webhooks(history).length, problems: history.problems }).toEqual({ file: input.name, webhooks: 1, problems: [] });
    }
    expect(read({ name: 'control.json', content: control }).ignored).toBe(1);
  });

  it('says which log event holds a message that is not JSON', () => {
    const history = read({ name: 'logs.json', content: JSON.stringify({ events: [{ message: 'START RequestId: 1' }] }) });
    expect(history.problems).toEqual([{ file: 'logs.json', line: 1, message: 'events[0].message: a log event whose message is not JSON' }]);
  });
});
