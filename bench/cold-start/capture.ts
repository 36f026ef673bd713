import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventEnvelope } from '../../lambdas/local/emulators/local-bus';
import type { DecisionRecord } from '../../lambdas/shared/decisions';
import { DetailType } from '../../lambdas/shared/events';
import { BENCH_TOKEN, startBenchLocalMode } from '../lib/local-mode';
import { notification } from '../lib/payloads';

/** The stages the cold-start figure invokes, and the empty handler. */
export type ColdStage = 'ingest' | 'router' | 'scaler' | 'notifier' | 'empty';

/** Real events of each stage, captured from local mode running the same code, and the decisions the requests serve. */
export interface CapturedEvents {
  readonly webhookBody: string;
  readonly notification: EventEnvelope;
  readonly scale: EventEnvelope;
  readonly notify: EventEnvelope;
  /** What a first delivery of `scale` and `notify` finds in the table: their decisions, as the router created them. */
  readonly scaleDecisions: readonly DecisionRecord[];
  readonly notifyDecisions: readonly DecisionRecord[];
}

/**
 * Posts one bench notification to local mode and keeps the first event of
 * each detail-type the stages take: `Alertmanager Notification` (router),
 * `Scale Requested` (scaler), `Notify Requested` (notifier).
 */
export async function captureEvents(pagerdutyUrl: string): Promise<CapturedEvents> {
  const mode = await startBenchLocalMode({ pagerdutyUrl });
  try {
    const seen = new Map<string, EventEnvelope>();
    mode.pipeline.bus.subscribe((event) => {
      if (!seen.has(event['detail-type'])) seen.set(event['detail-type'], event);
    });
    const n = notification('cold', 0);
    await mode.sendFromBothReplicas(n);
    await mode.pipeline.idle();
    const pick = (type: string) => {
      const event = seen.get(type);
      if (!event) throw new Error(`cold start: local mode put no ${type} event on the bus`);
      return event;
    };
    const decisionsOf = async (event: EventEnvelope) => {
      const ids = (event.detail as { decisionIds: string[] }).decisionIds;
      return [...(await mode.pipeline.decisions.getMany(ids, new Date())).values()];
    };
    const scale = pick(DetailType.ScaleRequested);
    const notify = pick(DetailType.NotifyRequested);
    return { webhookBody: n.body, notification: pick(DetailType.Notification), scale, notify, scaleDecisions: await decisionsOf(scale), notifyDecisions: await decisionsOf(notify) };
  } finally {
    await mode.stop();
  }
}

const sqsRecord = (body: string, fifoGroup?: string) => ({
  messageId: `m-${Math.random().toString(36).slice(2)}`,
  receiptHandle: 'r',
  body,
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: String(Date.now()),
    SenderId: 'bench',
    ApproximateFirstReceiveTimestamp: String(Date.now()),
    ...(fifoGroup ? { MessageGroupId: fifoGroup, MessageDeduplicationId: 'd', SequenceNumber: '1' } : {}),
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:bench',
  awsRegion: 'us-east-1',
});

/** An API Gateway HTTP API (payload v2) request carrying the webhook, as Alertmanager posts it. */
const apiGatewayRequest = (body: string) => ({
  version: '2.0',
  routeKey: 'POST /alertmanager',
  rawPath: '/alertmanager',
  rawQueryString: '',
  headers: { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/json' },
  requestContext: { http: { method: 'POST', path: '/alertmanager', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'Alertmanager/0.27.0' }, requestId: 'r', routeKey: 'POST /alertmanager', stage: '$default', time: '', timeEpoch: 0 },
  body,
  isBase64Encoded: false,
});

/** Writes each stage's event as its Lambda receives it (SQS records, or the API Gateway request) to `dir`; returns the files. */
export function writeEventFiles(dir: string, captured: CapturedEvents): Record<ColdStage, string> {
  const files: Record<ColdStage, string> = {
    ingest: join(dir, 'event-ingest.json'),
    router: join(dir, 'event-router.json'),
    scaler: join(dir, 'event-scaler.json'),
    notifier: join(dir, 'event-notifier.json'),
    empty: join(dir, 'event-empty.json'),
  };
  const nodeGroup = (captured.scale.detail as { nodeGroup: string }).nodeGroup;
  writeFileSync(files.ingest, JSON.stringify(apiGatewayRequest(captured.webhookBody)));
  writeFileSync(files.router, JSON.stringify({ Records: [sqsRecord(JSON.stringify(captured.notification))] }));
  writeFileSync(files.scaler, JSON.stringify({ Records: [sqsRecord(JSON.stringify(captured.scale), nodeGroup)] }));
  writeFileSync(files.notifier, JSON.stringify({ Records: [sqsRecord(JSON.stringify(captured.notify))] }));
  writeFileSync(files.empty, '{}');
  return files;
}
