import { describe, expect, it } from 'vitest';
import {
  actionsInWindow,
  clampedTarget,
  decideScaling,
  fallbackChain,
  nextFallback,
  type ScalingInput,
} from '../../../lambdas/scaler/policy';

const NOW = Date.parse('2025-01-01T12:00:00.000Z');

function input(overrides: {
  change?: number;
  set?: number;
  cooldownSeconds?: number;
  dryRun?: boolean;
  fallback?: boolean;
  min?: number;
  max?: number;
  rateLimits?: ScalingInput['guardrails']['rateLimits'];
  desired?: number;
  asgMin?: number;
  asgMax?: number;
  lastUp?: number;
  lastDown?: number;
  recentActions?: number[];
  backoffUntil?: number;
  paused?: boolean;
  globalDryRun?: boolean;
  now?: number;
}): ScalingInput {
  return {
    request: {
      ...(overrides.set !== undefined ? { set: overrides.set } : { change: overrides.change ?? 2 }),
      cooldownSeconds: overrides.cooldownSeconds ?? 300,
      dryRun: overrides.dryRun ?? false,
      fallback: overrides.fallback ?? false,
    },
    guardrails: { min: overrides.min ?? 1, max: overrides.max ?? 16, rateLimits: overrides.rateLimits ?? [] },
    asg: { desired: overrides.desired ?? 4, min: overrides.asgMin ?? 0, max: overrides.asgMax ?? 100 },
    history: {
      lastActionAt: { up: overrides.lastUp, down: overrides.lastDown },
      recentActions: overrides.recentActions ?? [],
      backoffUntil: overrides.backoffUntil,
    },
    now: overrides.now ?? NOW,
    paused: overrides.paused ?? false,
    dryRun: overrides.globalDryRun ?? false,
  };
}

describe('decideScaling: targets', () => {
  it('adds a positive change to the current desired capacity', () => {
    const decision = decideScaling(input({ change: 2, desired: 4 }));
    expect(decision).toMatchObject({ outcome: 'scaled', from: 4, to: 6, act: true, direction: 'up' });
  });

  it('subtracts a negative change', () => {
    const decision = decideScaling(input({ change: -1, desired: 4 }));
    expect(decision).toMatchObject({ outcome: 'scaled', from: 4, to: 3, direction: 'down' });
  });

  it('takes a set as the absolute target, whatever the current size', () => {
    const decision = decideScaling(input({ set: 8, desired: 4 }));
    expect(decision).toMatchObject({ outcome: 'scaled', from: 4, to: 8 });
  });

  it('scales down with a set below the current size', () => {
    const decision = decideScaling(input({ set: 2, desired: 4 }));
    expect(decision).toMatchObject({ outcome: 'scaled', to: 2, direction: 'down' });
  });

  it('does not call Auto Scaling when a set equals the current size', () => {
    const decision = decideScaling(input({ set: 4, desired: 4 }));
    expect(decision).toMatchObject({ outcome: 'at-target', to: 4, act: false });
  });
});

