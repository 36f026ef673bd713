import { recordLogLine } from '../../support/log-sink';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { parseConfigText } from '../../../lambdas/shared/config/load';
import type { Config } from '../../../lambdas/shared/config/schema';
import { DetailType, EVENT_SOURCE, type NotificationSent, type NotifyRequested } from '../../../lambdas/shared/events';
import type { ActionRecord, DecisionStore, Log } from '../../../lambdas/shared/ports';
import type { DeliveryKey, DeliveryRecord, DeliveryStore } from '../../../lambdas/notifier/delivery-store';
import { deliveryPk } from '../../../lambdas/notifier/delivery-store';
import type { NotifierDeps } from '../../../lambdas/notifier/notifier';
import { LocalSecretResolver } from '../../../lambdas/notifier/secrets';
import { LoggingSnsPublisher } from '../../../lambdas/notifier/sns';
import { RecordingBus } from '../../support/recording-bus';

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

/** Decision store fake: only `recordAction` is the notifier's business. */
export class MemoryDecisionStore implements DecisionStore {
  readonly actions = new Map<string, ActionRecord[]>();

  async recordAction(decisionId: string, action: ActionRecord): Promise<void> {
    const list = (this.actions.get(decisionId) ?? []).filter((a) => a.actionId !== action.actionId);
    this.actions.set(decisionId, [...list, action]);
  }

  action(decisionId: string): ActionRecord | undefined {
    return this.actions.get(decisionId)?.[0];
  }

  recordDelivery(): never {
    throw new Error('not used by the notifier');
  }
  claimStep(): never {
    throw new Error('not used by the notifier');
  }
  get(): never {
    throw new Error('not used by the notifier');
  }
  listRecent(): never {
    throw new Error('not used by the notifier');
  }
}

/** Bus fake that keeps what was put. */
export class MemoryBus extends RecordingBus {
  get notificationsSent(): NotificationSent[] {
    return this.events.filter((event) => event.detailType === DetailType.NotificationSent).map((event) => event.detail as NotificationSent);
  }
}

/** Delivery store fake with the DynamoDB adapter's semantics (first write wins). */
export class MemoryDeliveryStore implements DeliveryStore {
  readonly records = new Map<string, DeliveryRecord>();

  async find(key: DeliveryKey): Promise<DeliveryRecord | undefined> {
    return this.records.get(deliveryPk(key));
  }

  async recordSent(record: DeliveryRecord): Promise<boolean> {
    if (this.records.has(deliveryPk(record))) return false;
    this.records.set(deliveryPk(record), record);
    return true;
  }
}

/** Every line any `CapturingLog` of this test file wrote, for the secret-leak check. */
export const capturedLogLines: string[] = [];

/** A Log that keeps its lines (as the JSON a structured logger would print). */
export class CapturingLog implements Log {
  readonly lines: { level: string; message: string; extra?: Record<string, unknown> }[] = [];
  private write(level: string, message: string, extra?: Record<string, unknown>) {
    this.lines.push({ level, message, ...(extra ? { extra } : {}) });
    capturedLogLines.push(JSON.stringify({ level, message, ...extra }));
    recordLogLine(JSON.stringify({ level, message, ...extra }));
  }
  debug(message: string, extra?: Record<string, unknown>) {
    this.write('debug', message, extra);
  }
  info(message: string, extra?: Record<string, unknown>) {
    this.write('info', message, extra);
  }
  warn(message: string, extra?: Record<string, unknown>) {
    this.write('warn', message, extra);
  }
  error(message: string, extra?: Record<string, unknown>) {
    this.write('error', message, extra);
  }
}

/** A request a fake peer received. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A real HTTP server on 127.0.0.1 that records requests and answers as the test scripts it. */
export interface FakePeer {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  readonly json: <T = unknown>(index: number) => T;
  close(): Promise<void>;
}

/** Starts a fake peer; `answer` gets the request's index (0-based) and writes the response. */
export async function startFakePeer(answer: (response: ServerResponse, index: number, request: ReceivedRequest) => void = (r) => r.writeHead(202).end('{"status":"success"}')): Promise<FakePeer> {
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(received);
      answer(res, requests.length - 1, received);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    json: <T>(index: number) => JSON.parse(requests[index]?.body ?? 'null') as T,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A sleep that returns at once and remembers what it was asked to wait. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

/** Notifier deps with in-memory fakes, local secrets, a logging SNS publisher and no real waiting. */
export function fakeNotifierDeps(config: Config, overrides: Partial<NotifierDeps> = {}) {
  const decisions = new MemoryDecisionStore();
  const bus = new MemoryBus();
  const log = new CapturingLog();
  const deliveries = new MemoryDeliveryStore();
  const { sleep, waits } = recordingSleep();
  const deps: NotifierDeps = {
    config,
    decisions,
    deliveries,
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
  return { deps, decisions, bus, log, deliveries, waits };
}
