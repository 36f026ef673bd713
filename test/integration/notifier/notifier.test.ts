import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../../lambdas/local/emulators/dynalite';
import { DynamoSendStore } from '../../../lambdas/adapters/dynamodb/send-store';
import { verifyWebhookSignature, type NotifierDeps } from '../../../lambdas/notifier/notifier';
import { pagerdutyDedupKey, type PagerdutyEvent, type PagerdutyV1Event } from '../../../lambdas/notifier/channels/pagerduty';
import { localNotifier } from '../../../lambdas/notifier/local';
import type { SlackMessage } from '../../../lambdas/notifier/channels/slack';
import type { WebhookBody } from '../../../lambdas/notifier/channels/webhook';
import type { Config } from '../../../lambdas/shared/config/schema';
import { RecordingBus } from '../../support/fakes/bus';
import { InMemoryDecisions } from '../../support/fakes/decisions';
import { allLogLines as capturedLogLines, MemoryLog } from '../../support/fakes/log';
import {
  configFrom,
  fakeNotifierDeps,
  notifierFrom,
  notifyRequest,
  onlyAlert,
  sqsEvent,
  sqsRecord,
  startFakePeer,
  TEST_SECRETS,
  type FakePeer,
} from '../../unit/notifier/support';

/*
 * The notifier against real HTTP peers on loopback and the embedded DynamoDB:
 * each channel's firing, resolve, retry and failure paths.
 */

let dynamo: EmbeddedDynamo;
const peers: FakePeer[] = [];
// Console output too (Powertools' batch processor writes there), for the leak check at the end.
const consoleLines: string[] = [];

beforeAll(async () => {
  dynamo = await startEmbeddedDynamo({ tableName: 'notifier-tests' });
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void consoleLines.push(args.map(String).join(' ')));
  }
});

afterAll(async () => {
  vi.restoreAllMocks();
  await dynamo.stop();
});

afterEach(async () => {
  await Promise.all(peers.splice(0).map((peer) => peer.close()));
});

async function peer(...args: Parameters<typeof startFakePeer>): Promise<FakePeer> {
  const started = await startFakePeer(...args);
  peers.push(started);
  return started;
}

const recordedDetails: string[] = [];

/** A notifier wired as local mode wires it, with fakes where the test observes, and no real waiting. */
function notifierFor(config: Config, overrides: Partial<NotifierDeps> = {}) {
  // The unit fakes, but real delivery records in dynalite and real HTTP (global fetch).
  const { deps, decisions, bus, log, waits } = fakeNotifierDeps(config, {
    sends: new DynamoSendStore(dynamo.client, dynamo.tableName),
    fetch: globalThis.fetch,
    ...overrides,
  });
  const notify = notifierFrom(deps);
  const run: typeof notify = async (...args) => {
    const result = await notify(...args);
    // What the notifier records is as public as its log: keep it for the leak check.
    for (const id of decisions.decisionIds) recordedDetails.push(...decisions.actionsOf(id).map((a) => JSON.stringify(a)));
    recordedDetails.push(...bus.events.map((e) => JSON.stringify(e)));
    return result;
  };
  return { notify: run, decisions, bus, log, waits };
}

const pagerdutyConfig = (url: string) =>
  configFrom(`
route: { receiver: oncall }
receivers:
  - name: oncall
    pagerduty_configs:
      - routing_key: ${TEST_SECRETS.routingKey}
        url: ${url}/v2/enqueue
        client_url: https://alertscale.example.com
`);

const slackConfig = (url: string, extra = '') =>
  configFrom(`
route: { receiver: oncall }
receivers:
  - name: oncall
    slack_configs:
      - api_url: ${url}${TEST_SECRETS.slackPath}
        send_resolved: true
        channel: '#gpu-oncall'
${extra}
`);

const webhookConfig = (url: string) =>
  configFrom(`
route: { receiver: oncall }
receivers:
  - name: oncall
    webhook_configs:
      - url: ${url}/alerts
        signing_key: ${TEST_SECRETS.signingKey}
`);

