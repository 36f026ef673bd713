import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { EventBridgeBus } from '../../../lambdas/adapters/eventbridge/eventbridge-bus';
import { createIngest, type IngestDeps } from '../../../lambdas/ingest/ingest';
import { memoryLog } from '../../support/fakes/log';
import { DetailType, type NotificationEvent } from '../../../lambdas/shared/events';
import { MAX_PUT_BYTES } from '../../../lambdas/shared/publish';
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

/** An alert whose annotation makes it about `kb` kilobytes: a few of them pass the bus's size limit. */
const bulky = (labels: Record<string, string>, kb = 30) => alert(labels, { annotations: { description: 'x'.repeat(kb * 1024) } });
const partsOf = (bus: { events: { detail: unknown }[] }) => bus.events.map((e) => e.detail as NotificationEvent);

describe('ingest: accepting Alertmanager notifications', () => {
  it('puts one Alertmanager Notification event per webhook and answers 200 with the count of alerts', async () => {
    const { bus, ingest } = ingestWith();
    const response = await ingest(post(fixture('alertmanager/queue-depth-group.json')));
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ accepted: 3, parts: 1 });
    expect(bus.events.map((e) => e.detailType)).toEqual([DetailType.Notification]);
  });

  it('carries the notification as sent, every alert with its fingerprint, and the time received', async () => {
    const { bus, ingest } = ingestWith();
    await ingest(post(fixture('alertmanager/queue-depth-group.json')));
    const [detail] = partsOf(bus);
    expect(detail?.alerts[0]).toMatchObject({
      status: 'firing',
      labels: { alertname: 'GPUQueueDepthHigh', queue: 'train-0' },
      startsAt: '2026-11-20T10:00:00.123456789Z',
      fingerprint: '1f3c2b9a0d4e5f60',
    });
    expect(detail).toMatchObject({ receiver: 'alertscale', groupKey: expect.stringContaining('GPUQueueDepthHigh'), externalURL: 'http://alertmanager:9093', size: 3, part: 1, parts: 1 });
    expect(detail?.receivedAt).toBe('2026-11-20T10:05:00.000Z');
  });

  it('gives every part of one delivery the same notificationId and another delivery a new one', async () => {
    const { bus, ingest } = ingestWith();
    await ingest(post(fixture('alertmanager/queue-depth-group.json')));
    await ingest(post(fixture('alertmanager/queue-depth-group.json')));
    const ids = partsOf(bus).map((d) => d.notificationId);
    expect(ids).toHaveLength(2);
    expect(ids[1]).not.toBe(ids[0]);
  });

  it('computes the fingerprint Alertmanager would when the notification has none', async () => {
    const { bus, ingest } = ingestWith();
    const payload = webhook([alert({ alertname: 'GPUQueueDepthHigh', nodegroup: 'gpu-a100', queue: 'q0', severity: 'warning' }, { fingerprint: undefined })]);
    await ingest(post(payload));
    // The value Alertmanager 0.25 itself sent for this label set.
    expect(partsOf(bus)[0]?.alerts[0]?.fingerprint).toBe('42dd21e424a1d6bf');
  });

  it('accepts and carries fields a newer Alertmanager adds', async () => {
    const { bus, ingest } = ingestWith();
    const payload = { ...webhook([alert({ alertname: 'A' })]), notification_reason: 'new', routeLabels: { team: 'ml' } };
    payload.alerts[0] = { ...payload.alerts[0]!, silencedBy: [] } as never;
    const response = await ingest(post(payload));
    expect(response.statusCode).toBe(200);
    const detail = partsOf(bus)[0] as NotificationEvent & Record<string, unknown>;
    expect(detail.notification_reason).toBe('new');
    expect(detail.routeLabels).toEqual({ team: 'ml' });
    expect((detail.alerts[0] as Record<string, unknown>).silencedBy).toEqual([]);
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

  it('puts 5,000 small alerts as one event, far below the size limit', async () => {
    const { bus, ingest } = ingestWith();
    const alerts = Array.from({ length: 500 }, (_, i) => alert({ alertname: 'GPUQueueDepthHigh', queue: `q${i}` }));
    const response = await ingest(post(webhook(alerts)));
    expect(response.statusCode).toBe(200);
    expect(partsOf(bus).map((d) => d.alerts.length)).toEqual([500]);
  });

  it('splits a notification past the bus size limit into parts that together hold every alert once, each within the limit', async () => {
    const { bus, ingest } = ingestWith();
    const alerts = Array.from({ length: 20 }, (_, i) => bulky({ alertname: 'A', n: String(i) }));
    const response = await ingest(post(webhook(alerts)));
    expect(response.statusCode).toBe(200);
    const parts = partsOf(bus);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.map((d) => `${d.part}/${d.parts}`)).toEqual(parts.map((_, i) => `${i + 1}/${parts.length}`));
    expect(parts.flatMap((d) => d.alerts.map((a) => a.labels.n)).sort()).toEqual(alerts.map((a) => a.labels.n).sort());
    expect(parts.every((d) => Buffer.byteLength(JSON.stringify(d)) < MAX_PUT_BYTES)).toBe(true);
    expect(new Set(parts.map((d) => d.notificationId)).size).toBe(1);
  });

  it('answers 413 for an alert that alone is larger than the bus takes', async () => {
    const { bus, ingest } = ingestWith();
    const response = await ingest(post(webhook([alert({ alertname: 'A' }), bulky({ alertname: 'B' }, 300)])));
    expect(response.statusCode).toBe(413);
    expect(JSON.parse(response.body).error).toMatch(/^alerts\[1\] is too large for the event bus/);
    expect(bus.events).toEqual([]);
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
    ['an empty body', post('', bearer), 400, /^body is empty; Alertmanager sends a JSON notification/],
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

  const queueOf = (entry: { Detail?: string | undefined }) => JSON.parse(entry.Detail!).alerts[0].labels.queue as string;
  const putQueues = () => eventBridge.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries!.map(queueOf));
  // Two alerts of 200 KB: a notification of two parts, each its own PutEvents call (256 KB at most per call).
  const twoParts = () => webhook(['q0', 'q1'].map((queue) => bulky({ alertname: 'A', queue }, 200)));

  it('retries only the part PutEvents refused, then answers 200', async () => {
    let refusedOnce = false;
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: { Detail: string }[] }) => ({
      Entries: input.Entries.map((entry) => {
        if (queueOf(entry) !== 'q1' || refusedOnce) return { EventId: 'ok' };
        refusedOnce = true;
        return { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' };
      }),
    }));
    const response = await ingestOnEventBridge()(post(twoParts()));
    expect(response.statusCode).toBe(200);
    expect(putQueues().sort()).toEqual(['q0', 'q1', 'q1']);
    expect(eventBridge.commandCalls(PutEventsCommand).every((c) => c.args[0].input.Entries!.every((entry) => entry.EventBusName === 'alertscale' && entry.Source === 'alertscale'))).toBe(true);
  });

  it('answers 503, never 2xx or 4xx, while any part is still missing after the retries', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: { Detail: string }[] }) => ({
      Entries: input.Entries.map((entry) => (queueOf(entry) === 'q1' ? { ErrorCode: 'InternalFailure', ErrorMessage: 'oops' } : { EventId: 'ok' })),
    }));
    const response = await ingestOnEventBridge()(post(twoParts()));
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body).error).toMatch(/retry/);
    expect(putQueues().filter((q) => q === 'q1')).toHaveLength(4);
  });

  it('answers 503 when PutEvents itself fails every time', async () => {
    eventBridge.on(PutEventsCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const response = await ingestOnEventBridge()(post(webhook([alert({ alertname: 'A' })])));
    expect(response.statusCode).toBe(503);
  });
});

describe('ingest: telling a recorder what it accepted', () => {
  it('tells onAccepted the receivedAt its event carries and the body as posted, once it is on the bus', async () => {
    const told: unknown[] = [];
    const { bus, ingest } = ingestWith({ onAccepted: (accepted) => told.push({ ...accepted, eventsOnBus: bus.events.length }) });
    const body = fixture('alertmanager/queue-depth-group.json');
    await ingest(post(body));
    const [detail] = partsOf(bus);
    expect(told).toEqual([{ receivedAt: detail!.receivedAt, body, notificationId: detail!.notificationId, eventsOnBus: 1 }]);
  });

  it('tells onAccepted nothing of a webhook it refused', async () => {
    const told: unknown[] = [];
    const { ingest } = ingestWith({ onAccepted: (accepted) => told.push(accepted) });
    expect((await ingest(post({ version: '4' }))).statusCode).toBe(400);
    expect((await ingest(post(fixture('alertmanager/queue-depth-group.json'), {}))).statusCode).toBe(401);
    expect(told).toEqual([]);
  });
});
