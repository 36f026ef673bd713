import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { PostFetch } from '../../../lambdas/adapters/http/http-post';
import type { TlsSettings } from '../../../lambdas/adapters/http/tls-fetch';
import { pagerdutyDedupKey, type PagerdutyEvent } from '../../../lambdas/notifier/channels/pagerduty';
import { SecretResolutionError, type SecretResolver } from '../../../lambdas/notifier/ports';
import { DetailType } from '../../../lambdas/shared/events';
import { allLogLines as capturedLogLines } from '../../support/fakes/log';
import { configFrom, fakeNotifierDeps, notifierFrom, notifyRequest, onlyAlert, sqsEvent, sqsRecord, TEST_SECRETS } from './support';

interface FetchCall {
  readonly url: string;
  readonly init: RequestInit;
  readonly headers: Record<string, string>;
}

/** A fetch that answers each request with `statusOf(its JSON body)` and keeps what it was sent. */
function scriptedFetch(statusOf: (body: Record<string, unknown>) => number) {
  const calls: FetchCall[] = [];
  const fetch: PostFetch = async (url, init) => {
    calls.push({ url, init, headers: init.headers as Record<string, string> });
    return new Response(null, { status: statusOf(JSON.parse(String(init.body)) as Record<string, unknown>) });
  };
  return { fetch, calls };
}

/** A fetch that answers every request with `status`. */
const fakeFetch = (status = 202) => scriptedFetch(() => status);

/** A Lambda context that has `remainingMs` left. */
const lambdaContext = (remainingMs: number) => ({ getRemainingTimeInMillis: () => remainingMs }) as Context;

const oncall = configFrom(`
route: { receiver: oncall }
receivers:
  - name: oncall
    pagerduty_configs:
      - routing_key: ${TEST_SECRETS.routingKey}
        url: https://events.example.com/v2/enqueue
  - name: secrets
    pagerduty_configs: [{ routing_key_secret: alertscale/pagerduty }]
    slack_configs: [{ api_url_secret: alertscale/slack }]
    webhook_configs: [{ url: 'https://cp.example.com/hook', signing_key_secret: alertscale/hook }]
  - name: bare
    pagerduty_configs: [{}]
    slack_configs: [{ api_url: 'https://hooks.example.com${TEST_SECRETS.slackPath}' }]
    webhook_configs: [{ url: 'https://cp.example.com/hook' }]
  - name: http-secrets
    slack_configs:
      - api_url: 'https://hooks.example.com${TEST_SECRETS.slackPath}'
        http_config: { basic_auth: { username: alertscale, password_secret: alertscale/slack-proxy } }
    webhook_configs:
      - url: 'https://cp.example.com/hook'
        http_config: { authorization: { credentials_secret: alertscale/cp-token } }
`);

describe('createNotifier: records', () => {
  it('fails a record that is not a Notify Requested event and still delivers the rest of the batch', async () => {
    const { fetch, calls } = fakeFetch();
    const { deps, log } = fakeNotifierDeps(oncall, { fetch });
    const bad = sqsRecord({ whatever: true }, 'm-bad', DetailType.ScaleRequested);
    const good = sqsRecord(notifyRequest(), 'm-good');

    const result = await notifierFrom(deps)(sqsEvent(bad, good));

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-bad' }]);
    expect(calls).toHaveLength(1);
    expect(log.entries).toContainEqual(expect.objectContaining({ level: 'error', extra: expect.objectContaining({ messageId: 'm-bad', error: 'message m-bad is not a "Notify Requested" event (detail-type "Scale Requested")' }) }));
  });

  it('fails a record whose detail does not match the Notify Requested schema, naming the field', async () => {
    const { deps, log } = fakeNotifierDeps(oncall);
    const broken = sqsRecord({ ...notifyRequest(), channel: 'carrier-pigeon' }, 'm-broken');

    const result = await notifierFrom(deps)(sqsEvent(broken));

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-broken' }]);
    expect(log.entries.find((line) => line.level === 'error')?.extra?.error).toMatch(/is not a valid "Notify Requested" event: channel: /);
  });

  it('fails a record whose body is not JSON', async () => {
    const { deps } = fakeNotifierDeps(oncall);
    const record = { ...sqsRecord({}, 'm-garbage'), body: 'not json' };

    expect((await notifierFrom(deps)(sqsEvent(record))).batchItemFailures).toEqual([{ itemIdentifier: 'm-garbage' }]);
  });

  it('fails each part of a split request on its own, though the parts share the request id', async () => {
    const { fetch } = fakeFetch();
    const { deps, decisions } = fakeNotifierDeps(oncall, { fetch });
    const [first, second] = [notifyRequest({ actionId: 'notify-split', part: 1, parts: 2 }), notifyRequest({ actionId: 'notify-split', part: 2, parts: 2 })];
    const recordAction = decisions.recordAction.bind(decisions);
    decisions.recordAction = async (decisionId, action) => (decisionId === onlyAlert(first).decisionId ? Promise.reject(new Error('DynamoDB unavailable')) : recordAction(decisionId, action));

    const result = await notifierFrom(deps)(sqsEvent(sqsRecord(first, 'm-part-1'), sqsRecord(second, 'm-part-2')));

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-part-1' }]);
  });
});

