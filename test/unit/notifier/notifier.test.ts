import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pagerdutyDedupKey, type PagerdutyEvent } from '../../../lambdas/notifier/channels/pagerduty';
import { SecretResolutionError, type SecretResolver } from '../../../lambdas/notifier/ports';
import { DetailType } from '../../../lambdas/shared/events';
import { allLogLines as capturedLogLines } from '../../support/fakes/log';
import { configFrom, fakeNotifierDeps, notifierFrom, notifyRequest, sqsEvent, sqsRecord, TEST_SECRETS } from './support';

/** A fetch that answers every request with `status` and keeps what it was sent. */
function fakeFetch(status = 202) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const fetch = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init });
    return new Response(null, { status });
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

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
`);

describe('createNotifier', () => {
  it('fails a record that is not a Notify Requested event and still delivers the rest of the batch', async () => {
    const { fetch, calls } = fakeFetch();
    const { deps, log } = fakeNotifierDeps(oncall, { fetch });
    const bad = sqsRecord({ whatever: true }, 'm-bad', DetailType.Alert);
    const good = sqsRecord(notifyRequest(), 'm-good');

    const result = await notifierFrom(deps)(sqsEvent(bad, good));

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-bad' }]);
    expect(calls).toHaveLength(1);
    expect(log.entries).toContainEqual(expect.objectContaining({ level: 'error', extra: expect.objectContaining({ messageId: 'm-bad', error: 'message m-bad is not a "Notify Requested" event (detail-type "Alertmanager Alert")' }) }));
  });

  it('fails a record whose detail does not match the Notify Requested schema, naming the field', async () => {
    const { deps, log } = fakeNotifierDeps(oncall);
    const request = notifyRequest();
    const broken = sqsRecord({ ...request, action: { ...request.action, channel: 'carrier-pigeon' } }, 'm-broken');

    const result = await notifierFrom(deps)(sqsEvent(broken));

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-broken' }]);
    expect(log.entries.find((line) => line.level === 'error')?.extra?.error).toMatch(/is not a valid "Notify Requested" event: action\.channel: /);
  });

  it('fails a record whose body is not JSON', async () => {
    const { deps } = fakeNotifierDeps(oncall);
    const record = { ...sqsRecord({}, 'm-garbage'), body: 'not json' };

    expect((await notifierFrom(deps)(sqsEvent(record))).batchItemFailures).toEqual([{ itemIdentifier: 'm-garbage' }]);
  });

  it('puts a Notification Sent event with the PagerDuty dedup_key for each page', async () => {
    const { fetch } = fakeFetch();
    const { deps, bus } = fakeNotifierDeps(oncall, { fetch, clock: () => new Date('2026-01-01T10:00:05Z') });
    const request = notifyRequest();

    await notifierFrom(deps)(sqsEvent(sqsRecord(request)));

    expect(bus.notificationsSent).toEqual([
      {
        decisionId: request.decisionId,
        actionId: request.action.actionId,
        receiver: 'oncall',
        channel: 'pagerduty',
        dedupKey: pagerdutyDedupKey(request.alert),
        outcome: 'sent',
        reason: 'HTTP 202',
        attempts: 1,
        at: '2026-01-01T10:00:05.000Z',
      },
    ]);
  });

  it('in local mode skips each *_secret channel as "no local secret" and logs what it would have sent', async () => {
    const { fetch, calls } = fakeFetch();
    const { deps, decisions, log } = fakeNotifierDeps(oncall, { fetch });
    const requests = (['pagerduty', 'slack', 'webhook'] as const).map((channel) => notifyRequest({ channel, receiver: 'secrets' }));

    const result = await notifierFrom(deps)(sqsEvent(...requests.map((request) => sqsRecord(request))));

    expect(calls).toHaveLength(0);
    expect(result.batchItemFailures).toEqual([]);
    expect(requests.map((request) => decisions.action(request.decisionId))).toEqual(
      ['pagerduty', 'slack', 'webhook'].map((target) => expect.objectContaining({ target, outcome: 'skipped', detail: 'no local secret' })),
    );
    expect(log.entries).toContainEqual(
      expect.objectContaining({ message: 'pagerduty notification not sent (no local secret)', extra: expect.objectContaining({ body: expect.stringContaining(requests[0]?.alert.annotations.summary ?? '?') }) }),
    );
  });

  it('skips a PagerDuty config with no routing key and logs the page instead', async () => {
    const { deps, decisions, log } = fakeNotifierDeps(oncall);
    const request = notifyRequest({ receiver: 'bare' });

    await notifierFrom(deps)(sqsEvent(sqsRecord(request)));

    expect(decisions.action(request.decisionId)).toMatchObject({ outcome: 'skipped', detail: 'no routing key configured' });
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

    expect((JSON.parse(String(calls[0]?.init?.body)) as PagerdutyEvent).routing_key).toBe(TEST_SECRETS.routingKey);
  });

  it('fails the record and marks the decision when Secrets Manager cannot give the key', async () => {
    const failing: SecretResolver = { resolveSecret: async (name) => Promise.reject(new SecretResolutionError(name, 'AccessDeniedException')) };
    const { deps, decisions } = fakeNotifierDeps(oncall, { secrets: failing });
    const request = notifyRequest({ receiver: 'secrets' });
    const record = sqsRecord(request);

    const result = await notifierFrom(deps)(sqsEvent(record));

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(decisions.action(request.decisionId)).toMatchObject({ outcome: 'failed', detail: 'cannot read secret alertscale/pagerduty: AccessDeniedException' });
  });

  it('skips a resolved Slack alert, since Slack configs default send_resolved to false', async () => {
    const { fetch, calls } = fakeFetch(200);
    const { deps, decisions } = fakeNotifierDeps(oncall, { fetch });
    const request = notifyRequest({ channel: 'slack', receiver: 'bare', status: 'resolved' });

    await notifierFrom(deps)(sqsEvent(sqsRecord(request)));

    expect(calls).toHaveLength(0);
    expect(decisions.action(request.decisionId)).toMatchObject({ outcome: 'skipped', detail: 'resolved, and send_resolved is false' });
  });

  it('records a request for a channel config the configuration no longer has as failed, and does not retry it', async () => {
    const { deps, decisions } = fakeNotifierDeps(oncall);
    const request = notifyRequest({ receiver: 'oncall', configIndex: 3 });

    const result = await notifierFrom(deps)(sqsEvent(sqsRecord(request)));

    expect(result.batchItemFailures).toEqual([]);
    expect(decisions.action(request.decisionId)).toMatchObject({ outcome: 'failed', detail: 'receiver "oncall" has no pagerduty_configs[3] in this configuration' });
  });

  it('sends a webhook without a signing key unsigned, and warns', async () => {
    const { fetch, calls } = fakeFetch(204);
    const { deps, log } = fakeNotifierDeps(oncall, { fetch });

    await notifierFrom(deps)(sqsEvent(sqsRecord(notifyRequest({ channel: 'webhook', receiver: 'bare' }))));

    const headers = calls[0]?.init?.headers as Record<string, string>;
    expect(Object.keys(headers).sort()).toEqual(['X-Alertscale-Delivery', 'content-type']);
    expect(log.entries.map((line) => line.message)).toContain('webhook has no signing key; sending it unsigned');
  });

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
    expect(decisions.action(request.decisionId)?.outcome).toBe('sent');
  });

  it('pages once when the same request arrives twice in one batch', async () => {
    const { fetch, calls } = fakeFetch();
    const { deps } = fakeNotifierDeps(oncall, { fetch });
    const request = notifyRequest();

    const result = await notifierFrom(deps)(sqsEvent(sqsRecord(request, 'm-1'), sqsRecord(request, 'm-2')));

    expect(calls).toHaveLength(1);
    expect(result.batchItemFailures).toEqual([]);
  });

  it('has no more than the configured number of deliveries in flight at once', async () => {
    let inFlight = 0;
    let most = 0;
    const fetch = (async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      return new Response(null, { status: 202 });
    }) as typeof globalThis.fetch;
    const { deps } = fakeNotifierDeps(oncall, { fetch, concurrency: 3 });

    await notifierFrom(deps)(sqsEvent(...Array.from({ length: 10 }, () => sqsRecord(notifyRequest()))));

    expect(most).toBe(3);
  });
});

describe('secrets in logs', () => {
  it('writes no test secret to any log line of this file', () => {
    const leaks = Object.values(TEST_SECRETS).flatMap((secret) => capturedLogLines.filter((line) => line.includes(secret)));

    expect(capturedLogLines.length).toBeGreaterThan(5);
    expect(leaks).toEqual([]);
  });
});
