import { randomUUID } from 'node:crypto';
import { alertFingerprint, webhookSchema, type Webhook } from '../shared/alertmanager';
import { keyPath } from '../shared/key-path';
import { DetailType, EVENT_SOURCE, type BusEvent, type NotificationEvent } from '../shared/events';
import type { Clock } from '../shared/clock';
import { METRIC, type Metrics } from '../shared/metrics';
import type { EventBus } from '../shared/publish';
import type { Log } from '../shared/log';
import { entrySize, EventTooLargeError, MAX_PUT_BYTES, publishAll, type PublishOptions } from '../shared/publish';
import { authenticate } from './auth';

/** An HTTP request as the ingest use case sees it; header names in lower case. */
export interface IngestRequest {
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string | undefined;
  readonly isBase64Encoded?: boolean;
}

export interface IngestResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** A webhook ingest accepted: when (the `receivedAt` its event carries), its body as parsed, and its notification id. */
export interface AcceptedWebhook {
  readonly receivedAt: string;
  /** The JSON document as it was posted, before validation filled in defaults. */
  readonly body: unknown;
  readonly notificationId: string;
}

export interface IngestDeps {
  readonly bus: EventBus;
  /** The webhook token; `undefined` or empty means none is configured, and every request is refused. */
  readonly token: () => Promise<string | undefined>;
  readonly log: Log;
  readonly clock: Clock;
  /** @default - no metrics */
  readonly metrics?: Metrics;
  /** @default 4 MiB - under Lambda's 6 MB synchronous payload limit */
  readonly maxBodyBytes?: number;
  readonly publish?: PublishOptions;
  /**
   * Told of every webhook once it is on the bus, before the 2xx: local mode's
   * `serve --record` writes the history `replay` reads from it. Must not
   * throw. @default - nobody is told
   */
  readonly onAccepted?: (accepted: AcceptedWebhook) => void;
}

export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Deeper than any real notification nests (labels sit at depth 4); bounds the work on hostile input. */
export const MAX_JSON_DEPTH = 32;

/** Whether a parsed JSON value nests deeper than `limit`; iterative, so hostile depth cannot overflow the stack. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}

const json = (statusCode: number, body: unknown): IngestResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** An alert alone is larger than the bus takes: no split can carry it. */
export class AlertTooLargeError extends Error {
  override readonly name = 'AlertTooLargeError';
  constructor(
    readonly index: number,
    readonly bytes: number,
  ) {
    super(`alerts[${index}] alone makes an event of ${bytes} bytes; EventBridge accepts at most ${MAX_PUT_BYTES} bytes per event`);
  }
}

const notificationEvent = (detail: NotificationEvent): BusEvent<NotificationEvent> => ({ detailType: DetailType.Notification, detail });

/**
 * Turns one accepted notification into its `Alertmanager Notification`
 * event: the notification as sent, every fingerprint filled in. Only when
 * that event is past the bus's size limit are its alerts split into parts
 * (`part` of `parts`), each as large as fits; together they hold every alert
 * once. Throws `AlertTooLargeError` when one alert alone does not fit.
 */
export function notificationEvents(webhook: Webhook, receivedAt: string, notificationId: string, maxBytes = MAX_PUT_BYTES): BusEvent<NotificationEvent>[] {
  const { alerts, ...notification } = webhook;
  const base = { ...notification, notificationId, receivedAt, size: alerts.length };
  const filled = alerts.map((alert) => ({ ...alert, fingerprint: alertFingerprint(alert) }));
  const whole = notificationEvent({ ...base, alerts: filled, part: 1, parts: 1 });
  if (entrySize(whole, EVENT_SOURCE) <= maxBytes) return [whole];
  // Sizes add up: the event without alerts, plus each alert and its comma (and room for larger part numbers).
  const empty = entrySize(notificationEvent({ ...base, alerts: [], part: 1, parts: 1 }), EVENT_SOURCE) + 16;
  const chunks: (typeof filled)[] = [];
  let current: typeof filled = [];
  let bytes = empty;
  for (const [index, alert] of filled.entries()) {
    const size = Buffer.byteLength(JSON.stringify(alert)) + 1;
    if (empty + size > maxBytes) throw new AlertTooLargeError(index, empty + size);
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = empty;
    }
    current.push(alert);
    bytes += size;
  }
  chunks.push(current);
  return chunks.map((chunk, i) => notificationEvent({ ...base, alerts: chunk, part: i + 1, parts: chunks.length }));
}