describe('createNotifier: Notification Sent', () => {
  it('puts one Notification Sent per request, with each alert’s send and its PagerDuty dedup_key', async () => {
    const { fetch } = fakeFetch();
    const { deps, bus } = fakeNotifierDeps(oncall, { fetch, clock: () => new Date('2026-01-01T10:00:05Z') });
    const request = notifyRequest();
    const alert = onlyAlert(request);

    await notifierFrom(deps)(sqsEvent(sqsRecord(request)));

    expect(bus.notificationsSent).toEqual([
      {
        actionId: request.actionId,
        receiver: 'oncall',
        channel: 'pagerduty',
        reason: 'routed',
        outcome: 'sent',
        decisionIds: [alert.decisionId],
        sends: [{ decisionId: alert.decisionId, actionId: alert.actionId, dedupKey: pagerdutyDedupKey(alert.alert), outcome: 'sent', reason: 'HTTP 202', attempts: 1 }],
        at: '2026-01-01T10:00:05.000Z',
      },
    ]);
  });

  it('pages each alert of a request and rolls the sends up to failed when any page failed', async () => {
    const request = notifyRequest({ alerts: 3 });
    const rejected = pagerdutyDedupKey(request.alerts[1]!.alert);
    const { fetch, calls } = scriptedFetch((body) => (body.dedup_key === rejected ? 400 : 202));
    const { deps, bus } = fakeNotifierDeps(oncall, { fetch });

    const result = await notifierFrom(deps)(sqsEvent(sqsRecord(request)));

    expect(calls).toHaveLength(3);
    expect(result.batchItemFailures).toEqual([]);
    expect(bus.notificationsSent).toHaveLength(1);
    expect(bus.notificationsSent[0]).toMatchObject({ actionId: request.actionId, outcome: 'failed', decisionIds: request.decisionIds });
    expect(bus.notificationsSent[0]?.sends.map((send) => [send.actionId, send.outcome])).toEqual([
      [request.alerts[0]?.actionId, 'sent'],
      [request.alerts[1]?.actionId, 'failed'],
      [request.alerts[2]?.actionId, 'sent'],
    ]);
  });

  it('rolls a request up to sent when some alerts went and the others were skipped', async () => {
    const { fetch } = fakeFetch(200);
    const { deps, bus } = fakeNotifierDeps(oncall, { fetch });
    const request = notifyRequest({ channel: 'slack', receiver: 'bare', alerts: [{ status: 'firing' }, { status: 'resolved' }] });

    await notifierFrom(deps)(sqsEvent(sqsRecord(request)));

    expect(bus.notificationsSent.map((event) => [event.outcome, event.sends.map((send) => send.outcome)])).toEqual([['sent', ['sent', 'skipped']]]);
  });

  it('rolls a request up to skipped when nothing was sent and nothing failed', async () => {
    const { deps, bus } = fakeNotifierDeps(oncall);
    const request = notifyRequest({ channel: 'slack', receiver: 'bare', alerts: [{ status: 'resolved' }, { status: 'resolved' }] });

    await notifierFrom(deps)(sqsEvent(sqsRecord(request)));

    expect(bus.notificationsSent.map((event) => event.outcome)).toEqual(['skipped']);
  });

  it('records the outcome on every decision of the request, each under its own action', async () => {
    const { fetch, calls } = fakeFetch(200);
    const { deps, decisions } = fakeNotifierDeps(oncall, { fetch });
    const request = notifyRequest({ channel: 'slack', receiver: 'bare', alerts: 3 });

    await notifierFrom(deps)(sqsEvent(sqsRecord(request)));

    expect(calls).toHaveLength(1);
    expect(request.alerts.map((m) => decisions.actionsOf(m.decisionId))).toEqual(
      request.alerts.map((m) => [expect.objectContaining({ actionId: m.actionId, kind: 'notify', receiver: 'bare', target: 'slack', outcome: 'sent', detail: 'HTTP 200' })]),
    );
  });
});