/** The verification function from docs/webhook-signature.md's `verify.mjs` block, loaded as a module. */
async function documentedRecipe(): Promise<(input: { body: string; timestamp?: string; signature?: string; secret: string; now?: number }) => boolean> {
  const doc = readFileSync(new URL('../../../docs/webhook-signature.md', import.meta.url), 'utf8');
  const block = [...doc.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1] ?? '').find((code) => code.startsWith('// verify.mjs'));
  if (!block) throw new Error('docs/webhook-signature.md has no ```js block starting with // verify.mjs');
  const file = join(mkdtempSync(join(tmpdir(), 'alertscale-recipe-')), 'verify.mjs');
  writeFileSync(file, block);
  const module = (await import(pathToFileURL(file).href)) as { verifyAlertscaleSignature: ReturnType<typeof documentedRecipe> extends Promise<infer F> ? F : never };
  return module.verifyAlertscaleSignature;
}

describe('PagerDuty', () => {
  it('triggers while the alert fires and resolves it later under the same dedup_key', async () => {
    const pagerduty = await peer();
    const { notify } = notifierFor(pagerdutyConfig(pagerduty.url));
    const firing = notifyRequest({ fingerprint: 'a1b2c3d4e5f60718' });
    const resolved = notifyRequest({ fingerprint: 'a1b2c3d4e5f60718', status: 'resolved' });

    await notify(sqsEvent(sqsRecord(firing)));
    await notify(sqsEvent(sqsRecord(resolved)));

    const [trigger, resolve] = [pagerduty.json<PagerdutyEvent>(0), pagerduty.json<PagerdutyEvent>(1)];
    expect(pagerduty.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v2/enqueue', 'POST /v2/enqueue']);
    expect(trigger.dedup_key).toBe(pagerdutyDedupKey(onlyAlert(firing).alert));
    expect(trigger).toMatchObject({ routing_key: TEST_SECRETS.routingKey, event_action: 'trigger' });
    expect(resolve).toMatchObject({ routing_key: TEST_SECRETS.routingKey, event_action: 'resolve' });
    expect(resolve.dedup_key).toBe(trigger.dedup_key);
  });

  it('sends one event per alert of a request, each under its own occurrence’s dedup_key', async () => {
    const pagerduty = await peer();
    const { notify, bus } = notifierFor(pagerdutyConfig(pagerduty.url));
    const request = notifyRequest({ alerts: 3 });

    await notify(sqsEvent(sqsRecord(request)));

    const sent = pagerduty.requests.map((_, i) => pagerduty.json<PagerdutyEvent>(i).dedup_key).sort();
    expect(sent).toEqual(request.alerts.map((m) => pagerdutyDedupKey(m.alert)).sort());
    expect(bus.notificationsSent.map((event) => [event.actionId, event.outcome, event.sends.length])).toEqual([[request.actionId, 'sent', 3]]);
  });

  it('sends severity, summary, source, links and client from the alert and its config', async () => {
    const pagerduty = await peer();
    const { notify } = notifierFor(pagerdutyConfig(pagerduty.url));
    const request = notifyRequest({
      labels: { alertname: 'NodeNotReady', severity: 'critical', nodegroup: 'gpu-a100', instance: 'node-7' },
      annotations: { summary: 'Node node-7 is not ready', runbook_url: 'https://runbooks.example.com/NodeNotReady' },
    });
    const { alert } = onlyAlert(request);

    await notify(sqsEvent(sqsRecord(request)));

    expect(pagerduty.json<PagerdutyEvent>(0)).toMatchObject({
      payload: { summary: 'Node node-7 is not ready', severity: 'critical', source: 'node-7', component: 'gpu-a100', class: 'NodeNotReady', timestamp: alert.startsAt },
      links: [
        { href: alert.generatorURL, text: 'Source' },
        { href: 'https://runbooks.example.com/NodeNotReady', text: 'Runbook' },
      ],
      client: 'alertscale',
      client_url: 'https://alertscale.example.com',
    });
  });

  it('retries a 429 after the Retry-After wait and then records the page as sent', async () => {
    const pagerduty = await peer((res, index) => (index === 0 ? res.writeHead(429, { 'retry-after': '1' }).end() : res.writeHead(202).end()));
    const { notify, decisions, waits } = notifierFor(pagerdutyConfig(pagerduty.url));
    const request = notifyRequest();

    const result = await notify(sqsEvent(sqsRecord(request)));

    expect(pagerduty.requests).toHaveLength(2);
    expect(waits).toEqual([1000]);
    expect(result.batchItemFailures).toEqual([]);
    expect(decisions.action(onlyAlert(request).decisionId)).toMatchObject({ kind: 'notify', target: 'pagerduty', outcome: 'sent' });
  });

  it('caps a Retry-After that asks for longer than the configured maximum', async () => {
    const pagerduty = await peer((res, index) => (index === 0 ? res.writeHead(503, { 'retry-after': '3600' }).end() : res.writeHead(202).end()));
    const { notify, waits } = notifierFor(pagerdutyConfig(pagerduty.url));

    await notify(sqsEvent(sqsRecord(notifyRequest())));

    expect(waits).toEqual([2000]);
  });

  it('fails the record for the DLQ and marks the decision failed when every attempt gets a 500', async () => {
    const pagerduty = await peer((res) => res.writeHead(500).end('upstream exploded'));
    const { notify, decisions, bus } = notifierFor(pagerdutyConfig(pagerduty.url));
    const request = notifyRequest();
    const record = sqsRecord(request);

    const result = await notify(sqsEvent(record));

    expect(pagerduty.requests).toHaveLength(3);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(decisions.action(onlyAlert(request).decisionId)).toMatchObject({ outcome: 'failed', detail: expect.stringContaining('HTTP 500') });
    expect(bus.notificationsSent).toEqual([expect.objectContaining({ outcome: 'failed', channel: 'pagerduty', sends: [expect.objectContaining({ outcome: 'failed', attempts: 3 })] })]);
  });

  it('sends a page whose earlier attempts all failed when SQS delivers the record again', async () => {
    let healthy = false;
    const pagerduty = await peer((res) => res.writeHead(healthy ? 202 : 502).end());
    const { notify, decisions } = notifierFor(pagerdutyConfig(pagerduty.url));
    const request = notifyRequest();
    await notify(sqsEvent(sqsRecord(request, 'm-retry')));
    healthy = true;

    const result = await notify(sqsEvent(sqsRecord(request, 'm-retry')));

    expect(result.batchItemFailures).toEqual([]);
    expect(decisions.action(onlyAlert(request).decisionId)?.outcome).toBe('sent');
  });

  it('does not retry a 400 and records the page as failed without failing the record', async () => {
    // PagerDuty's answer echoes the key here, to show it never reaches the decision or the log.
    const pagerduty = await peer((res) => res.writeHead(400).end(`{"status":"invalid event","errors":["routing_key ${TEST_SECRETS.routingKey} is unknown"]}`));
    const { notify, decisions } = notifierFor(pagerdutyConfig(pagerduty.url));
    const request = notifyRequest();

    const result = await notify(sqsEvent(sqsRecord(request)));

    expect(pagerduty.requests).toHaveLength(1);
    expect(result.batchItemFailures).toEqual([]);
    expect(decisions.action(onlyAlert(request).decisionId)).toMatchObject({
      outcome: 'failed',
      detail: expect.stringMatching(/^HTTP 400 from http:\/\/127\.0\.0\.1:\d+: \{"status":"invalid event","errors":\["routing_key \[redacted\] is unknown"\]\}$/),
    });
  });

  it('retries a connection that is refused, then fails the record', async () => {
    const gone = await startFakePeer();
    await gone.close();
    const { notify, decisions } = notifierFor(pagerdutyConfig(gone.url));
    const request = notifyRequest();
    const record = sqsRecord(request);

    const result = await notify(sqsEvent(record));

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(decisions.action(onlyAlert(request).decisionId)?.detail).toMatch(/^network error \(ECONNREFUSED\) from http:\/\/127\.0\.0\.1:\d+ \(after 3 attempts\)$/);
  });
});

describe('Slack', () => {
  it('formats a firing alert as Block Kit with status, summary, labels and links', async () => {
    const slack = await peer((res) => res.writeHead(200).end('ok'));
    const { notify } = notifierFor(slackConfig(slack.url));
    const request = notifyRequest({
      channel: 'slack',
      labels: { alertname: 'NodeNotReady', severity: 'critical', nodegroup: 'gpu-a100' },
      annotations: { summary: 'Node <node-7> & friends are not ready', runbook_url: 'https://runbooks.example.com/NodeNotReady' },
    });

    await notify(sqsEvent(sqsRecord(request)));

    expect(slack.requests[0]?.path).toBe(TEST_SECRETS.slackPath);
    expect(slack.json<SlackMessage>(0)).toEqual({
      text: '[FIRING:1] NodeNotReady',
      channel: '#gpu-oncall',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: ':fire: FIRING (1) · NodeNotReady', emoji: true } },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: [
              ':fire: *Firing* — *NodeNotReady*',
              'Node &lt;node-7&gt; &amp; friends are not ready',
              '`nodegroup="gpu-a100", severity="critical"`',
              `<${onlyAlert(request).alert.generatorURL}|Source> · <https://runbooks.example.com/NodeNotReady|Runbook>`,
            ].join('\n'),
          },
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: '<http://alertmanager.example.com:9093|Alertmanager>' }] },
      ],
    });
  });

  it('posts as the configured username and icon, with link_names', async () => {
    const slack = await peer((res) => res.writeHead(200).end('ok'));
    const extra = ['        username: GPU fleet', "        icon_emoji: ':robot_face:'", '        icon_url: https://example.com/alertscale.png', '        link_names: true'].join('\n');
    const { notify } = notifierFor(slackConfig(slack.url, extra));

    await notify(sqsEvent(sqsRecord(notifyRequest({ channel: 'slack' }))));

    expect(slack.json<SlackMessage>(0)).toMatchObject({ channel: '#gpu-oncall', username: 'GPU fleet', icon_emoji: ':robot_face:', icon_url: 'https://example.com/alertscale.png', link_names: true });
  });

  it('says RESOLVED in the message for a resolved alert', async () => {
    const slack = await peer((res) => res.writeHead(200).end('ok'));
    const { notify } = notifierFor(slackConfig(slack.url));

    await notify(sqsEvent(sqsRecord(notifyRequest({ channel: 'slack', status: 'resolved' }))));

    const message = slack.json<SlackMessage>(0);
    expect(message.text).toBe('[RESOLVED:1] NodeNotReady');
    expect(message.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: ':white_check_mark: RESOLVED (1) · NodeNotReady', emoji: true } });
    expect(message.blocks[1]).toMatchObject({ type: 'section', text: { text: expect.stringMatching(/^:white_check_mark: \*Resolved\*/) } });
  });

  it('sends one message for a request of 12 alerts, listing max_alerts and saying how many more', async () => {
    const slack = await peer((res) => res.writeHead(200).end('ok'));
    const { notify, decisions, bus } = notifierFor(slackConfig(slack.url, '        max_alerts: 10'));
    const request = notifyRequest({ channel: 'slack', alerts: 12 });

    const result = await notify(sqsEvent(sqsRecord(request)));

    expect(slack.requests).toHaveLength(1);
    const message = slack.json<SlackMessage>(0);
    expect(message.blocks.filter((block) => block.type === 'section')).toHaveLength(10);
    expect(message.blocks.at(-1)).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: 'and 2 more · <http://alertmanager.example.com:9093|Alertmanager>' }] });
    expect(message.blocks[0]).toMatchObject({ text: { text: ':fire: FIRING (12) · NodeNotReady' } });
    expect(result.batchItemFailures).toEqual([]);
    expect(request.alerts.map((m) => decisions.action(m.decisionId)?.outcome)).toEqual(Array(12).fill('sent'));
    expect(bus.notificationsSent.map((event) => [event.outcome, new Set(event.sends.map((send) => send.dedupKey)).size, event.sends.length])).toEqual([['sent', 1, 12]]);
  });

  it('records a revoked webhook URL (404 no_service) as failed without retrying, naming only the host', async () => {
    const slack = await peer((res) => res.writeHead(404).end('no_service'));
    const { notify, decisions } = notifierFor(slackConfig(slack.url));
    const request = notifyRequest({ channel: 'slack' });

    const result = await notify(sqsEvent(sqsRecord(request)));

    expect([slack.requests.length, result.batchItemFailures]).toEqual([1, []]);
    expect(decisions.action(onlyAlert(request).decisionId)?.detail).toBe(`HTTP 404 from ${slack.url}: no_service`);
  });

  it('fails the record for the DLQ when Slack answers 503 to every attempt', async () => {
    const slack = await peer((res) => res.writeHead(503).end());
    const { notify, decisions } = notifierFor(slackConfig(slack.url));
    const request = notifyRequest({ channel: 'slack' });
    const record = sqsRecord(request);

    const result = await notify(sqsEvent(record));

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(decisions.action(onlyAlert(request).decisionId)?.detail).toBe(`HTTP 503 from ${slack.url} (after 3 attempts)`);
  });

  it('sends one message per request, also for requests of one group notification', async () => {
    const slack = await peer((res) => res.writeHead(200).end('ok'));
    const { notify } = notifierFor(slackConfig(slack.url));

    await notify(sqsEvent(sqsRecord(notifyRequest({ channel: 'slack', notificationId: 'n-a' })), sqsRecord(notifyRequest({ channel: 'slack', notificationId: 'n-a' }))));

    expect(slack.requests).toHaveLength(2);
  });
});

