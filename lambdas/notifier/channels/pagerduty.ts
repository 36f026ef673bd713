import { createHash } from 'node:crypto';
import { normaliseTimestamp } from '../../shared/alertmanager';
import type { LabelSet } from '../../shared/alertmanager';
import { pagerdutyEventsApi } from '../../shared/channels';
import type { PagerdutyConfig } from '../../shared/config/schema';
import type { Alert } from '../../shared/events';
import type { NotifyItem } from '../items';
import { postJson } from '../../adapters/http/http-post';
import { alertTitle } from '../render';
import { fromHttp, type ChannelSender } from './sender';

export type PagerdutySeverity = 'critical' | 'error' | 'warning' | 'info';

/** An event for PagerDuty's Events API v2 (`POST /v2/enqueue`). */
export interface PagerdutyEvent {
  readonly routing_key: string;
  readonly event_action: 'trigger' | 'resolve';
  readonly dedup_key: string;
  readonly payload?: {
    readonly summary: string;
    readonly source: string;
    readonly severity: PagerdutySeverity;
    readonly timestamp: string;
    readonly component?: string;
    readonly class?: string;
    readonly custom_details: Record<string, unknown>;
  };
  readonly links?: readonly { readonly href: string; readonly text: string }[];
  readonly client?: string;
  readonly client_url?: string;
}

/**
 * An event for PagerDuty's Events API v1 (`create_event.json`), as
 * Alertmanager sends it for a `service_key`: `client` and `client_url` only
 * on a trigger.
 */
export interface PagerdutyV1Event {
  readonly service_key: string;
  readonly event_type: 'trigger' | 'resolve';
  readonly incident_key: string;
  readonly description: string;
  readonly client?: string;
  readonly client_url?: string;
  readonly details: Record<string, unknown>;
}

/**
 * The PagerDuty `dedup_key` of an alert occurrence: the fingerprint and a hash
 * of `startsAt`, and deliberately not the status, so that the resolve lands on
 * the incident its trigger opened. A new occurrence of the same alert (new
 * `startsAt`) opens a new incident.
 */
export function pagerdutyDedupKey(alert: Pick<Alert, 'fingerprint' | 'startsAt'>): string {
  const startsAt = createHash('sha256').update(normaliseTimestamp(alert.startsAt)).digest('hex').slice(0, 16);
  return `alertscale-${alert.fingerprint}-${startsAt}`;
}

/**
 * `severity` label values understood besides PagerDuty's own four. Kept small
 * on purpose: anything else gets the config's `severity` (default `error`).
 */
export const SEVERITY_ALIASES: Readonly<Record<string, PagerdutySeverity>> = {
  critical: 'critical',
  page: 'critical',
  fatal: 'critical',
  error: 'error',
  high: 'error',
  warning: 'warning',
  warn: 'warning',
  info: 'info',
  low: 'info',
  none: 'info',
};

/** PagerDuty severity from the alert's `severity` label (case-insensitive, with the aliases above), else `fallback`. */
export function pagerdutySeverity(labels: LabelSet, fallback: PagerdutySeverity): PagerdutySeverity {
  const label = labels.severity?.trim().toLowerCase();
  return (label !== undefined && SEVERITY_ALIASES[label]) || fallback;
}

const isHttpUrl = (value: string | undefined): value is string => value !== undefined && /^https?:\/\/\S+$/i.test(value);

/** PagerDuty limits a v2 `summary` and a v1 `description` to 1024 characters. */
const MAX_SUMMARY = 1024;

/** What alertscale tells PagerDuty about an alert beyond its summary: v2's `custom_details`, v1's `details`. */
function alertDetails(request: NotifyItem): Record<string, unknown> {
  const { alert } = request;
  return { labels: alert.labels, annotations: alert.annotations, fingerprint: alert.fingerprint, decisionId: request.decisionId, reason: request.action.reason };
}

/** The config's `client_url`, else the Alertmanager the notification came from. */
function clientUrlOf(request: NotifyItem, config: PagerdutyConfig): string | undefined {
  return config.client_url ?? (isHttpUrl(request.group.externalURL) ? request.group.externalURL : undefined);
}

