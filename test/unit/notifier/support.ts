import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { parseConfigText } from '../../../lambdas/shared/config/load';
import type { Config } from '../../../lambdas/shared/config/schema';
import { DetailType, EVENT_SOURCE, type NotifyRequested } from '../../../lambdas/shared/events';
import { LocalSecretResolver } from '../../../lambdas/local/emulators/local-secrets';
import { LoggingSnsPublisher } from '../../../lambdas/local/emulators/logging-sns';
import { notifierConsumer } from '../../../lambdas/notifier/consumer';
import { itemsOf, type NotifyItem } from '../../../lambdas/notifier/items';
import { createNotifier, type NotifierDeps } from '../../../lambdas/notifier/notifier';
import { RecordingBus } from '../../support/fakes/bus';
import { InMemoryDecisions } from '../../support/fakes/decisions';
import { MemoryLog } from '../../support/fakes/log';
import { InMemorySendStore } from '../../support/fakes/sends';

export { startFakePeer, type FakePeer, type ReceivedRequest } from '../../support/fakes/http-peer';

/** Secrets the notifier tests configure; no log line, decision record or event may ever contain one. */
export const TEST_SECRETS = {
  routingKey: 'pd-routing-key-7f3a9c1e5b2d4f60',
  serviceKey: 'pd-service-key-v1-3e8b0c5a9d2f',
  slackPath: '/services/T0TEST/B0TEST/slack-webhook-secret-8c1d',
  signingKey: 'hook-signing-key-2b9e4a7d1c6f',
  bearerToken: 'cp-bearer-token-6a1f9e3c7b20',
  basicPassword: 'cp-basic-password-4d7e2a9b1c',
} as const;

/** A validated configuration from YAML, as local mode and the stack load it. */
export function configFrom(yaml: string): Config {
  return parseConfigText(yaml, 'test configuration').config;
}

let sequence = 0;
const next = () => (sequence += 1);

/** What a test may say about one alert of a request; the rest is sensible defaults (a `decisionId` of its own among them). */
export interface AlertOverrides {
  readonly status?: 'firing' | 'resolved';
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly startsAt?: string;
  readonly fingerprint?: string;
  readonly decisionId?: string;
}

/** What a test may say about a request: its own fields, and its alerts (one by default). */
export interface NotifyRequestOverrides extends AlertOverrides {
  readonly actionId?: string;
  readonly channel?: NotifyRequested['channel'];
  readonly receiver?: string;
  readonly configIndex?: number;
  readonly notificationId?: string;
  readonly reason?: 'routed' | 'escalation';
  readonly size?: number;
  readonly truncatedAlerts?: number;
  readonly part?: number;
  readonly parts?: number;
  /**
   * Several alerts: how many, or each one's overrides. The top-level alert
   * overrides apply to every alert as defaults.
   * @default 1
   */
  readonly alerts?: number | readonly AlertOverrides[];
}

function member(request: NotifyRequestOverrides, own: AlertOverrides): NotifyRequested['alerts'][number] {
  const n = next();
  const given: AlertOverrides = { ...request, ...own };
  const status = given.status ?? 'firing';
  const decisionId = given.decisionId ?? `decision-${n}`;
  return {
    decisionId,
    actionId: `${decisionId}:${request.receiver ?? 'oncall'}:${request.channel ?? 'pagerduty'}:${request.configIndex ?? 0}`,
    alert: {
      status,
      labels: given.labels ?? { alertname: 'NodeNotReady', severity: 'critical', nodegroup: 'gpu-a100', instance: `node-${n}` },
      annotations: given.annotations ?? { summary: `Node node-${n} is not ready`, runbook_url: 'https://runbooks.example.com/NodeNotReady' },
      startsAt: given.startsAt ?? '2026-01-01T10:00:00.000Z',
      ...(status === 'resolved' ? { endsAt: '2026-01-01T10:30:00.000Z' } : {}),
      generatorURL: 'http://prometheus.example.com/graph?g0.expr=up',
      fingerprint: given.fingerprint ?? `fp${String(n).padStart(14, '0')}`,
    },
  };
}