describe('createNotifier: credentials', () => {
  it('in local mode skips each *_secret channel as "no local secret" and logs what it would have sent', async () => {
    const { fetch, calls } = fakeFetch();
    const { deps, decisions, log } = fakeNotifierDeps(oncall, { fetch });
    const requests = (['pagerduty', 'slack', 'webhook'] as const).map((channel) => notifyRequest({ channel, receiver: 'secrets' }));

    const result = await notifierFrom(deps)(sqsEvent(...requests.map((request) => sqsRecord(request))));

    expect(calls).toHaveLength(0);
    expect(result.batchItemFailures).toEqual([]);
    expect(requests.map((request) => decisions.action(onlyAlert(request).decisionId))).toEqual(
      ['pagerduty', 'slack', 'webhook'].map((target) => expect.objectContaining({ target, outcome: 'skipped', detail: 'no local secret' })),
    );
    expect(log.entries).toContainEqual(
      expect.objectContaining({ message: 'pagerduty notification not sent (no local secret)', extra: expect.objectContaining({ body: expect.stringContaining(onlyAlert(requests[0]!).alert.annotations.summary ?? '?') }) }),
    );
  });

  it('in local mode skips a channel whose http_config names a *_secret credential', async () => {
    const { fetch, calls } = fakeFetch();
    const { deps, decisions, log } = fakeNotifierDeps(oncall, { fetch });
    const requests = (['slack', 'webhook'] as const).map((channel) => notifyRequest({ channel, receiver: 'http-secrets' }));

    await notifierFrom(deps)(sqsEvent(...requests.map((request) => sqsRecord(request))));

    expect(calls).toHaveLength(0);
    expect(requests.map((request) => decisions.action(onlyAlert(request).decisionId)?.detail)).toEqual(['no local secret', 'no local secret']);
    expect(log.entries.map((line) => line.message)).toContain('webhook notification not sent (no local secret)');
  });

  it('skips a PagerDuty config with no routing key and logs the page instead', async () => {
    const { deps, decisions, log } = fakeNotifierDeps(oncall);
    const request = notifyRequest({ receiver: 'bare' });

    await notifierFrom(deps)(sqsEvent(sqsRecord(request)));

    expect(decisions.action(onlyAlert(request).decisionId)).toMatchObject({ outcome: 'skipped', detail: 'no routing key configured' });
    expect(log.entries.map((line) => line.message)).toContain('pagerduty notification not sent (no routing key configured)');
  });

  it('reads a routing key from routing_key_file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'alertscale-key-')), 'routing-key');
    writeFileSync(file, `${TEST_SECRETS.routingKey}\n`);
    const config = configFrom(`
route: { receiver: r }
receivers:
  - name: r
    pagerduty_configs: [{ routing_key_file: '${file}', url: 'https://events.example.com/v2/enqueue' }]
`);
    const { fetch, calls } = fakeFetch();
    const { deps } = fakeNotifierDeps(config, { fetch });

    await notifierFrom(deps)(sqsEvent(sqsRecord(notifyRequest({ receiver: 'r' }))));

    expect((JSON.parse(String(calls[0]?.init.body)) as PagerdutyEvent).routing_key).toBe(TEST_SECRETS.routingKey);
  });

  it('fails the record and marks the decision when Secrets Manager cannot give the key', async () => {
    const failing: SecretResolver = { resolveSecret: async (name) => Promise.reject(new SecretResolutionError(name, 'AccessDeniedException')) };
    const { deps, decisions } = fakeNotifierDeps(oncall, { secrets: failing });
    const request = notifyRequest({ receiver: 'secrets' });
    const record = sqsRecord(request);

    const result = await notifierFrom(deps)(sqsEvent(record));

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(decisions.action(onlyAlert(request).decisionId)).toMatchObject({ outcome: 'failed', detail: 'cannot read secret alertscale/pagerduty: AccessDeniedException' });
  });

  it('records an http_config credential file that cannot be read as failed, naming the file and not retrying', async () => {
    const config = configFrom(`
route: { receiver: r }
receivers:
  - name: r
    webhook_configs: [{ url: 'https://cp.example.com/hook', http_config: { authorization: { credentials_file: /nonexistent/alertscale/cp-token } } }]
`);
    const { fetch, calls } = fakeFetch();
    const { deps, decisions } = fakeNotifierDeps(config, { fetch });
    const request = notifyRequest({ channel: 'webhook', receiver: 'r' });

    const result = await notifierFrom(deps)(sqsEvent(sqsRecord(request)));

    expect([calls.length, result.batchItemFailures]).toEqual([0, []]);
    expect(decisions.action(onlyAlert(request).decisionId)).toMatchObject({ outcome: 'failed', detail: 'cannot read credential file /nonexistent/alertscale/cp-token: ENOENT' });
  });
});