describe('control-plane webhook', () => {
  it('posts the alerts and their decisions, signed so that the documented recipe verifies it', async () => {
    const controlPlane = await peer((res) => res.writeHead(204).end());
    const { notify } = notifierFor(webhookConfig(controlPlane.url));
    const request = notifyRequest({ channel: 'webhook', alerts: 2 });
    const verify = await documentedRecipe();

    await notify(sqsEvent(sqsRecord(request)));

    const received = controlPlane.requests[0];
    expect(
      verify({
        body: received?.body ?? '',
        timestamp: received?.headers['x-alertscale-timestamp'] as string,
        signature: received?.headers['x-alertscale-signature'] as string,
        secret: TEST_SECRETS.signingKey,
      }),
    ).toBe(true);
    expect(controlPlane.json<WebhookBody>(0)).toMatchObject({
      version: '1',
      receiver: 'oncall',
      status: 'firing',
      groupKey: request.group.groupKey,
      notificationId: request.group.notificationId,
      truncatedAlerts: 0,
      alerts: request.alerts.map((m) => m.alert),
      decisions: request.alerts.map((m) => ({ decisionId: m.decisionId, actionId: m.actionId, fingerprint: m.alert.fingerprint, reason: 'routed', requestedAt: request.requestedAt })),
    });
  });

  it('fails the documented verification with a wrong secret', async () => {
    const controlPlane = await peer((res) => res.writeHead(204).end());
    const { notify } = notifierFor(webhookConfig(controlPlane.url));
    const verify = await documentedRecipe();

    await notify(sqsEvent(sqsRecord(notifyRequest({ channel: 'webhook' }))));

    const received = controlPlane.requests[0];
    const input = { body: received?.body ?? '', timestamp: received?.headers['x-alertscale-timestamp'] as string, signature: received?.headers['x-alertscale-signature'] as string };
    expect(verify({ ...input, secret: 'not-the-signing-key' })).toBe(false);
    expect(verifyWebhookSignature({ ...input, secret: 'not-the-signing-key' })).toBe(false);
  });

  it('fails the documented verification when the timestamp is more than five minutes old', async () => {
    const controlPlane = await peer((res) => res.writeHead(204).end());
    const { notify } = notifierFor(webhookConfig(controlPlane.url));
    const verify = await documentedRecipe();

    await notify(sqsEvent(sqsRecord(notifyRequest({ channel: 'webhook' }))));

    const received = controlPlane.requests[0];
    const input = { body: received?.body ?? '', timestamp: received?.headers['x-alertscale-timestamp'] as string, signature: received?.headers['x-alertscale-signature'] as string, secret: TEST_SECRETS.signingKey };
    const sixMinutesLater = (Number(input.timestamp) + 6 * 60) * 1000;
    expect(verify({ ...input, now: sixMinutesLater })).toBe(false);
    expect(verifyWebhookSignature({ ...input, now: new Date(sixMinutesLater) })).toBe(false);
  });

  it('fails the documented verification when the body was altered', async () => {
    const controlPlane = await peer((res) => res.writeHead(204).end());
    const { notify } = notifierFor(webhookConfig(controlPlane.url));
    const verify = await documentedRecipe();

    await notify(sqsEvent(sqsRecord(notifyRequest({ channel: 'webhook' }))));

    const received = controlPlane.requests[0];
    const body = (received?.body ?? '').replace('"firing"', '"resolved"');
    expect(verify({ body, timestamp: received?.headers['x-alertscale-timestamp'] as string, signature: received?.headers['x-alertscale-signature'] as string, secret: TEST_SECRETS.signingKey })).toBe(false);
  });

  it('signs each retry afresh under the same delivery id', async () => {
    const controlPlane = await peer((res, index) => res.writeHead(index === 0 ? 503 : 204).end());
    let now = Date.parse('2026-01-01T10:00:00Z');
    const { notify } = notifierFor(webhookConfig(controlPlane.url), { clock: () => new Date((now += 1000)) });

    await notify(sqsEvent(sqsRecord(notifyRequest({ channel: 'webhook' }))));

    const [first, second] = controlPlane.requests;
    expect(first?.headers['x-alertscale-delivery']).toBe(second?.headers['x-alertscale-delivery']);
    expect(first?.headers['x-alertscale-timestamp']).not.toBe(second?.headers['x-alertscale-timestamp']);
    expect(verifyWebhookSignature({ body: second?.body ?? '', timestamp: second?.headers['x-alertscale-timestamp'] as string, signature: second?.headers['x-alertscale-signature'] as string, secret: TEST_SECRETS.signingKey, now: new Date(now) })).toBe(true);
  });

  it('sends http_config basic_auth, and keeps the password out of what it records when the peer echoes it', async () => {
    const controlPlane = await peer((res, _index, request) => res.writeHead(401).end(`bad credentials: ${Buffer.from(String(request.headers.authorization).slice(6), 'base64').toString()}`));
    const config = configFrom(`
route: { receiver: oncall }
receivers:
  - name: oncall
    webhook_configs:
      - url: ${controlPlane.url}/alerts
        http_config: { basic_auth: { username: alertscale, password: ${TEST_SECRETS.basicPassword} } }
`);
    const { notify, decisions } = notifierFor(config);
    const request = notifyRequest({ channel: 'webhook' });

    const result = await notify(sqsEvent(sqsRecord(request)));

    expect(controlPlane.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from(`alertscale:${TEST_SECRETS.basicPassword}`).toString('base64')}`);
    expect([controlPlane.requests.length, result.batchItemFailures]).toEqual([1, []]);
    expect(decisions.action(onlyAlert(request).decisionId)?.detail).toBe(`HTTP 401 from ${controlPlane.url}: bad credentials: alertscale:[redacted]`);
  });
});

describe('PagerDuty Events API v1', () => {
  /** A `service_key` config, sent to a fake peer instead of PagerDuty's one v1 endpoint (which validation sets). */
  function v1Config(url: string): Config {
    const config = configFrom(`
route: { receiver: oncall }
receivers:
  - name: oncall
    pagerduty_configs: [{ service_key: ${TEST_SECRETS.serviceKey}, client_url: https://alertscale.example.com }]
`);
    const [receiver] = config.receivers;
    return { ...config, receivers: [{ ...receiver!, pagerduty_configs: [{ ...receiver!.pagerduty_configs[0]!, url }] }] };
  }

  it('triggers and resolves as Alertmanager does, with the occurrence as incident_key', async () => {
    const pagerduty = await peer((res) => res.writeHead(200).end('{"status":"success","message":"Event processed","incident_key":"x"}'));
    const { notify, decisions } = notifierFor(v1Config(`${pagerduty.url}/generic/2010-04-15/create_event.json`));
    const firing = notifyRequest({ fingerprint: 'b1b2c3d4e5f60718', annotations: { summary: 'Node node-9 is not ready' } });
    const resolved = notifyRequest({ fingerprint: 'b1b2c3d4e5f60718', status: 'resolved', annotations: { summary: 'Node node-9 is not ready' } });

    await notify(sqsEvent(sqsRecord(firing)));
    await notify(sqsEvent(sqsRecord(resolved)));

    const key = pagerdutyDedupKey(onlyAlert(firing).alert);
    expect(pagerduty.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /generic/2010-04-15/create_event.json', 'POST /generic/2010-04-15/create_event.json']);
    expect(pagerduty.json<PagerdutyV1Event>(0)).toMatchObject({ service_key: TEST_SECRETS.serviceKey, event_type: 'trigger', incident_key: key, description: 'Node node-9 is not ready', client: 'alertscale', client_url: 'https://alertscale.example.com' });
    expect(pagerduty.json<PagerdutyV1Event>(1)).toMatchObject({ service_key: TEST_SECRETS.serviceKey, event_type: 'resolve', incident_key: key });
    expect(pagerduty.json<Record<string, unknown>>(0)).not.toHaveProperty('routing_key');
    expect(decisions.action(onlyAlert(firing).decisionId)).toMatchObject({ outcome: 'sent', detail: 'HTTP 200' });
  });

  it('retries the 403 with which v1 throttles', async () => {
    const pagerduty = await peer((res, index) => res.writeHead(index === 0 ? 403 : 200).end());
    const { notify, decisions } = notifierFor(v1Config(`${pagerduty.url}/generic/2010-04-15/create_event.json`));
    const request = notifyRequest();

    await notify(sqsEvent(sqsRecord(request)));

    expect(pagerduty.requests).toHaveLength(2);
    expect(decisions.action(onlyAlert(request).decisionId)?.outcome).toBe('sent');
  });
});

describe('redelivery', () => {
  it('sends nothing twice when SQS delivers the same messages again', async () => {
    const pagerduty = await peer();
    const slack = await peer((res) => res.writeHead(200).end('ok'));
    const config = configFrom(`
route: { receiver: oncall }
receivers:
  - name: oncall
    pagerduty_configs: [{ routing_key: ${TEST_SECRETS.routingKey}, url: '${pagerduty.url}/v2/enqueue' }]
    slack_configs: [{ api_url: '${slack.url}${TEST_SECRETS.slackPath}' }]
`);
    const { notify, decisions } = notifierFor(config);
    const page = notifyRequest({ decisionId: 'd-redelivery', notificationId: 'n-redelivery' });
    const chat = notifyRequest({ decisionId: 'd-redelivery', notificationId: 'n-redelivery', channel: 'slack' });
    const batch = sqsEvent(sqsRecord(page, 'm-page'), sqsRecord(chat, 'm-chat'));

    await notify(batch);
    const again = await notify(batch);

    expect(pagerduty.requests).toHaveLength(1);
    expect(slack.requests).toHaveLength(1);
    expect(again.batchItemFailures).toEqual([]);
    expect(decisions.actionsOf('d-redelivery').map((a) => [a.target, a.outcome, a.detail]).sort()).toEqual([
      ['pagerduty', 'sent', 'already delivered; not sent again'],
      ['slack', 'sent', 'already delivered; not sent again'],
    ]);
  });

  it('fails only the record whose send failed transiently, and on redelivery sends only what did not go', async () => {
    let healthy = false;
    const flaky = notifyRequest({ alerts: 2 });
    const failing = pagerdutyDedupKey(flaky.alerts[1]!.alert);
    const pagerduty = await peer((res, _index, request) => res.writeHead(!healthy && (JSON.parse(request.body) as PagerdutyEvent).dedup_key === failing ? 503 : 202).end());
    const { notify, decisions, bus } = notifierFor(pagerdutyConfig(pagerduty.url));
    const steady = notifyRequest();
    const first = await notify(sqsEvent(sqsRecord(flaky, 'm-flaky'), sqsRecord(steady, 'm-steady')));
    const sentBefore = pagerduty.requests.length;
    healthy = true;

    const again = await notify(sqsEvent(sqsRecord(flaky, 'm-flaky')));

    expect([first.batchItemFailures, again.batchItemFailures]).toEqual([[{ itemIdentifier: 'm-flaky' }], []]);
    expect(pagerduty.requests.slice(sentBefore).map((r) => (JSON.parse(r.body) as PagerdutyEvent).dedup_key)).toEqual([failing]);
    expect(flaky.alerts.map((m) => decisions.action(m.decisionId)?.detail)).toEqual(['already delivered; not sent again', 'HTTP 202']);
    expect(bus.notificationsSent.filter((event) => event.actionId === flaky.actionId).map((event) => event.outcome)).toEqual(['failed', 'sent']);
  });

  it('sends only the alerts of a request that were not sent before', async () => {
    const slack = await peer((res) => res.writeHead(200).end('ok'));
    const sends = new DynamoSendStore(dynamo.client, dynamo.tableName);
    const { notify } = notifierFor(slackConfig(slack.url), { sends });
    const request = notifyRequest({ channel: 'slack', alerts: 2 });
    const [recorded, lost] = request.alerts;
    const recordSent = sends.recordSent.bind(sends);
    sends.recordSent = async (record, now) => (record.decisionId === lost?.decisionId ? Promise.reject(new Error('DynamoDB unavailable')) : recordSent(record, now));
    await notify(sqsEvent(sqsRecord(request, 'm-partial')));
    sends.recordSent = recordSent;

    await notify(sqsEvent(sqsRecord(request, 'm-partial')));

    expect(slack.requests).toHaveLength(2);
    expect(slack.json<SlackMessage>(1).blocks.filter((b) => b.type === 'section')).toHaveLength(1);
    expect(slack.requests[1]?.body).toContain(lost?.alert.annotations.summary);
    expect(slack.requests[1]?.body).not.toContain(recorded?.alert.annotations.summary);
  });
});

describe('local mode', () => {
  it('sends an inline-key channel for real and records a *_secret channel as skipped', async () => {
    const pagerduty = await peer();
    const config = configFrom(`
route: { receiver: oncall }
receivers:
  - name: oncall
    pagerduty_configs:
      - { routing_key: ${TEST_SECRETS.routingKey}, url: '${pagerduty.url}/v2/enqueue' }
      - { routing_key_secret: alertscale/pagerduty }
`);
    const decisions = new InMemoryDecisions();
    const log = new MemoryLog();
    const notify = localNotifier({ config, dynamodb: dynamo.client, tableName: dynamo.tableName, decisions, bus: new RecordingBus(), log }, { retry: { attempts: 1 } }).consumer;
    const real = notifyRequest({ decisionId: 'd-local' });
    const secret = notifyRequest({ decisionId: 'd-local', configIndex: 1 });

    await notify(sqsEvent(sqsRecord(real), sqsRecord(secret)));

    expect(pagerduty.requests).toHaveLength(1);
    expect(decisions.actionsOf('d-local').map((a) => [a.actionId, a.outcome, a.detail]).sort()).toEqual([
      [onlyAlert(real).actionId, 'sent', 'HTTP 202'],
      [onlyAlert(secret).actionId, 'skipped', 'no local secret'],
    ]);
  });
});

describe('secrets', () => {
  it('writes no test secret to any log line, decision record or event of this suite', () => {
    const everything = [...capturedLogLines, ...consoleLines, ...recordedDetails];
    const leaks = Object.values(TEST_SECRETS).flatMap((secret) => everything.filter((line) => line.includes(secret)));

    expect(capturedLogLines.length).toBeGreaterThan(10);
    expect(leaks).toEqual([]);
  });
});
