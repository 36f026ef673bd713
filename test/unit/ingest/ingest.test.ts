import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { EventBridgeBus } from '../../../lambdas/adapters/eventbridge/eventbridge-bus';
import { createIngest, type IngestDeps } from '../../../lambdas/ingest/ingest';
import { memoryLog } from '../../support/fakes/log';
import { DetailType, type AlertEvent } from '../../../lambdas/shared/events';
import { alert, fixture, webhook } from '../../support/builders';
import { RecordingBus } from '../../support/fakes/bus';

const TOKEN = 'test-token-7f3a9c';
const bearer = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

function ingestWith(overrides: Partial<IngestDeps> = {}) {
  const bus = new RecordingBus();
  const ingest = createIngest({
    bus,
    token: async () => TOKEN,
    log: memoryLog(),
    clock: () => new Date('2026-11-20T10:05:00Z'),
    publish: { sleep: async () => {} },
    ...overrides,
  });
  return { bus, ingest };
}

const post = (body: unknown, headers: Record<string, string> = bearer) => ({
  headers,
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('ingest: accepting Alertmanager notifications', () => {
  it('puts one Alertmanager Alert event per alert and answers 200 with the count', async () => {
    const { bus, ingest } = ingestWith();
    const response = await ingest(post(fixture('alertmanager/queue-depth-group.json')));
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ accepted: 3 });
    expect(bus.events.map((e) => e.detailType)).toEqual([DetailType.Alert, DetailType.Alert, DetailType.Alert]);
  });

  it('carries the alert, its group and the time received in each event', async () => {
    const { bus, ingest } = ingestWith();
    await ingest(post(fixture('alertmanager/queue-depth-group.json')));
    const detail = bus.events[0]!.detail as AlertEvent;
    expect(detail.alert).toMatchObject({
      status: 'firing',
      labels: { alertname: 'GPUQueueDepthHigh', queue: 'train-0' },
      startsAt: '2026-11-20T10:00:00.123456789Z',
      fingerprint: '1f3c2b9a0d4e5f60',
    });
    expect(detail.group).toMatchObject({ receiver: 'alertscale', groupKey: expect.stringContaining('GPUQueueDepthHigh'), externalURL: 'http://alertmanager:9093', size: 3 });
    expect(detail.receivedAt).toBe('2026-11-20T10:05:00.000Z');
  });

  it('gives every alert of one delivery the same notificationId and another delivery a new one', async () => {
    const { bus, ingest } = ingestWith();
    await ingest(post(fixture('alertmanager/queue-depth-group.json')));
    await ingest(post(fixture('alertmanager/queue-depth-group.json')));
    const ids = bus.events.map((e) => (e.detail as AlertEvent).group.notificationId);
    expect(new Set(ids.slice(0, 3)).size).toBe(1);
    expect(ids[3]).not.toBe(ids[0]);
  });

  it('computes the fingerprint Alertmanager would when the notification has none', async () => {
    const { bus, ingest } = ingestWith();
    const payload = webhook([alert({ alertname: 'GPUQueueDepthHigh', nodegroup: 'gpu-a100', queue: 'q0', severity: 'warning' }, { fingerprint: undefined })]);
    await ingest(post(payload));
    // The value Alertmanager 0.25 itself sent for this label set.
    expect((bus.events[0]!.detail as AlertEvent).alert.fingerprint).toBe('42dd21e424a1d6bf');
  });

  it('accepts and carries fields a newer Alertmanager adds', async () => {
    const { bus, ingest } = ingestWith();
    const payload = { ...webhook([alert({ alertname: 'A' })]), notification_reason: 'new', routeLabels: { team: 'ml' } };
    payload.alerts[0] = { ...payload.alerts[0]!, silencedBy: [] } as never;
    const response = await ingest(post(payload));
    expect(response.statusCode).toBe(200);
    const detail = bus.events[0]!.detail as AlertEvent & { group: Record<string, unknown>; alert: Record<string, unknown> };
    expect(detail.group.notification_reason).toBe('new');
    expect(detail.group.routeLabels).toEqual({ team: 'ml' });
    expect(detail.alert.silencedBy).toEqual([]);
  });

  it('accepts basic auth whose password is the token', async () => {
    const { ingest } = ingestWith();
    const basic = `Basic ${Buffer.from(`alertmanager:${TOKEN}`).toString('base64')}`;
    const response = await ingest(post(webhook([alert({ alertname: 'A' })]), { authorization: basic }));
    expect(response.statusCode).toBe(200);
  });

  it('decodes a base64-encoded body as API Gateway may deliver it', async () => {
    const { bus, ingest } = ingestWith();
    const body = Buffer.from(JSON.stringify(webhook([alert({ alertname: 'A' })]))).toString('base64');
    const response = await ingest({ headers: bearer, body, isBase64Encoded: true });
    expect(response.statusCode).toBe(200);
    expect(bus.events).toHaveLength(1);
  });

  it('puts 5,000 alerts in batches of at most 10 entries', async () => {
    const { bus, ingest } = ingestWith();
    const alerts = Array.from({ length: 5000 }, (_, i) => alert({ alertname: 'GPUQueueDepthHigh', queue: `q${i}` }));
    const response = await ingest(post(webhook(alerts)));
    expect(response.statusCode).toBe(200);
    expect(bus.events).toHaveLength(5000);
    expect(bus.calls).toBe(500);
  });
});

