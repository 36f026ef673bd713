import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { parseConfigText } from '../../../lambdas/shared/config/load';
import type { Config } from '../../../lambdas/shared/config/schema';
import { DetailType, EVENT_SOURCE, type NotifyRequested } from '../../../lambdas/shared/events';
import { LocalSecretResolver } from '../../../lambdas/local/emulators/local-secrets';
import { LoggingSnsPublisher } from '../../../lambdas/local/emulators/logging-sns';
import { notifierConsumer } from '../../../lambdas/notifier/consumer';
import { createNotifier, type NotifierDeps } from '../../../lambdas/notifier/notifier';
import { RecordingBus } from '../../support/fakes/bus';
import { InMemoryDecisions } from '../../support/fakes/decisions';
import { MemoryLog } from '../../support/fakes/log';
import { InMemorySendStore } from '../../support/fakes/sends';

export { startFakePeer, type FakePeer, type ReceivedRequest } from '../../support/fakes/http-peer';

/** Secrets the notifier tests configure; no log line may ever contain one. */
export const TEST_SECRETS = {
  routingKey: 'pd-routing-key-7f3a9c1e5b2d4f60',
  slackPath: '/services/T0TEST/B0TEST/slack-webhook-secret-8c1d',
  signingKey: 'hook-signing-key-2b9e4a7d1c6f',
} as const;

/** A validated configuration from YAML, as local mode and the stack load it. */
export function configFrom(yaml: string): Config {
  return parseConfigText(yaml, 'test configuration').config;
}

let sequence = 0;

/** A `Notify Requested` detail with sensible defaults; pass what the test is about. */
export function notifyRequest(
  overrides: {
    channel?: NotifyRequested['action']['channel'];
    receiver?: string;
    configIndex?: number;
    status?: 'firing' | 'resolved';
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    startsAt?: string;
    fingerprint?: string;
    notificationId?: string;
    decisionId?: string;
    reason?: 'routed' | 'escalation';
    size?: number;
  } = {},
): NotifyRequested {
  sequence += 1;
  const status = overrides.status ?? 'firing';
  const fingerprint = overrides.fingerprint ?? `fp${String(sequence).padStart(14, '0')}`;
  return {
    decisionId: overrides.decisionId ?? `decision-${sequence}`,
    alert: {
      status,
      labels: overrides.labels ?? { alertname: 'NodeNotReady', severity: 'critical', nodegroup: 'gpu-a100', instance: `node-${sequence}` },
      annotations: overrides.annotations ?? {
        summary: `Node node-${sequence} is not ready`,
        runbook_url: 'https://runbooks.example.com/NodeNotReady',
      },
      startsAt: overrides.startsAt ?? '2026-01-01T10:00:00.000Z',
      ...(status === 'resolved' ? { endsAt: '2026-01-01T10:30:00.000Z' } : {}),
      generatorURL: 'http://prometheus.example.com/graph?g0.expr=up',
      fingerprint,
    },
    group: {
      groupKey: '{}:{alertname="NodeNotReady"}',
      notificationId: overrides.notificationId ?? `notification-${sequence}`,
      size: overrides.size ?? 1,
      externalURL: 'http://alertmanager.example.com:9093',
      truncatedAlerts: 0,
    },
    action: {
      kind: 'notify',
      actionId: `${overrides.decisionId ?? `decision-${sequence}`}:${overrides.receiver ?? 'oncall'}:${overrides.channel ?? 'pagerduty'}:${overrides.configIndex ?? 0}`,
      receiver: overrides.receiver ?? 'oncall',
      channel: overrides.channel ?? 'pagerduty',
      configIndex: overrides.configIndex ?? 0,
      reason: overrides.reason ?? 'routed',
    },
    requestedAt: '2026-01-01T10:00:01.000Z',
  };
}

/** An SQS record as EventBridge's SQS target delivers a `Notify Requested` event. */
export function sqsRecord(detail: unknown, messageId = `message-${(sequence += 1)}`, detailType: string = DetailType.NotifyRequested): SQSRecord {
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
