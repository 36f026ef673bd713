import type { LabelSet } from '../shared/alertmanager';
import type { Alert } from '../shared/events';
import type { NotifyItem } from './items';

/**
 * Text every channel shares: an alert's one-line title and a plain-text
 * rendering of a notification, used by SNS and by local mode when a channel
 * cannot send (so the console shows what would have gone out).
 */

/** `k="v", …` without `alertname`, in label-name order. */
export function formatLabels(labels: LabelSet, omit: readonly string[] = ['alertname']): string {
  return Object.keys(labels)
    .filter((name) => !omit.includes(name))
    .sort()
    .map((name) => `${name}="${labels[name]}"`)
    .join(', ');
}

/** The `summary` or `description` annotation, else `alertname: labels`. */
export function alertTitle(alert: Pick<Alert, 'labels' | 'annotations'>): string {
  const annotated = alert.annotations.summary ?? alert.annotations.description;
  if (annotated !== undefined && annotated.trim() !== '') return annotated.trim();
  const labels = formatLabels(alert.labels);
  const name = alert.labels.alertname ?? 'alert';
  return labels ? `${name}: ${labels}` : name;
}

/** `FIRING` when any alert fires, `RESOLVED` when all are resolved. */
export function overallStatus(alerts: readonly Pick<Alert, 'status'>[]): 'FIRING' | 'RESOLVED' {
  return alerts.some((alert) => alert.status === 'firing') ? 'FIRING' : 'RESOLVED';
}

/** The alert name all alerts share, else undefined. */
export function commonAlertName(alerts: readonly Pick<Alert, 'labels'>[]): string | undefined {
  const names = new Set(alerts.map((alert) => alert.labels.alertname));
  const [only] = names;
  return names.size === 1 ? only : undefined;
}

/** The list of alerts one message shows, and how many it leaves out (Alertmanager's truncation included). */
export function capAlerts<T>(items: readonly T[], maxAlerts: number, truncatedAlerts: number): { listed: readonly T[]; omitted: number } {
  const listed = maxAlerts > 0 ? items.slice(0, maxAlerts) : items;
  return { listed, omitted: items.length - listed.length + Math.max(0, truncatedAlerts) };
}

/** A plain-text rendering of one notification: a subject line and a body listing the alerts. */
export function plainTextNotification(
  requests: readonly NotifyItem[],
  options: { readonly maxAlerts?: number } = {},
): { subject: string; body: string } {
  const alerts = requests.map((request) => request.alert);
  const status = overallStatus(alerts);
  const name = commonAlertName(alerts) ?? requests[0]?.action.receiver ?? 'alertscale';
  const truncated = Math.max(0, ...requests.map((request) => request.group.truncatedAlerts));
  const { listed, omitted } = capAlerts(requests, options.maxAlerts ?? 0, truncated);
  const subject = `[${status}:${alerts.length}] ${name}`;
  const lines = listed.flatMap(({ alert, action }) => [
    `${alert.status.toUpperCase()}${action.reason === 'escalation' ? ' (escalation)' : ''}: ${alertTitle(alert)}`,
    `  labels: ${formatLabels(alert.labels, [])}`,
    `  since: ${alert.startsAt}${alert.status === 'resolved' && alert.endsAt ? `, resolved: ${alert.endsAt}` : ''}`,
    ...(alert.generatorURL ? [`  source: ${alert.generatorURL}`] : []),
    ...(alert.annotations.runbook_url ? [`  runbook: ${alert.annotations.runbook_url}`] : []),
  ]);
  if (omitted > 0) lines.push(`and ${omitted} more`);
  const externalURL = requests[0]?.group.externalURL;
  if (externalURL) lines.push(`Alertmanager: ${externalURL}`);
  return { subject, body: lines.join('\n') };
}