describe('ingest: refusing what it must not accept, with nothing put on the bus', () => {
  const cases: [string, ReturnType<typeof post>, number, RegExp][] = [
    ['no Authorization header', post(webhook([alert({ alertname: 'A' })]), {}), 401, /missing Authorization header/],
    ['a wrong token', post(webhook([alert({ alertname: 'A' })]), { authorization: 'Bearer nope' }), 401, /invalid token/],
    ['a token of another length', post(webhook([alert({ alertname: 'A' })]), { authorization: `Bearer ${TOKEN}x` }), 401, /invalid token/],
    ['an unsupported scheme', post(webhook([alert({ alertname: 'A' })]), { authorization: `Token ${TOKEN}` }), 401, /unsupported authorization scheme "token"/],
    ['basic auth with a wrong password', post(webhook([alert({ alertname: 'A' })]), { authorization: `Basic ${Buffer.from('u:x').toString('base64')}` }), 401, /invalid token/],
    ['a body that is not JSON', post('{"receiver":', bearer), 400, /^body is not JSON/],
    ['an empty body', post('', bearer), 400, /^body is not JSON/],
    ['a JSON array', post([], bearer), 400, /^body: /],
    ['no alerts', post({ ...webhook([alert({ alertname: 'A' })]), alerts: [] }), 400, /^alerts: must hold at least one alert$/],
    ['a wrong version', post({ ...webhook([alert({ alertname: 'A' })]), version: '3' }), 400, /^version: must be "4"/],
    ['a missing groupKey', post({ ...webhook([alert({ alertname: 'A' })]), groupKey: undefined }), 400, /^groupKey: /],
    ['an alert with an unknown status', post(webhook([alert({ alertname: 'A' }, { status: 'pending' as never })])), 400, /^alerts\[0\]\.status: /],
    ['a label value that is a number', post(webhook([alert({ alertname: 'A' }, { labels: { alertname: 7 as never } })])), 400, /^alerts\[0\]\.labels\.alertname: /],
    ['a startsAt that is not a timestamp', post(webhook([alert({ alertname: 'A' }, { startsAt: 'yesterday' })])), 400, /^alerts\[0\]\.startsAt: must be an RFC 3339 timestamp$/],
    ['a negative truncatedAlerts', post({ ...webhook([alert({ alertname: 'A' })]), truncatedAlerts: -1 }), 400, /^truncatedAlerts: /],
  ];

  it.each(cases)('answers %s with the exact status and error', async (_name, request, status, error) => {
    const { bus, ingest } = ingestWith();
    const response = await ingest(request);
    expect(response.statusCode).toBe(status);
    expect(JSON.parse(response.body).error).toMatch(error);
    expect(bus.events).toEqual([]);
  });

  it('answers 413 for a body over the size limit', async () => {
    const { bus, ingest } = ingestWith({ maxBodyBytes: 1024 });
    const big = webhook([alert({ alertname: 'A', description: 'x'.repeat(2000) })]);
    const response = await ingest(post(big));
    expect(response.statusCode).toBe(413);
    expect(JSON.parse(response.body).error).toMatch(/the limit is 1024/);
    expect(bus.events).toEqual([]);
  });

  it('answers 413 for one alert too large to be an EventBridge event, and puts none of the others', async () => {
    const { bus, ingest } = ingestWith();
    const huge = alert({ alertname: 'A', blob: 'x'.repeat(300 * 1024) });
    const response = await ingest(post(webhook([alert({ alertname: 'B' }), huge])));
    expect(response.statusCode).toBe(413);
    expect(JSON.parse(response.body).error).toMatch(/alerts\[1\] is too large for the event bus/);
    expect(bus.events).toEqual([]);
  });

  it('refuses every request with 503 when no token is configured, never open by default', async () => {
    const { bus, ingest } = ingestWith({ token: async () => undefined });
    const response = await ingest(post(webhook([alert({ alertname: 'A' })]), { authorization: 'Bearer ' }));
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body).error).toBe('webhook token not configured');
    expect(bus.events).toEqual([]);
  });

  it('answers a generic 500, never the error itself, when something unexpected fails', async () => {
    const log = memoryLog();
    const { ingest } = ingestWith({ log, token: async () => { throw new Error('secret service down: arn:aws:secretsmanager:x'); } });
    const response = await ingest(post(webhook([alert({ alertname: 'A' })])));
    expect(response.statusCode).toBe(500);
    expect(response.body).toBe(JSON.stringify({ error: 'internal error' }));
    expect(log.lines.join('\n')).toMatch(/secret service down/);
  });
});