type ReadWebhook = { ok: true; document: unknown; webhook: Webhook } | { ok: false; response: IngestResponse };

/** The body as Alertmanager's notification, or the 4xx that says why it is not one. */
function readWebhook(request: IngestRequest, maxBodyBytes: number): ReadWebhook {
  const refused = (statusCode: number, body: Record<string, unknown>): ReadWebhook => ({ ok: false, response: json(statusCode, body) });
  const raw = request.body ?? '';
  const body = request.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (body.byteLength > maxBodyBytes) {
    return refused(413, { error: `body is ${body.byteLength} bytes; the limit is ${maxBodyBytes}` });
  }

  if (body.byteLength === 0) return refused(400, { error: 'body is empty; Alertmanager sends a JSON notification (webhook version 4)' });
  let document: unknown;
  try {
    document = JSON.parse(body.toString('utf8'));
  } catch (error) {
    return refused(400, { error: `body is not JSON: ${(error as Error).message}` });
  }
  if (nestsDeeperThan(document, MAX_JSON_DEPTH)) {
    return refused(400, { error: `body nests deeper than ${MAX_JSON_DEPTH} levels` });
  }
  const parsed = webhookSchema.safeParse(document);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const path = first ? keyPath(first.path) : '';
    return refused(400, { error: `${path || 'body'}: ${first?.message ?? 'invalid'}`, path });
  }
  return { ok: true, document, webhook: parsed.data };
}

/**
 * The ingest use case: authenticate, bound, validate, and put the
 * notification on the bus as one event (parts only past the size limit).
 * Answers 2xx only once every part is on the bus; a
 * transient failure answers 5xx, never 4xx, because Alertmanager drops a
 * notification for good on any 4xx and retries only 5xx.
 */
export function createIngest(deps: IngestDeps) {
  const maxBodyBytes = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  async function handle(request: IngestRequest): Promise<IngestResponse> {
    const token = await deps.token();
    if (!token) {
      deps.log.error('webhook token is not configured; refusing every request');
      return json(503, { error: 'webhook token not configured' });
    }
    const auth = authenticate(request.headers.authorization, token);
    if (!auth.ok) return json(401, { error: auth.reason });

    const read = readWebhook(request, maxBodyBytes);
    if (!read.ok) return read.response;
    const { document, webhook } = read;

    const notificationId = randomUUID();
    const alerts = webhook.alerts.length;
    let events: BusEvent<NotificationEvent>[];
    const receivedAt = deps.clock().toISOString();
    try {
      events = notificationEvents(webhook, receivedAt, notificationId);
      await publishAll(deps.bus, events, { log: deps.log, ...deps.publish });
    } catch (error) {
      if (error instanceof AlertTooLargeError || error instanceof EventTooLargeError) {
        return json(413, { error: `${error instanceof AlertTooLargeError ? `alerts[${error.index}]` : 'the notification'} is too large for the event bus: ${error.message}` });
      }
      deps.log.error('could not put the notification on the bus; answering 5xx so Alertmanager retries', { error: (error as Error).message, notificationId, alerts });
      return json(503, { error: 'could not put the notification on the event bus; retry' });
    }
    deps.onAccepted?.({ receivedAt, body: document, notificationId });
    deps.metrics?.count(METRIC.NotificationsAccepted, 1);
    deps.log.info('accepted notification', { notificationId, receiver: webhook.receiver, groupKey: webhook.groupKey, alerts, parts: events.length });
    return json(200, { accepted: alerts, notificationId, parts: events.length });
  }

  return async function ingest(request: IngestRequest): Promise<IngestResponse> {
    try {
      return await handle(request);
    } catch (error) {
      // Unknown failures are 5xx (Alertmanager retries) with a generic body; details go to the log only.
      deps.log.error('ingest failed', { error: (error as Error).message, stack: (error as Error).stack });
      return json(500, { error: 'internal error' });
    }
  };
}
