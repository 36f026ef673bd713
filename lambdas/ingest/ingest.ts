import { randomUUID } from 'node:crypto';
import { alertFingerprint, webhookSchema, type Webhook } from '../shared/alertmanager';
import { keyPath } from '../shared/key-path';
import { DetailType, type AlertEvent, type BusEvent } from '../shared/events';
import type { Clock } from '../shared/clock';
import type { EventBus } from '../shared/publish';
import type { Log } from '../shared/log';
import { EventTooLargeError, publishAll, type PublishOptions } from '../shared/publish';
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

export interface IngestDeps {
  readonly bus: EventBus;
  /** The webhook token; `undefined` or empty means none is configured, and every request is refused. */
  readonly token: () => Promise<string | undefined>;
  readonly log: Log;
  readonly clock: Clock;
  /** @default 4 MiB - under Lambda's 6 MB synchronous payload limit */
  readonly maxBodyBytes?: number;
  readonly publish?: PublishOptions;
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

/** Turns one accepted notification into one `Alertmanager Alert` event per alert. */
export function alertEvents(webhook: Webhook, receivedAt: string, notificationId: string): BusEvent<AlertEvent>[] {
  const { alerts, ...group } = webhook;
  return alerts.map((alert) => ({
    detailType: DetailType.Alert,
    detail: {
      alert: { ...alert, fingerprint: alertFingerprint(alert) },
      group: { ...group, size: alerts.length, notificationId },
      receivedAt,
    },
  }));
}

/**
 * The ingest use case: authenticate, bound, validate, and put one event per
 * alert on the bus. Answers 2xx only once every event is on the bus; a
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

    const raw = request.body ?? '';
    const body = request.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
    if (body.byteLength > maxBodyBytes) {
      return json(413, { error: `body is ${body.byteLength} bytes; the limit is ${maxBodyBytes}` });
    }

    let document: unknown;
    try {
      document = JSON.parse(body.toString('utf8'));
    } catch (error) {
      return json(400, { error: `body is not JSON: ${(error as Error).message}` });
    }
    if (nestsDeeperThan(document, MAX_JSON_DEPTH)) {
      return json(400, { error: `body nests deeper than ${MAX_JSON_DEPTH} levels` });
    }
    const parsed = webhookSchema.safeParse(document);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const path = first ? keyPath(first.path) : '';
      return json(400, { error: `${path || 'body'}: ${first?.message ?? 'invalid'}`, path });
    }

    const notificationId = randomUUID();
    const events = alertEvents(parsed.data, deps.clock().toISOString(), notificationId);
    try {
      await publishAll(deps.bus, events, { log: deps.log, ...deps.publish });
    } catch (error) {
      if (error instanceof EventTooLargeError) {
        return json(413, { error: `alerts[${error.index}] is too large for the event bus: ${error.message}` });
      }
      deps.log.error('could not put every alert on the bus; answering 5xx so Alertmanager retries', {
        error: (error as Error).message,
        notificationId,
        alerts: events.length,
      });
      return json(503, { error: 'could not put every alert on the event bus; retry' });
    }
    deps.log.info('accepted notification', { notificationId, receiver: parsed.data.receiver, alerts: events.length });
    return json(200, { accepted: events.length, notificationId });
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
