import { describe, expect, it } from 'vitest';
import { pagerdutyDedupKey, pagerdutyEvent, pagerdutySeverity } from '../../../lambdas/notifier/channels/pagerduty';
import { configFrom, notifyRequest } from './support';
import type { PagerdutyConfig as PagerdutyChannelConfig } from '../../../lambdas/shared/config/schema';

const config = configFrom(`
route: { receiver: oncall }
receivers:
  - name: oncall
    pagerduty_configs: [{ routing_key: key, severity: warning }]
`).receivers[0]?.pagerduty_configs[0] as unknown as PagerdutyChannelConfig;

describe('pagerdutyDedupKey', () => {
  it('is the same for the firing and the resolved alert of one occurrence', () => {
    const firing = notifyRequest({ fingerprint: '0123456789abcdef' });
    const resolved = notifyRequest({ fingerprint: '0123456789abcdef', status: 'resolved' });

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
    const request = notifyRequest({ labels: { alertname: 'GPUXidErrors', nodegroup: 'gpu-h100', xid: '79' }, annotations: {} });

    const event = pagerdutyEvent(request, config, 'key');

    expect(event.payload?.summary).toBe('GPUXidErrors: nodegroup="gpu-h100", xid="79"');
    expect(event.payload?.severity).toBe('warning');
  });

  it('falls back to the description annotation when there is no summary', () => {
    const request = notifyRequest({ annotations: { description: 'Kubelet stopped posting status' } });

    expect(pagerdutyEvent(request, config, 'key').payload?.summary).toBe('Kubelet stopped posting status');
  });

  it('resolves with only the routing key, action and dedup_key', () => {
    const request = notifyRequest({ status: 'resolved' });

    expect(pagerdutyEvent(request, config, 'key')).toEqual({ routing_key: 'key', event_action: 'resolve', dedup_key: pagerdutyDedupKey(request.alert) });
  });

  it('links to Alertmanager as the client when no client_url is configured', () => {
    expect(pagerdutyEvent(notifyRequest(), config, 'key').client_url).toBe('http://alertmanager.example.com:9093');
  });
});
