import { describe, expect, it } from 'vitest';
import { escalatedBefore, escalationDue, escalationSettings, toEscalate } from '../../../lambdas/scaler/escalation';
import { InMemoryDecisions } from '../../support/fakes/decisions';
import { configWith, nodeGroup, receiver } from './support/builders';

const NOW = Date.parse('2025-01-01T12:00:00.000Z');
const settings = { after: 1_800_000, receiver: 'oncall' };

describe('escalationDue', () => {
  it('escalates exactly escalate_after after the group reached its max', () => {
    expect(escalationDue(settings, { kind: 'at-max', atMaxSince: NOW - 1_800_000, now: NOW })).toBe(true);
  });

  it('waits until then', () => {
    expect(escalationDue(settings, { kind: 'at-max', atMaxSince: NOW - 1_799_999, now: NOW })).toBe(false);
  });

  it('does not escalate a group that is not at its max', () => {
    expect(escalationDue(settings, { kind: 'at-max', atMaxSince: undefined, now: NOW })).toBe(false);
  });

  it('escalates a failed step at once', () => {
    expect(escalationDue(settings, { kind: 'failed' })).toBe(true);
  });

  it('never escalates without escalation settings', () => {
    expect(escalationDue(undefined, { kind: 'failed' })).toBe(false);
  });
});

describe('escalationSettings', () => {
  it('reads escalate_after and escalate_to of the scale config the request names by index, not the first of the receiver', () => {
    const config = configWith([nodeGroup({ name: 'gpu-a100' })]);
    const withTwo = {
      ...config,
      receivers: [
        receiver({
          name: 'scale-up',
          scale_configs: [
            { node_group: 'gpu-a100', change: 1, on: 'firing', cooldown: 0, escalate_after: 60_000, escalate_to: 'first' },
            { node_group: 'gpu-a100', change: 2, on: 'firing', cooldown: 0, escalate_after: 120_000, escalate_to: 'second' },
          ],
        }),
      ],
    };
    expect(escalationSettings(withTwo, 'scale-up', 1)).toEqual({ after: 120_000, receiver: 'second' });
    expect(escalationSettings(withTwo, 'scale-up', 2)).toBeUndefined();
  });
});

describe('escalatedBefore and toEscalate', () => {
  const member = (decisionId: string, status: 'firing' | 'resolved' = 'firing') => ({ decisionId, alert: { status } });

  it('escalates an occurrence only once: not again once the state item remembers it', () => {
    expect(toEscalate([member('d-1'), member('d-2')], { escalated: ['d-1'] }, new Map()).map((m) => m.decisionId)).toEqual(['d-2']);
  });

  it('never escalates a resolved alert', () => {
    expect(toEscalate([member('d-1', 'resolved')], { escalated: [] }, new Map())).toEqual([]);
  });

  it('knows an escalation from another group by the escalation actions on the decision', async () => {
    const decisions = new InMemoryDecisions();
    await decisions.recordAction('d-2', { actionId: 'd-2/escalation/pagerduty/0', kind: 'notify', receiver: 'oncall', target: 'pagerduty', outcome: 'requested', at: '' });
    const known = await decisions.getMany(['d-2', 'd-3']);
    expect(escalatedBefore('d-2', { escalated: [] }, known.get('d-2'))).toBe(true);
    expect(escalatedBefore('d-3', { escalated: [] }, known.get('d-3'))).toBe(false);
  });
});
