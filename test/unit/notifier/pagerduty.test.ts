import { describe, expect, it } from 'vitest';
import { pagerdutyDedupKey, pagerdutyEvent, pagerdutySeverity, pagerdutyV1Event } from '../../../lambdas/notifier/channels/pagerduty';
import { configFrom, notifyItem } from './support';
import type { PagerdutyConfig as PagerdutyChannelConfig } from '../../../lambdas/shared/config/schema';

const pagerdutyConfigs = configFrom(`
route: { receiver: oncall }
receivers:
  - name: oncall
    pagerduty_configs: [{ routing_key: key, severity: warning }, { service_key: v1-key, client: fleet-alerts }]
`).receivers[0]?.pagerduty_configs as unknown as PagerdutyChannelConfig[];
const config = pagerdutyConfigs[0]!;
const v1Config = pagerdutyConfigs[1]!;

describe('pagerdutyDedupKey', () => {
  it('is the same for the firing and the resolved alert of one occurrence', () => {
    const firing = notifyItem({ fingerprint: '0123456789abcdef' });
    const resolved = notifyItem({ fingerprint: '0123456789abcdef', status: 'resolved' });

    expect(pagerdutyEvent(resolved, config, 'key').dedup_key).toBe(pagerdutyEvent(firing, config, 'key').dedup_key);
    expect(pagerdutyDedupKey(firing.alert)).toMatch(/^alertscale-0123456789abcdef-[0-9a-f]{16}$/);
  });

  it('differs for a new occurrence of the same alert', () => {
    expect(pagerdutyDedupKey({ fingerprint: 'f', startsAt: '2026-01-01T10:00:00Z' })).not.toBe(pagerdutyDedupKey({ fingerprint: 'f', startsAt: '2026-01-01T11:00:00Z' }));
  });

  it('treats startsAt written with and without trailing zeros as the same time', () => {
    expect(pagerdutyDedupKey({ fingerprint: 'f', startsAt: '2026-01-01T10:00:00.800Z' })).toBe(pagerdutyDedupKey({ fingerprint: 'f', startsAt: '2026-01-01T10:00:00.8Z' }));
  });
});

describe('pagerdutySeverity', () => {
  it.each([
    ['critical', 'critical'],
    ['page', 'critical'],
    ['ERROR', 'error'],
    ['high', 'error'],
    ['warn', 'warning'],
    ['low', 'info'],
  ] as const)('maps the severity label %s to %s', (label, expected) => {
    expect(pagerdutySeverity({ severity: label }, 'error')).toBe(expected);
  });

  it('uses the configured default for an unknown or missing severity label', () => {
    expect([pagerdutySeverity({ severity: 'sev2' }, 'warning'), pagerdutySeverity({}, 'info')]).toEqual(['warning', 'info']);
  });
});

describe('pagerdutyEvent', () => {
  it('summarises an alert without annotations by its name and labels', () => {
    const request = notifyItem({ labels: { alertname: 'GPUXidErrors', nodegroup: 'gpu-h100', xid: '79' }, annotations: {} });

    const event = pagerdutyEvent(request, config, 'key');

    expect(event.payload?.summary).toBe('GPUXidErrors: nodegroup="gpu-h100", xid="79"');
    expect(event.payload?.severity).toBe('warning');
  });

  it('falls back to the description annotation when there is no summary', () => {
    const request = notifyItem({ annotations: { description: 'Kubelet stopped posting status' } });

    expect(pagerdutyEvent(request, config, 'key').payload?.summary).toBe('Kubelet stopped posting status');
  });

  it('resolves with only the routing key, action and dedup_key', () => {
    const request = notifyItem({ status: 'resolved' });

    expect(pagerdutyEvent(request, config, 'key')).toEqual({ routing_key: 'key', event_action: 'resolve', dedup_key: pagerdutyDedupKey(request.alert) });
  });

  it('links to Alertmanager as the client when no client_url is configured', () => {
    expect(pagerdutyEvent(notifyItem(), config, 'key').client_url).toBe('http://alertmanager.example.com:9093');
  });
});

describe('pagerdutyV1Event', () => {
  it('triggers with the service key, the occurrence as incident_key, the summary, the client and the alert as details', () => {
    const item = notifyItem({ fingerprint: '0123456789abcdef', annotations: { summary: 'Node node-7 is not ready' } });

    expect(pagerdutyV1Event(item, v1Config, 'v1-key')).toEqual({
      service_key: 'v1-key',
      event_type: 'trigger',
      incident_key: pagerdutyDedupKey(item.alert),
      description: 'Node node-7 is not ready',
      client: 'fleet-alerts',
      client_url: 'http://alertmanager.example.com:9093',
      details: { labels: item.alert.labels, annotations: item.alert.annotations, fingerprint: '0123456789abcdef', decisionId: item.decisionId, reason: 'routed' },
    });
  });

  it('resolves under the same incident_key, without the client, as Alertmanager does', () => {
    const firing = notifyItem({ fingerprint: '0123456789abcdef' });
    const resolved = notifyItem({ fingerprint: '0123456789abcdef', status: 'resolved' });

    const event = pagerdutyV1Event(resolved, v1Config, 'v1-key');

    expect(event).toMatchObject({ event_type: 'resolve', incident_key: pagerdutyV1Event(firing, v1Config, 'v1-key').incident_key });
    expect(Object.keys(event).sort()).toEqual(['description', 'details', 'event_type', 'incident_key', 'service_key']);
  });

  it('keeps the description within PagerDuty’s 1024 characters', () => {
    expect(pagerdutyV1Event(notifyItem({ annotations: { summary: 'x'.repeat(2000) } }), v1Config, 'v1-key').description).toHaveLength(1024);
  });
});
