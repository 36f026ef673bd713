import { DetailType, EVENT_SOURCE } from '../../shared/events';
import type { HistorySource, InputProblem, WebhookEntry } from '../history';
import type { LocatedValue } from './json-values';

/**
 * What a value read from a capture holds, in the envelopes the tools that
 * capture alertscale's history wrap it in:
 *
 * - a recording line, `{"receivedAt", "body"}` (`serve --record`);
 * - an EventBridge event, `{"detail-type": "Alertmanager Notification", "source": "alertscale", "detail": …}`
 *   (a subscriber rule's CloudWatch Logs target writes the event as it is; so does Firehose to S3);
 * - a CloudWatch Logs event, `{"message": "<the event as JSON text>", "timestamp", …}`
 *   (`aws logs tail --format none`, each of `filter-log-events`' `events`);
 * - `aws logs filter-log-events --output json`'s whole answer, `{"events": [...]}`;
 * - a CloudWatch Logs subscription's record, `{"messageType": "DATA_MESSAGE", "logEvents": [...]}`;
 * - a JSON list of any of these.
 *
 * Events of other detail-types are not history: counted as ignored.
 */

/** One part of one `Alertmanager Notification`, as its event carried it. */
export interface NotificationPart {
  readonly notificationId: string;
  readonly receivedAt: string;
  readonly part: number;
  readonly parts: number;
  readonly detail: Readonly<Record<string, unknown>>;
  readonly source: HistorySource;
}

export type Unwrapped =
  | { readonly kind: 'recording'; readonly entry: WebhookEntry }
  | { readonly kind: 'part'; readonly part: NotificationPart }
  | { readonly kind: 'ignored' }
  | { readonly kind: 'problem'; readonly problem: InputProblem };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const validTime = (text: unknown): text is string => typeof text === 'string' && !Number.isNaN(Date.parse(text));

function problem(source: HistorySource, where: string, message: string): Unwrapped {
  return { kind: 'problem', problem: { ...source, message: `${where ? `${where}: ` : ''}${message}` } };
}

function recording(value: Record<string, unknown>, source: HistorySource, where: string): Unwrapped {
  if (!validTime(value.receivedAt)) return problem(source, where, `receivedAt ${JSON.stringify(value.receivedAt)} is not an ISO 8601 time`);
  return { kind: 'recording', entry: { kind: 'webhook', at: Date.parse(value.receivedAt), receivedAt: value.receivedAt, body: value.body, source } };
}

function eventBridgeEvent(value: Record<string, unknown>, source: HistorySource, where: string): Unwrapped {
  if (value.source !== EVENT_SOURCE || value['detail-type'] !== DetailType.Notification) return { kind: 'ignored' };
  const detail = value.detail;
  if (!isObject(detail) || !Array.isArray(detail.alerts) || typeof detail.notificationId !== 'string') {
    return problem(source, where, 'an Alertmanager Notification event whose detail has no alerts or notificationId');
  }
  // An event written before receivedAt was in the detail: EventBridge's own time is when ingest put it.
  const receivedAt = validTime(detail.receivedAt) ? detail.receivedAt : value.time;
  if (!validTime(receivedAt)) return problem(source, where, 'an Alertmanager Notification event with neither detail.receivedAt nor time');
  const part = typeof detail.part === 'number' ? detail.part : 1;
  const parts = typeof detail.parts === 'number' ? detail.parts : 1;
  return { kind: 'part', part: { notificationId: detail.notificationId, receivedAt, part, parts, detail, source } };
}

/** What one value holds, unwrapping every envelope above; `where` says where inside the value (`events[3].message`). */
export function unwrap(value: unknown, source: HistorySource, where = ''): Unwrapped[] {
  const at = (key: string | number) => (typeof key === 'number' ? `${where}[${key}]` : where ? `${where}.${key}` : key);
  if (Array.isArray(value)) return value.flatMap((item, i) => unwrap(item, source, at(i)));
  if (!isObject(value)) return [problem(source, where, 'not a JSON object')];
  if ('receivedAt' in value && 'body' in value) return [recording(value, source, where)];
  if ('detail-type' in value) return [eventBridgeEvent(value, source, where)];
  if (Array.isArray(value.events)) return value.events.flatMap((item, i) => unwrap(item, source, at(`events[${i}]`)));
  if (value.messageType === 'CONTROL_MESSAGE') return [{ kind: 'ignored' }];
  if (Array.isArray(value.logEvents)) return value.logEvents.flatMap((item, i) => unwrap(item, source, at(`logEvents[${i}]`)));
  if (typeof value.message === 'string') {
    let inner: unknown;
    try {
      inner = JSON.parse(value.message);
    } catch {
      return [problem(source, at('message'), 'a log event whose message is not JSON')];
    }
    return unwrap(inner, source, at('message'));
  }
  if ('alerts' in value && 'groupKey' in value) {
    return [problem(source, where, 'a webhook without the time it was received; replay needs {"receivedAt", "body"} lines as serve --record writes them')];
  }
  return [problem(source, where, 'not a recording line, an EventBridge event or a CloudWatch Logs event')];
}

/** Everything the located values hold. */
export function unwrapAll(values: readonly LocatedValue[], file: string): Unwrapped[] {
  return values.flatMap(({ value, line }) => unwrap(value, { file, line }));
}

/**
 * The webhooks the notification parts were: the parts of one notification
 * (one `notificationId`) put back together, alerts in part order, as ingest
 * received it. A part read twice (overlapping exports) counts once; a
 * notification whose parts are not all there is replayed with the alerts
 * that are, as live each part was routed on its own, and said so.
 */
export function webhooksOf(parts: readonly NotificationPart[]): { entries: WebhookEntry[]; problems: InputProblem[]; duplicates: number } {
  const byId = new Map<string, Map<number, NotificationPart>>();
  let duplicates = 0;
  for (const part of parts) {
    const seen = byId.get(part.notificationId) ?? new Map<number, NotificationPart>();
    byId.set(part.notificationId, seen);
    if (seen.has(part.part)) duplicates++;
    else seen.set(part.part, part);
  }
  const entries: WebhookEntry[] = [];
  const problems: InputProblem[] = [];
  for (const [notificationId, seen] of byId) {
    const ordered = [...seen.values()].sort((a, b) => a.part - b.part);
    const first = ordered[0]!;
    if (ordered.length < first.parts) {
      const missing = Array.from({ length: first.parts }, (_, i) => i + 1).filter((n) => !seen.has(n));
      problems.push({ ...first.source, message: `notification ${notificationId}: part(s) ${missing.join(', ')} of ${first.parts} missing; replayed with the alerts of the parts present` });
    }
    const { notificationId: _id, receivedAt: _at, size: _size, part: _part, parts: _parts, alerts: _alerts, ...notification } = first.detail;
    const body = { version: '4', ...notification, alerts: ordered.flatMap((part) => part.detail.alerts as unknown[]) };
    entries.push({ kind: 'webhook', at: Date.parse(first.receivedAt), receivedAt: first.receivedAt, body, source: first.source });
  }
  return { entries, problems, duplicates };
}
