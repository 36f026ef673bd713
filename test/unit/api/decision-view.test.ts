import { describe, expect, it } from 'vitest';
import { decisionView } from '../../../lambdas/shared/decision-view';
import type { DecisionRecord } from '../../../lambdas/shared/decisions';

const record = (overrides: Partial<DecisionRecord> = {}): DecisionRecord => ({
  decisionId: 'd1',
  fingerprint: 'a3f1c2d4e5b60718',
  startsAt: '2026-11-20T10:00:00Z',
  status: 'firing',
  labels: { alertname: 'GPUQueueDepthHigh' },
  receivers: ['scale-up'],
  actions: [{ actionId: 'd1/scale-up/scale/0/step1', kind: 'scale', receiver: 'scale-up', target: 'gpu-a100', outcome: 'scaled', at: '2026-11-20T10:00:01Z', from: 2, to: 4 }],
  step: 1,
  createdAt: '2026-11-20T10:00:01Z',
  updatedAt: '2026-11-20T10:00:02Z',
  expiresAt: Date.parse('2026-12-20T10:00:01Z') / 1000,
  originEventId: 'event-1',
  stepEventId: 'event-1',
  ...overrides,
});

describe('decisionView: a decision as the API shows it', () => {
  it('gives expiresAt in ISO 8601 like every other time', () => {
    expect(decisionView(record()).expiresAt).toBe('2026-12-20T10:00:01.000Z');
  });

  it("leaves out the router's bookkeeping of which bus event created or stepped it", () => {
    const view = decisionView(record()) as unknown as Record<string, unknown>;
    expect(view).not.toHaveProperty('originEventId');
    expect(view).not.toHaveProperty('stepEventId');
    expect(Object.keys(view).sort()).toEqual(['actions', 'createdAt', 'decisionId', 'expiresAt', 'fingerprint', 'labels', 'receivers', 'startsAt', 'status', 'step', 'updatedAt']);
  });

  it('keeps refireAt when a still-firing alert may step again', () => {
    expect(decisionView(record({ refireAt: '2026-11-20T10:15:01Z' })).refireAt).toBe('2026-11-20T10:15:01Z');
  });

  it('says why there is no action when its receivers have no configs', () => {
    const view = decisionView(record({ receivers: ['blackhole'], actions: [] }));
    expect(view.note).toBe('no action: the receivers it was routed to (blackhole) have no scale or channel configs');
  });

  it('has no note when it has actions', () => {
    expect(decisionView(record())).not.toHaveProperty('note');
  });
});
