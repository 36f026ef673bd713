import { describe, expect, it } from 'vitest';
import type { HttpPostContext } from '../../../lambdas/adapters/http/http-post';
import { SENDERS } from '../../../lambdas/notifier/channels';
import { pagerdutyDedupKey } from '../../../lambdas/notifier/channels/pagerduty';
import { messageId, type SendContext } from '../../../lambdas/notifier/channels/sender';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhookSignature } from '../../../lambdas/notifier/channels/webhook';
import type { SnsMessage } from '../../../lambdas/notifier/ports';
import { MemoryLog } from '../../support/fakes/log';
import { configFrom, itemsOfRequest } from './support';

const config = configFrom(`
route: { receiver: r }
receivers:
  - name: r
    pagerduty_configs: [{ routing_key: rk-0123456789 }, { service_key: sk-0123456789 }]
    slack_configs: [{ api_url: 'https://hooks.slack.invalid/services/T/B/x', channel: '#gpu' }]
    sns_configs: [{ subject: GPU fleet }]
    webhook_configs: [{ url: 'https://control-plane.invalid/alerts' }]
`);
const receiver = config.receivers[0]!;
const NOW = new Date('2026-01-01T10:00:05Z');

function context(published: SnsMessage[] = [], statuses: number[] = []) {
  const requests: { url: string; init: RequestInit }[] = [];
  const http: HttpPostContext = {
    fetch: async (url, init) => {
      requests.push({ url, init });
      return new Response('{}', { status: statuses.shift() ?? 202 });
    },
    retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 },
    sleep: async () => {},
    now: () => NOW.getTime(),
    random: () => 0,
  };
  const ctx: SendContext = {
    http,
    sns: { publish: async (message) => (published.push(message), { delivered: true }) },
    snsTopicArn: 'arn:aws:sns:us-east-1:1:alertscale',
    clock: () => NOW,
    log: new MemoryLog(),
  };
  return { ctx, requests, published };
}

const twoAlerts = () => itemsOfRequest({ alerts: 2 });

