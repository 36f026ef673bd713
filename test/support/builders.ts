import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { labelSetFingerprint, type Webhook } from '../../lambdas/shared/alertmanager';

const fixtureDir = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** A JSON fixture from test/fixtures, parsed afresh so a test may change it. */
export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(`${fixtureDir}${name}`, 'utf8')) as T;
}

/** A webhook alert with sensible defaults; its fingerprint is the one Alertmanager would give its labels. */
export function alert(labels: Record<string, string>, overrides: Partial<Webhook['alerts'][number]> = {}): Webhook['alerts'][number] {
  return {
    status: 'firing',
    labels,
    annotations: { summary: `${labels.alertname ?? 'alert'} is firing` },
    startsAt: '2026-11-20T10:00:00Z',
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus:9090/graph',
    fingerprint: labelSetFingerprint(labels),
    ...overrides,
  };
}

/** A version-4 webhook notification holding `alerts`, grouped by alertname and nodegroup. */
export function webhook(alerts: Webhook['alerts'], overrides: Partial<Webhook> = {}): Webhook {
  const first = alerts[0]?.labels ?? {};
  const groupLabels = Object.fromEntries(Object.entries(first).filter(([k]) => k === 'alertname' || k === 'nodegroup'));
  return {
    receiver: 'alertscale',
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts,
    groupLabels,
    commonLabels: groupLabels,
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    version: '4',
    groupKey: `{}:{${Object.entries(groupLabels).map(([k, v]) => `${k}="${v}"`).join(', ')}}`,
    truncatedAlerts: 0,
    ...overrides,
  };
}
