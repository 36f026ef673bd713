import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { matchesPattern } from '../../../lambdas/local/emulators/event-pattern';
import { alertEvents } from '../../../lambdas/ingest/ingest';
import { eventJsonSchemas } from '../../../lambdas/shared/event-schemas';
import { alertEventSchema, EVENT_SOURCE, patterns, type EventPattern } from '../../../lambdas/shared/events';
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

const alertEnvelope = (labels: Record<string, string>, status: 'firing' | 'resolved' = 'firing') =>
  envelope('Alertmanager Alert', alertEvents(webhook([alert(labels, { status })]), '2026-11-20T10:00:00Z', 'n')[0]!.detail);

describe('the published event contract', () => {
  it('keeps docs/schemas in step with the zod schemas the code validates with (run `npm run schemas`)', () => {
    for (const [file, schema] of Object.entries(eventJsonSchemas())) {
      expect(JSON.parse(readFileSync(`docs/schemas/${file}`, 'utf8')), file).toEqual(schema);
    }
  });

  it('puts events whose detail satisfies the Alertmanager Alert schema', () => {
    const detail = alertEnvelope({ alertname: 'A', severity: 'critical' }).detail;
    expect(alertEventSchema.safeParse(detail).success).toBe(true);
  });

  it("the README's example rule pattern matches a firing critical alert of gpu-a100", () => {
    const pattern = JSON.parse(readFileSync('docs/examples/critical-alerts-gpu-a100.pattern.json', 'utf8')) as EventPattern;
    expect(matchesPattern(pattern, alertEnvelope({ alertname: 'NodeNotReady', severity: 'critical', nodegroup: 'gpu-a100' }))).toBe(true);
  });

  it.each([
    ['a warning', { alertname: 'NodeNotReady', severity: 'warning', nodegroup: 'gpu-a100' }, 'firing'],
    ['another node group', { alertname: 'NodeNotReady', severity: 'critical', nodegroup: 'gpu-h100' }, 'firing'],
    ['a resolve', { alertname: 'NodeNotReady', severity: 'critical', nodegroup: 'gpu-a100' }, 'resolved'],
  ] as const)("the README's example rule pattern does not match %s", (_name, labels, status) => {
    const pattern = JSON.parse(readFileSync('docs/examples/critical-alerts-gpu-a100.pattern.json', 'utf8')) as EventPattern;
    expect(matchesPattern(pattern, alertEnvelope(labels, status))).toBe(false);
  });

  it('routes Scale Requested events to the rule of their own node group only', () => {
    const event = envelope('Scale Requested', { action: { nodeGroup: 'gpu-h100' } });
    expect(matchesPattern(patterns.scaleRequested('gpu-h100'), event)).toBe(true);
    expect(matchesPattern(patterns.scaleRequested('gpu-a100'), event)).toBe(false);
    expect(matchesPattern(patterns.alerts, event)).toBe(false);
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