describe('decideScaling: clamps', () => {
  it('clamps a scale-up to the guardrail max', () => {
    const decision = decideScaling(input({ change: 4, desired: 14, max: 16 }));
    expect(decision).toMatchObject({ outcome: 'clamped', from: 14, to: 16, requested: 18, act: true });
  });

  it("clamps a scale-up to the ASG's own max when it is below the guardrail", () => {
    const decision = decideScaling(input({ change: 4, desired: 8, max: 16, asgMax: 10 }));
    expect(decision).toMatchObject({ outcome: 'clamped', to: 10 });
  });

  it('clamps a scale-down to the guardrail min (the scale-down floor)', () => {
    const decision = decideScaling(input({ change: -3, desired: 2, min: 1 }));
    expect(decision).toMatchObject({ outcome: 'clamped', from: 2, to: 1, direction: 'down' });
  });

  it("clamps a scale-down to the ASG's own min when it is above the guardrail", () => {
    const decision = decideScaling(input({ change: -5, desired: 6, min: 1, asgMin: 3 }));
    expect(decision).toMatchObject({ outcome: 'clamped', to: 3 });
  });

  it('clamps a set above the upper bound down to it', () => {
    const decision = decideScaling(input({ set: 40, desired: 4, max: 16 }));
    expect(decision).toMatchObject({ outcome: 'clamped', to: 16 });
  });

  it('clamps a set below the lower bound up to it', () => {
    const decision = decideScaling(input({ set: 0, desired: 4, min: 2 }));
    expect(decision).toMatchObject({ outcome: 'clamped', to: 2 });
  });

  it('does nothing when a scale-up meets a group already at the guardrail max', () => {
    const decision = decideScaling(input({ change: 2, desired: 16, max: 16 }));
    expect(decision).toMatchObject({ outcome: 'at-target', to: 16, act: false, direction: 'up' });
    expect(decision.reason).toContain('upper bound');
  });

  it('does nothing when a scale-down meets a group already at the floor', () => {
    const decision = decideScaling(input({ change: -1, desired: 1, min: 1 }));
    expect(decision).toMatchObject({ outcome: 'at-target', to: 1, act: false });
    expect(decision.reason).toContain('lower bound');
  });

  it('never shrinks a group that is above the max when asked to scale up', () => {
    const decision = decideScaling(input({ change: 2, desired: 20, max: 16 }));
    expect(decision).toMatchObject({ outcome: 'at-target', from: 20, to: 20 });
  });

  it('never grows a group that is below the min when asked to scale down', () => {
    expect(clampedTarget({ change: -1 }, 0, { lower: 2, upper: 16 })).toEqual({ requested: -1, to: 0 });
  });

  it("fails when the guardrails and the ASG's bounds do not overlap", () => {
    const decision = decideScaling(input({ change: 2, desired: 4, min: 5, max: 16, asgMax: 4 }));
    expect(decision).toMatchObject({ outcome: 'failed', act: false });
  });
});

describe('decideScaling: cooldown', () => {
  it('refuses a scale-up one millisecond before the cooldown ends', () => {
    const decision = decideScaling(input({ lastUp: NOW - 300_000 + 1, cooldownSeconds: 300 }));
    expect(decision).toMatchObject({ outcome: 'cooldown', act: false, to: 4 });
  });

  it('allows a scale-up exactly when the cooldown ends', () => {
    const decision = decideScaling(input({ lastUp: NOW - 300_000, cooldownSeconds: 300 }));
    expect(decision).toMatchObject({ outcome: 'scaled', act: true });
  });

  it('keeps cooldowns per direction: a recent scale-up does not hold back a scale-down', () => {
    const decision = decideScaling(input({ change: -1, lastUp: NOW - 1000, cooldownSeconds: 900 }));
    expect(decision).toMatchObject({ outcome: 'scaled', to: 3 });
  });

  it('holds back a scale-down inside its own cooldown', () => {
    const decision = decideScaling(input({ change: -1, lastDown: NOW - 1000, cooldownSeconds: 900 }));
    expect(decision).toMatchObject({ outcome: 'cooldown' });
  });

  it('lets a capacity fallback skip the cooldown of the group it moved to', () => {
    const decision = decideScaling(input({ lastUp: NOW - 1000, fallback: true }));
    expect(decision).toMatchObject({ outcome: 'scaled' });
  });

  it('reports at-target rather than cooldown when there is nothing to do', () => {
    const decision = decideScaling(input({ desired: 16, max: 16, lastUp: NOW - 1000 }));
    expect(decision.outcome).toBe('at-target');
  });
});

