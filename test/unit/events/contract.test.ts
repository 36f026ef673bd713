import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { matchesPattern } from '../../../lambdas/local/emulators/event-pattern';
import { notificationEvents } from '../../../lambdas/ingest/ingest';
import { eventJsonSchemas } from '../../../lambdas/shared/event-schemas';
import { alertDecidedSchema, DetailType, EVENT_SOURCE, notificationEventSchema, patterns, type AlertDecided, type EventPattern } from '../../../lambdas/shared/events';
import { alert, webhook } from '../../support/builders';

const envelope = (detailType: string, detail: unknown) => ({
  version: '0',
  id: 'id-1',
  'detail-type': detailType,
  source: EVENT_SOURCE,
  account: '123456789012',
  time: '2026-11-20T10:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail,
});

const notification = (labels: Record<string, string>, status: 'firing' | 'resolved' = 'firing') => notificationEvents(webhook([alert(labels, { status })]), '2026-11-20T10:00:00Z', 'n')[0]!.detail;

/** An `Alert Decided` of the one alert of a notification with these labels, as the router publishes it. */
const decidedEnvelope = (labels: Record<string, string>, status: 'firing' | 'resolved' = 'firing') => {
  const { alerts, groupKey, notificationId, externalURL, truncatedAlerts, size } = notification(labels, status);
  const detail: AlertDecided = { decisionId: 'd', alert: alerts[0]!, group: { groupKey, notificationId, externalURL, truncatedAlerts, size }, receivers: ['oncall'], step: 1, actions: [], at: '2026-11-20T10:00:01Z' };
  return envelope(DetailType.AlertDecided, detail);
};

describe('the published event contract', () => {
  it('keeps docs/schemas in step with the zod schemas the code validates with (run `npm run schemas`)', () => {
    for (const [file, schema] of Object.entries(eventJsonSchemas())) {
      expect(JSON.parse(readFileSync(`docs/schemas/${file}`, 'utf8')), file).toEqual(schema);
    }
  });

  it('puts notification events whose detail satisfies the Alertmanager Notification schema', () => {
    expect(notificationEventSchema.safeParse(notification({ alertname: 'A', severity: 'critical' })).success).toBe(true);
  });

  it('publishes the README example rule against a v2 detail-type that satisfies its schema', () => {
    expect(alertDecidedSchema.safeParse(decidedEnvelope({ alertname: 'A' }).detail).success).toBe(true);
  });

  it("the README's example rule pattern matches a firing critical alert of gpu-a100", () => {
    const pattern = JSON.parse(readFileSync('docs/examples/critical-alerts-gpu-a100.pattern.json', 'utf8')) as EventPattern;
    expect(matchesPattern(pattern, decidedEnvelope({ alertname: 'NodeNotReady', severity: 'critical', nodegroup: 'gpu-a100' }))).toBe(true);
  });

  it.each([
    ['a warning', { alertname: 'NodeNotReady', severity: 'warning', nodegroup: 'gpu-a100' }, 'firing'],
    ['another node group', { alertname: 'NodeNotReady', severity: 'critical', nodegroup: 'gpu-h100' }, 'firing'],
    ['a resolve', { alertname: 'NodeNotReady', severity: 'critical', nodegroup: 'gpu-a100' }, 'resolved'],
  ] as const)("the README's example rule pattern does not match %s", (_name, labels, status) => {
    const pattern = JSON.parse(readFileSync('docs/examples/critical-alerts-gpu-a100.pattern.json', 'utf8')) as EventPattern;
    expect(matchesPattern(pattern, decidedEnvelope(labels, status))).toBe(false);
  });

  it('routes Scale Requested events to the rule of their own node group only', () => {
    const event = envelope('Scale Requested', { nodeGroup: 'gpu-h100' });
    expect(matchesPattern(patterns.scaleRequested('gpu-h100'), event)).toBe(true);
    expect(matchesPattern(patterns.scaleRequested('gpu-a100'), event)).toBe(false);
    expect(matchesPattern(patterns.notifications, event)).toBe(false);
  });
});

describe('local event pattern evaluation, with EventBridge semantics', () => {
  const event = { source: 'alertscale', detail: { n: 5, tags: ['a', 'b'], name: 'gpu-a100', empty: null } };
  it.each([
    [{ detail: { name: [{ prefix: 'gpu-' }] } }, true],
    [{ detail: { name: [{ suffix: '100' }] } }, true],
    [{ detail: { name: [{ 'anything-but': ['gpu-a100'] }] } }, false],
    [{ detail: { name: [{ 'anything-but': { prefix: 'cpu' } }] } }, true],
    [{ detail: { name: [{ 'equals-ignore-case': 'GPU-A100' }] } }, true],
    [{ detail: { name: [{ wildcard: 'gpu-*0' }] } }, true],
    [{ detail: { n: [{ numeric: ['>', 1, '<=', 5] }] } }, true],
    [{ detail: { n: [{ numeric: ['>', 5] }] } }, false],
    [{ detail: { tags: ['b'] } }, true],
    [{ detail: { tags: ['c'] } }, false],
    [{ detail: { missing: [{ exists: false }] } }, true],
    [{ detail: { name: [{ exists: false }] } }, false],
    [{ detail: { missing: [{ exists: true }] } }, false],
    [{ detail: { empty: [null] } }, true],
    [{ source: ['other', 'alertscale'] }, true],
    [{ detail: { name: { nested: ['x'] } } }, false],
  ] as [EventPattern, boolean][])('%j → %s', (pattern, expected) => {
    expect(matchesPattern(pattern, event)).toBe(expected);
  });
});