describe('createNotifier: http_config', () => {
  const httpConfig = (files: { token: string; password: string; ca: string }) =>
    configFrom(`
route: { receiver: r }
receivers:
  - name: r
    webhook_configs:
      - url: 'https://cp.example.com/hook'
        http_config: { authorization: { type: Token, credentials_file: '${files.token}' } }
      - url: 'https://cp.example.com/hook'
        http_config: { basic_auth: { username: alertscale, password_file: '${files.password}' } }
      - url: 'https://cp.internal/hook'
        http_config: { tls_config: { ca_file: '${files.ca}', server_name: cp.internal, min_version: TLS13 } }
    slack_configs:
      - api_url: 'https://hooks.example.com${TEST_SECRETS.slackPath}'
        http_config: { authorization: { credentials: ${TEST_SECRETS.bearerToken} } }
`);
  const files = () => {
    const dir = mkdtempSync(join(tmpdir(), 'alertscale-http-config-'));
    const paths = { token: join(dir, 'token'), password: join(dir, 'password'), ca: join(dir, 'ca.pem') };
    writeFileSync(paths.token, `${TEST_SECRETS.bearerToken}\n`);
    writeFileSync(paths.password, TEST_SECRETS.basicPassword);
    writeFileSync(paths.ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    return paths;
  };

  it('sends authorization as "<type> <credentials>", read from credentials_file', async () => {
    const { fetch, calls } = fakeFetch(204);
    const { deps } = fakeNotifierDeps(httpConfig(files()), { fetch });

    await notifierFrom(deps)(sqsEvent(sqsRecord(notifyRequest({ channel: 'webhook', receiver: 'r', configIndex: 0 }))));

    expect(calls[0]?.headers.authorization).toBe(`Token ${TEST_SECRETS.bearerToken}`);
  });

  it('sends basic_auth as a Basic Authorization header', async () => {
    const { fetch, calls } = fakeFetch(204);
    const { deps } = fakeNotifierDeps(httpConfig(files()), { fetch });

    await notifierFrom(deps)(sqsEvent(sqsRecord(notifyRequest({ channel: 'webhook', receiver: 'r', configIndex: 1 }))));

    expect(calls[0]?.headers.authorization).toBe(`Basic ${Buffer.from(`alertscale:${TEST_SECRETS.basicPassword}`).toString('base64')}`);
  });

  it('sends a Slack message with its http_config authorization', async () => {
    const { fetch, calls } = fakeFetch(200);
    const { deps } = fakeNotifierDeps(httpConfig(files()), { fetch });

    await notifierFrom(deps)(sqsEvent(sqsRecord(notifyRequest({ channel: 'slack', receiver: 'r' }))));

    expect(calls[0]?.headers.authorization).toBe(`Bearer ${TEST_SECRETS.bearerToken}`);
  });

  it('posts a config with tls_config through the TLS fetch, with the CA read from ca_file', async () => {
    const paths = files();
    const { fetch: tlsPeer, calls } = fakeFetch(204);
    const settings: TlsSettings[] = [];
    const { fetch: plain, calls: plainCalls } = fakeFetch(204);
    const { deps } = fakeNotifierDeps(httpConfig(paths), { fetch: plain, tlsFetch: (tls) => (settings.push(tls), tlsPeer) });

    await notifierFrom(deps)(sqsEvent(sqsRecord(notifyRequest({ channel: 'webhook', receiver: 'r', configIndex: 2 }))));

    expect([calls.length, plainCalls.length]).toEqual([1, 0]);
    expect(settings).toEqual([expect.objectContaining({ ca: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----', servername: 'cp.internal', rejectUnauthorized: true, minVersion: 'TLSv1.3' })]);
  });
});

describe('createNotifier: what is sent', () => {
  it('skips a resolved Slack alert, since Slack configs default send_resolved to false', async () => {
    const { fetch, calls } = fakeFetch(200);
    const { deps, decisions } = fakeNotifierDeps(oncall, { fetch });
    const request = notifyRequest({ channel: 'slack', receiver: 'bare', status: 'resolved' });

    await notifierFrom(deps)(sqsEvent(sqsRecord(request)));

    expect(calls).toHaveLength(0);
    expect(decisions.action(onlyAlert(request).decisionId)).toMatchObject({ outcome: 'skipped', detail: 'resolved, and send_resolved is false' });
  });

  it('records a request for a channel config the configuration no longer has as failed, and does not retry it', async () => {
    const { deps, decisions, bus } = fakeNotifierDeps(oncall);
    const request = notifyRequest({ receiver: 'oncall', configIndex: 3, alerts: 2 });

    const result = await notifierFrom(deps)(sqsEvent(sqsRecord(request)));

    expect(result.batchItemFailures).toEqual([]);
    expect(request.alerts.map((m) => decisions.action(m.decisionId))).toEqual(
      request.alerts.map(() => expect.objectContaining({ outcome: 'failed', detail: 'receiver "oncall" has no pagerduty_configs[3] in this configuration' })),
    );
    expect(bus.notificationsSent.map((event) => event.outcome)).toEqual(['failed']);
  });

  it('sends a webhook without a signing key unsigned, and warns', async () => {
    const { fetch, calls } = fakeFetch(204);
    const { deps, log } = fakeNotifierDeps(oncall, { fetch });

    await notifierFrom(deps)(sqsEvent(sqsRecord(notifyRequest({ channel: 'webhook', receiver: 'bare' }))));

    expect(Object.keys(calls[0]?.headers ?? {}).sort()).toEqual(['X-Alertscale-Delivery', 'content-type']);
    expect(log.entries.map((line) => line.message)).toContain('webhook has no signing key; sending it unsigned');
  });

  it('posts a webhook to the URL in url_file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'alertscale-url-')), 'url');
    writeFileSync(file, 'https://cp.example.com/from-file?token=abc123456\n');
    const config = configFrom(`
route: { receiver: r }
receivers:
  - name: r
    webhook_configs: [{ url_file: '${file}' }]
`);
    const { fetch, calls } = fakeFetch(204);
    const { deps } = fakeNotifierDeps(config, { fetch });

    await notifierFrom(deps)(sqsEvent(sqsRecord(notifyRequest({ channel: 'webhook', receiver: 'r' }))));

    expect(calls.map((call) => call.url)).toEqual(['https://cp.example.com/from-file?token=abc123456']);
  });
});

describe('createNotifier: delivery', () => {
  it('fails the record when the decision cannot be recorded, and a redelivery does not page again', async () => {
    const { fetch, calls } = fakeFetch();
    const { deps, decisions } = fakeNotifierDeps(oncall, { fetch });
    const request = notifyRequest();
    const record = sqsRecord(request);
    const recordAction = decisions.recordAction.bind(decisions);
    decisions.recordAction = async () => Promise.reject(new Error('DynamoDB unavailable'));
    const notify = notifierFrom(deps);
    const first = await notify(sqsEvent(record));
    decisions.recordAction = recordAction;

    const second = await notify(sqsEvent(record));

    expect([first.batchItemFailures, second.batchItemFailures]).toEqual([[{ itemIdentifier: record.messageId }], []]);
    expect(calls).toHaveLength(1);
    expect(decisions.action(onlyAlert(request).decisionId)?.outcome).toBe('sent');
  });

  it('publishes no Notification Sent for a request one of whose alerts could not be recorded, even when another failed to send', async () => {
    const request = notifyRequest({ alerts: 2 });
    const [unsent, unrecorded] = request.alerts;
    const { fetch } = scriptedFetch((body) => (body.dedup_key === pagerdutyDedupKey(unsent!.alert) ? 503 : 202));
    const { deps, decisions, bus } = fakeNotifierDeps(oncall, { fetch });
    const recordAction = decisions.recordAction.bind(decisions);
    decisions.recordAction = async (decisionId, action) => (decisionId === unrecorded?.decisionId ? Promise.reject(new Error('DynamoDB unavailable')) : recordAction(decisionId, action));

    const result = await notifierFrom(deps)(sqsEvent(sqsRecord(request, 'm-mixed')));

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-mixed' }]);
    expect(bus.notificationsSent).toEqual([]);
  });

  it('pages once, and reports once, when the same request arrives twice in one batch', async () => {
    const { fetch, calls } = fakeFetch();
    const { deps, bus } = fakeNotifierDeps(oncall, { fetch });
    const request = notifyRequest();

    const result = await notifierFrom(deps)(sqsEvent(sqsRecord(request, 'm-1'), sqsRecord(request, 'm-2')));

    expect(calls).toHaveLength(1);
    expect(result.batchItemFailures).toEqual([]);
    expect(bus.notificationsSent.map((event) => event.actionId)).toEqual([request.actionId]);
  });

  it('has no more than the configured number of sends in flight at once', async () => {
    let inFlight = 0;
    let most = 0;
    const fetch: PostFetch = async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      return new Response(null, { status: 202 });
    };
    const { deps } = fakeNotifierDeps(oncall, { fetch, concurrency: 3 });

    await notifierFrom(deps)(sqsEvent(sqsRecord(notifyRequest({ alerts: 4 })), ...Array.from({ length: 6 }, () => sqsRecord(notifyRequest()))));

    expect(most).toBe(3);
  });

  it('starts no retry inside the deadline margin before the Lambda times out', async () => {
    const { fetch, calls } = fakeFetch(503);
    const { deps, decisions } = fakeNotifierDeps(oncall, { fetch, deadlineMarginMs: 25_000 });
    const request = notifyRequest();

    // 30 s left less a 25 s margin cannot fit another 10 s attempt; the default 5 s margin could.
    const result = await notifierFrom(deps)(sqsEvent(sqsRecord(request, 'm-late')), lambdaContext(30_000));

    expect(calls).toHaveLength(1);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-late' }]);
    expect(decisions.action(onlyAlert(request).decisionId)?.detail).toContain('no time left for another attempt');
  });

  it('retries within the time left when the margin allows it', async () => {
    const { fetch, calls } = fakeFetch(503);
    const { deps } = fakeNotifierDeps(oncall, { fetch });

    await notifierFrom(deps)(sqsEvent(sqsRecord(notifyRequest())), lambdaContext(30_000));

    expect(calls).toHaveLength(3);
  });
});

describe('secrets in logs', () => {
  it('writes no test secret to any log line of this file', () => {
    const leaks = Object.values(TEST_SECRETS).flatMap((secret) => capturedLogLines.filter((line) => line.includes(secret)));

    expect(capturedLogLines.length).toBeGreaterThan(5);
    expect(leaks).toEqual([]);
  });
});