describe('decideScaling: rate limits', () => {
  const hourly = [{ window: 3_600_000, max_actions: 3 }];

  it('refuses the action that would exceed a window', () => {
    const decision = decideScaling(input({ rateLimits: hourly, recentActions: [NOW - 10_000, NOW - 20_000, NOW - 30_000] }));
    expect(decision).toMatchObject({ outcome: 'rate-limited', act: false });
    expect(decision.reason).toContain('1h');
  });

  it('allows it once the oldest action is exactly a window old', () => {
    const decision = decideScaling(input({ rateLimits: hourly, recentActions: [NOW - 3_600_000, NOW - 20_000, NOW - 30_000] }));
    expect(decision.outcome).toBe('scaled');
  });

  it('applies every window: the daily cap holds when the hourly one has room', () => {
    const limits = [
      { window: 3_600_000, max_actions: 3 },
      { window: 86_400_000, max_actions: 4 },
    ];
    const recent = [NOW - 2 * 3_600_000, NOW - 3 * 3_600_000, NOW - 4 * 3_600_000, NOW - 5 * 3_600_000];
    const decision = decideScaling(input({ rateLimits: limits, recentActions: recent }));
    expect(decision).toMatchObject({ outcome: 'rate-limited' });
    expect(decision.reason).toContain('1d');
  });

  it('counts only actions inside the window', () => {
    expect(actionsInWindow([NOW - 3_600_000, NOW - 3_599_999, NOW], 3_600_000, NOW)).toBe(2);
  });
});

describe('decideScaling: pause, dry-run, backoff', () => {
  it('changes nothing while paused, and records what it would have done', () => {
    const decision = decideScaling(input({ paused: true }));
    expect(decision).toMatchObject({ outcome: 'paused', act: false, from: 4, to: 6 });
    expect(decision.reason).toBe('kill switch is on: scaling is paused; would have scaled 4 → 6 (+2)');
  });

  it('while paused, says when it would not have scaled anyway, and why', () => {
    const decision = decideScaling(input({ paused: true, lastUp: NOW - 60_000 }));
    expect(decision).toMatchObject({ outcome: 'paused', act: false, from: 4, to: 4 });
    expect(decision.reason).toMatch(/^kill switch is on: scaling is paused \(and would not have scaled: in scale-up cooldown until /);
  });

  it('records what it would do under settings.dry_run without acting', () => {
    const decision = decideScaling(input({ globalDryRun: true }));
    expect(decision).toMatchObject({ outcome: 'dry-run', act: false, from: 4, to: 6 });
    expect(decision.reason).toContain('would scale 4 → 6');
  });

  it("records what it would do under the receiver's dry_run without acting", () => {
    const decision = decideScaling(input({ dryRun: true }));
    expect(decision).toMatchObject({ outcome: 'dry-run', act: false });
    expect(decision.reason).toContain("receiver's dry_run");
  });

  it('skips scale-ups while the group is backed off after a capacity failure', () => {
    const decision = decideScaling(input({ backoffUntil: NOW + 1 }));
    expect(decision).toMatchObject({ outcome: 'backed-off', act: false });
  });

  it('scales up again exactly when the backoff ends', () => {
    const decision = decideScaling(input({ backoffUntil: NOW }));
    expect(decision.outcome).toBe('scaled');
  });

  it('still scales down a backed-off group', () => {
    const decision = decideScaling(input({ change: -1, backoffUntil: NOW + 60_000 }));
    expect(decision.outcome).toBe('scaled');
  });
});

describe('fallback chain', () => {
  const fallbacks = new Map<string, string[]>([
    ['a100', ['h100']],
    ['h100', ['l4']],
    ['l4', ['a100']],
  ]);

  it("follows each fallback's own fallbacks in order, never back to the origin", () => {
    expect(fallbackChain(fallbacks, 'a100')).toEqual(['h100', 'l4']);
  });

  it('gives the next group after the one that just failed', () => {
    expect(nextFallback(fallbacks, 'a100', 'a100')).toBe('h100');
    expect(nextFallback(fallbacks, 'a100', 'h100')).toBe('l4');
    expect(nextFallback(fallbacks, 'a100', 'l4')).toBeUndefined();
  });
});