/**
 * A v2 `Notify Requested` detail with sensible defaults, listing one alert
 * (or several: `alerts`); each alert has its own decision and its own action
 * id (per decision and channel config), as the router makes them.
 */
export function notifyRequest(overrides: NotifyRequestOverrides = {}): NotifyRequested {
  const n = next();
  const { alerts: wanted = 1 } = overrides;
  const alerts = (typeof wanted === 'number' ? Array.from({ length: wanted }, () => ({})) : wanted).map((own) => member(overrides, own));
  return {
    actionId: overrides.actionId ?? `notify-${n}`,
    receiver: overrides.receiver ?? 'oncall',
    channel: overrides.channel ?? 'pagerduty',
    configIndex: overrides.configIndex ?? 0,
    reason: overrides.reason ?? 'routed',
    group: {
      groupKey: '{}:{alertname="NodeNotReady"}',
      notificationId: overrides.notificationId ?? `notification-${n}`,
      externalURL: 'http://alertmanager.example.com:9093',
      truncatedAlerts: overrides.truncatedAlerts ?? 0,
      size: overrides.size ?? alerts.length,
    },
    decisionIds: [...new Set(alerts.map((m) => m.decisionId))],
    alerts,
    part: overrides.part ?? 1,
    parts: overrides.parts ?? 1,
    requestedAt: '2026-01-01T10:00:01.000Z',
  };
}

/** The one alert of a single-alert request: its member (decision, action id, alert). */
export function onlyAlert(request: NotifyRequested): NotifyRequested['alerts'][number] {
  const [only, ...rest] = request.alerts;
  if (!only || rest.length > 0) throw new RangeError(`expected a request of one alert, got ${request.alerts.length}`);
  return only;
}

/** A request's alerts as the senders and renderers see them. */
export const itemsOfRequest = (overrides: NotifyRequestOverrides = {}): NotifyItem[] => itemsOf(notifyRequest(overrides));

/** One alert as the senders and renderers see it. */
export const notifyItem = (overrides: NotifyRequestOverrides = {}): NotifyItem => itemsOfRequest({ ...overrides, alerts: 1 })[0] as NotifyItem;

/** An SQS record as EventBridge's SQS target delivers a `Notify Requested` event. */
export function sqsRecord(detail: unknown, messageId = `message-${next()}`, detailType: string = DetailType.NotifyRequested): SQSRecord {
  return {
    messageId,
    receiptHandle: `receipt-${messageId}`,
    body: JSON.stringify({ version: '0', id: `event-${messageId}`, 'detail-type': detailType, source: EVENT_SOURCE, account: '123456789012', time: '2026-01-01T10:00:01Z', region: 'us-east-1', resources: [], detail }),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1767261601000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1767261601000',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:alertscale-notify',
    awsRegion: 'us-east-1',
  };
}

export const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

/** A sleep that returns at once and remembers what it was asked to wait. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

/** The notifier as its queue's consumer (what the Lambda handler and local mode run), from deps. */
export const notifierFrom = (deps: NotifierDeps) => notifierConsumer(createNotifier(deps), { log: deps.log });

/** Notifier deps with in-memory fakes, local secrets, a logging SNS publisher and no real waiting. */
export function fakeNotifierDeps(config: Config, overrides: Partial<NotifierDeps> = {}) {
  const decisions = new InMemoryDecisions();
  const bus = new RecordingBus();
  const log = new MemoryLog();
  const sends = new InMemorySendStore();
  const { sleep, waits } = recordingSleep();
  const deps: NotifierDeps = {
    config,
    decisions,
    sends,
    bus,
    secrets: new LocalSecretResolver(),
    sns: new LoggingSnsPublisher(log),
    log,
    sleep,
    retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 2_000 },
    fetch: async () => {
      throw new Error('unit tests make no HTTP requests; pass a fetch');
    },
    ...overrides,
  };
  return { deps, decisions, bus, log, sends, waits };
}