describe('ingest: putting events on EventBridge', () => {
  const eventBridge = mockClient(EventBridgeClient);
  beforeEach(() => eventBridge.reset());

  const ingestOnEventBridge = () =>
    createIngest({
      bus: new EventBridgeBus(new EventBridgeClient({ region: 'us-east-1' }), 'alertscale'),
      token: async () => TOKEN,
      log: memoryLog(),
      clock: () => new Date(),
      publish: { sleep: async () => {}, attempts: 4 },
    });

  const entriesOf = (call: number) => eventBridge.commandCalls(PutEventsCommand)[call]!.args[0].input.Entries!;

  it('retries only the entries PutEvents refused, then answers 200', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 2,
        Entries: [{ EventId: 'e0' }, { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' }, { EventId: 'e2' }, { ErrorCode: 'InternalFailure', ErrorMessage: 'oops' }],
      })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'r1' }, { EventId: 'r3' }] });
    const alerts = ['q0', 'q1', 'q2', 'q3'].map((queue) => alert({ alertname: 'A', queue }));
    const response = await ingestOnEventBridge()(post(webhook(alerts)));
    expect(response.statusCode).toBe(200);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(2);
    const retried = entriesOf(1).map((entry) => JSON.parse(entry.Detail!).alert.labels.queue);
    expect(retried).toEqual(['q1', 'q3']);
    expect(entriesOf(0).every((entry) => entry.EventBusName === 'alertscale' && entry.Source === 'alertscale')).toBe(true);
  });

  it('answers 503, never 2xx or 4xx, while any event is still missing after the retries', async () => {
    // The entry for n=1 is refused every time; n=0 is accepted at once.
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: { Detail: string }[] }) => ({
      Entries: input.Entries.map((entry) =>
        JSON.parse(entry.Detail).alert.labels.n === '1' ? { ErrorCode: 'InternalFailure', ErrorMessage: 'oops' } : { EventId: 'ok' },
      ),
    }));
    const response = await ingestOnEventBridge()(post(webhook([alert({ alertname: 'A', n: '0' }), alert({ alertname: 'A', n: '1' })])));
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body).error).toMatch(/retry/);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(4);
  });

  it('answers 503 when PutEvents itself fails every time', async () => {
    eventBridge.on(PutEventsCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const response = await ingestOnEventBridge()(post(webhook([alert({ alertname: 'A' })])));
    expect(response.statusCode).toBe(503);
  });

  it('sends at most 10 entries per PutEvents call', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input) => ({ FailedEntryCount: 0, Entries: input.Entries.map((_: unknown, i: number) => ({ EventId: `e${i}` })) }));
    const alerts = Array.from({ length: 25 }, (_, i) => alert({ alertname: 'A', n: String(i) }));
    const response = await ingestOnEventBridge()(post(webhook(alerts)));
    expect(response.statusCode).toBe(200);
    expect(eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries!.length)).toEqual([10, 10, 5]);
  });
});
