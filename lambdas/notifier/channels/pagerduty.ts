import { createHash } from 'node:crypto';
import { normaliseTimestamp } from '../../shared/alertmanager';
import type { LabelSet } from '../../shared/alertmanager';
import type { PagerdutyConfig } from '../../shared/config/schema';
import type { Alert, NotifyRequested } from '../../shared/events';
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

/** PagerDuty limits `summary` to 1024 characters. */
const MAX_SUMMARY = 1024;

/**
 * The Events API v2 event for one alert: `trigger` while it fires, `resolve`
 * once it is resolved, both with the same `dedup_key`. The summary comes from
 * the `summary` or `description` annotation, else the alert name and labels.
 */
export function pagerdutyEvent(request: NotifyRequested, config: PagerdutyConfig, routingKey: string): PagerdutyEvent {
  const { alert, group } = request;
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
  const clientUrl = config.client_url ?? (isHttpUrl(group.externalURL) ? group.externalURL : undefined);
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
      custom_details: {
        labels,
        annotations,
        fingerprint: alert.fingerprint,
        decisionId: request.decisionId,
        reason: request.action.reason,
      },
    },
    ...(links.length > 0 ? { links } : {}),
    client: config.client,
    ...(clientUrl !== undefined ? { client_url: clientUrl } : {}),
  };
}

/** Events API v2: one event per alert, `trigger` then `resolve` on one `dedup_key`, so PagerDuty's incident follows the alert. */
export const pagerdutySender: ChannelSender<'pagerduty'> = {
  channel: 'pagerduty',
  grouping: 'alert',
  credential: { what: 'routing key', required: true },
  dedupKey: (requests) => pagerdutyDedupKey((requests[0] as NotifyRequested).alert),
  async send({ requests, config, credential, dedupKey }, { http }) {
    const routingKey = credential ?? '';
    const body = JSON.stringify(pagerdutyEvent(requests[0] as NotifyRequested, config, routingKey));
    return fromHttp(await postJson({ url: config.url, body, headers: () => ({}), timeoutMs: config.timeout, secrets: [routingKey] }, http), dedupKey);
  },
};
