import { describe, expect, it } from 'vitest';
import { patterns } from '../../lambdas/shared/events';
import { EventPatternError, toEventPattern } from '../../lib/event-pattern';

describe('toEventPattern', () => {
  it("maps EventBridge's detail-type to CDK's detailType and keeps the rest as it is", () => {
    expect(toEventPattern(patterns.scaleRequested('gpu-a100'))).toEqual({
      source: ['alertscale'],
      detailType: ['Scale Requested'],
      detail: { nodeGroup: ['gpu-a100'] },
    });
  });

  it('copies the shared pattern, so CDK can never change the one local mode evaluates', () => {
    const converted = toEventPattern(patterns.notifications);
    (converted.source as string[]).push('someone-else');
    expect(patterns.notifications.source).toEqual(['alertscale']);
  });

  it('refuses a key that is not an EventBridge event field rather than widening the rule', () => {
    expect(() => toEventPattern({ 'detail-typ': ['Scale Requested'] })).toThrow(EventPatternError);
    expect(() => toEventPattern({ 'detail-typ': ['Scale Requested'] })).toThrow(
      'event pattern key "detail-typ" is not an EventBridge event field; use one of version, id, detail-type, source, account, time, region, resources, detail',
    );
  });
});