/**
 * The Events API v2 event for one alert: `trigger` while it fires, `resolve`
 * once it is resolved, both with the same `dedup_key`. The summary comes from
 * the `summary` or `description` annotation, else the alert name and labels.
 */
export function pagerdutyEvent(request: NotifyItem, config: PagerdutyConfig, routingKey: string): PagerdutyEvent {
  const { alert } = request;
  const dedupKey = pagerdutyDedupKey(alert);
  if (alert.status === 'resolved') {
    // PagerDuty needs only these three to resolve; the payload would be ignored.
    return { routing_key: routingKey, event_action: 'resolve', dedup_key: dedupKey };
  }
  const { labels, annotations } = alert;
  const links = [
    isHttpUrl(alert.generatorURL) ? { href: alert.generatorURL, text: 'Source' } : undefined,
    isHttpUrl(annotations.runbook_url) ? { href: annotations.runbook_url, text: 'Runbook' } : undefined,
    isHttpUrl(annotations.dashboard_url) ? { href: annotations.dashboard_url, text: 'Dashboard' } : undefined,
  ].filter((link) => link !== undefined);
  const clientUrl = clientUrlOf(request, config);
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey,
    payload: {
      summary: alertTitle(alert).slice(0, MAX_SUMMARY),
      source: labels.instance ?? labels.node ?? labels.nodegroup ?? labels.job ?? 'alertscale',
      severity: pagerdutySeverity(labels, config.severity),
      timestamp: alert.startsAt,
      ...(labels.nodegroup !== undefined ? { component: labels.nodegroup } : {}),
      ...(labels.alertname !== undefined ? { class: labels.alertname } : {}),
      custom_details: alertDetails(request),
    },
    ...(links.length > 0 ? { links } : {}),
    client: config.client,
    ...(clientUrl !== undefined ? { client_url: clientUrl } : {}),
  };
}

/**
 * The Events API v1 event for one alert, for a config with a `service_key`:
 * `trigger` while it fires and `resolve` once resolved, both with the
 * occurrence's key as `incident_key` (the v2 `dedup_key`, so a config moved
 * from v1 to v2 keeps its incidents' keys). Like Alertmanager, both carry the
 * description and details; only the trigger names the client.
 */
export function pagerdutyV1Event(request: NotifyItem, config: PagerdutyConfig, serviceKey: string): PagerdutyV1Event {
  const { alert } = request;
  const base = { service_key: serviceKey, incident_key: pagerdutyDedupKey(alert), description: alertTitle(alert).slice(0, MAX_SUMMARY), details: alertDetails(request) };
  if (alert.status === 'resolved') return { ...base, event_type: 'resolve' };
  const clientUrl = clientUrlOf(request, config);
  return { ...base, event_type: 'trigger', client: config.client, ...(clientUrl !== undefined ? { client_url: clientUrl } : {}) };
}

/** Events API v1 answers 403 when it throttles (PagerDuty's v1 retry guidance; Alertmanager retries it too). */
const V1_RETRY_STATUSES = [403];

/**
 * One event per alert, `trigger` then `resolve` on one key, so PagerDuty's
 * incident follows the alert: Events API v2 with a `routing_key`, v1 with a
 * `service_key`, each posted to the config's `url` (for v1, the v1 endpoint).
 */
export const pagerdutySender: ChannelSender<'pagerduty'> = {
  channel: 'pagerduty',
  grouping: 'alert',
  credential: { what: 'routing key', required: true },
  dedupKey: (requests) => pagerdutyDedupKey((requests[0] as NotifyItem).alert),
  async send({ requests, config, credential, dedupKey }, { http }) {
    const key = credential ?? '';
    const item = requests[0] as NotifyItem;
    const v1 = pagerdutyEventsApi(config) === 'v1';
    const body = JSON.stringify(v1 ? pagerdutyV1Event(item, config, key) : pagerdutyEvent(item, config, key));
    const request = { url: config.url, body, headers: () => ({}), timeoutMs: config.timeout, secrets: [key], ...(v1 ? { retryStatuses: V1_RETRY_STATUSES } : {}) };
    return fromHttp(await postJson(request, http), dedupKey);
  },
};