describe('channel senders', () => {
  it('PagerDuty posts one Events API v2 event for its alert to the config url, keyed by the alert occurrence', async () => {
    const [request] = twoAlerts();
    const { ctx, requests } = context();
    const sender = SENDERS.pagerduty;
    const dedupKey = sender.dedupKey([request!]);

    const outcome = await sender.send({ requests: [request!], receiver: 'r', configIndex: 0, config: receiver.pagerduty_configs[0]!, credential: 'rk-0123456789', dedupKey }, ctx);

    expect(sender.grouping).toBe('alert');
    expect(dedupKey).toBe(pagerdutyDedupKey(request!.alert));
    expect(outcome).toMatchObject({ outcome: 'sent', dedupKey });
    expect(requests[0]?.url).toBe('https://events.pagerduty.com/v2/enqueue');
    expect(JSON.parse(String(requests[0]?.init.body))).toMatchObject({ routing_key: 'rk-0123456789', event_action: 'trigger', dedup_key: dedupKey });
  });

  it('PagerDuty posts an Events API v1 event to the v1 endpoint for a service_key config, keyed by the alert occurrence', async () => {
    const [request] = twoAlerts();
    const { ctx, requests } = context();
    const sender = SENDERS.pagerduty;
    const dedupKey = sender.dedupKey([request!]);

    const outcome = await sender.send({ requests: [request!], receiver: 'r', configIndex: 1, config: receiver.pagerduty_configs[1]!, credential: 'sk-0123456789', dedupKey }, ctx);

    expect(outcome).toMatchObject({ outcome: 'sent', dedupKey });
    expect(requests[0]?.url).toBe('https://events.pagerduty.com/generic/2010-04-15/create_event.json');
    expect(JSON.parse(String(requests[0]?.init.body))).toMatchObject({ service_key: 'sk-0123456789', event_type: 'trigger', incident_key: dedupKey });
  });

  it('PagerDuty retries the 403 with which Events API v1 throttles, and only for v1', async () => {
    const [request] = twoAlerts();
    const v1 = context([], [403, 202]);
    const v2 = context([], [403, 202]);
    const sender = SENDERS.pagerduty;
    const send = (index: number, credential: string) => ({ requests: [request!], receiver: 'r', configIndex: index, config: receiver.pagerduty_configs[index]!, credential, dedupKey: 'k' });

    const outcomes = [await sender.send(send(1, 'sk-0123456789'), v1.ctx), await sender.send(send(0, 'rk-0123456789'), v2.ctx)];

    expect(outcomes.map((o) => o.outcome)).toEqual(['sent', 'failed']);
    expect([v1.requests.length, v2.requests.length]).toEqual([2, 1]);
  });

  it('Slack posts one Block Kit message for the whole group notification to the api_url, keyed by the set of requests', async () => {
    const requestsOfGroup = twoAlerts();
    const { ctx, requests } = context();
    const sender = SENDERS.slack;
    const dedupKey = sender.dedupKey(requestsOfGroup);

    await sender.send({ requests: requestsOfGroup, receiver: 'r', configIndex: 0, config: receiver.slack_configs[0]!, credential: 'https://hooks.slack.invalid/services/T/B/x', dedupKey }, ctx);

    expect(sender.grouping).toBe('notification');
    expect(dedupKey).toBe(messageId('slack', [...requestsOfGroup].reverse()));
    expect(requests).toHaveLength(1);
    expect(JSON.parse(String(requests[0]?.init.body))).toMatchObject({ channel: '#gpu', blocks: expect.any(Array) });
  });

  it('the webhook posts the alerts and decisions once per group notification, signed, with the dedup key as its delivery id', async () => {
    const requestsOfGroup = twoAlerts();
    const { ctx, requests } = context();
    const sender = SENDERS.webhook;
    const dedupKey = sender.dedupKey(requestsOfGroup);

    await sender.send({ requests: requestsOfGroup, receiver: 'r', configIndex: 0, config: receiver.webhook_configs[0]!, credential: 'signing-key-0123', dedupKey }, ctx);

    const headers = requests[0]?.init.headers as Record<string, string>;
    const body = String(requests[0]?.init.body);
    expect(requests[0]?.url).toBe('https://control-plane.invalid/alerts');
    expect(headers['X-Alertscale-Delivery']).toBe(dedupKey);
    expect(verifyWebhookSignature({ body, timestamp: headers[TIMESTAMP_HEADER], signature: headers[SIGNATURE_HEADER], secret: 'signing-key-0123', now: NOW })).toBe(true);
    expect(JSON.parse(body)).toMatchObject({ version: '1', alerts: [expect.anything(), expect.anything()], decisions: [expect.anything(), expect.anything()] });
  });

  it('SNS publishes one message per group notification to the stack topic when the config names none', async () => {
    const requestsOfGroup = twoAlerts();
    const { ctx, published } = context();
    const sender = SENDERS.sns;

    const outcome = await sender.send({ requests: requestsOfGroup, receiver: 'r', configIndex: 0, config: receiver.sns_configs[0]!, credential: undefined, dedupKey: sender.dedupKey(requestsOfGroup) }, ctx);

    expect(sender.credential).toBeUndefined();
    expect(outcome.outcome).toBe('sent');
    expect(published).toEqual([expect.objectContaining({ topicArn: 'arn:aws:sns:us-east-1:1:alertscale', subject: 'GPU fleet' })]);
  });

  it('says which channels need a credential, and whether they cannot send without one', () => {
    expect(SENDERS.pagerduty.credential).toEqual({ what: 'routing key', required: true });
    expect(SENDERS.slack.credential).toEqual({ what: 'api_url', required: true });
    expect(SENDERS.webhook.credential).toEqual({ what: 'signing key', required: false });
  });
});
