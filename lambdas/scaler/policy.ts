import type { ScalingOutcome } from '../shared/events';

/**
 * The scaling policy: pure functions, no I/O and no clock of their own, so
 * that every clamp, cooldown edge and rate limit can be tested at its exact
 * boundary. The scale-request use case (`scale-request.ts`) gathers the inputs (the ASG as Auto
 * Scaling reports it, the node group's state item, the kill switch) and acts
 * on the decision.
 */

/** Which way a step moves a group. Cooldowns are kept per direction. */
export type Direction = 'up' | 'down';

/** A guardrail on the number of scaling actions over a sliding window (ms). */
export interface RateLimit {
  readonly window: number;
  readonly max_actions: number;
}

/** What the request asks: exactly one of `change` and `set`. */
export interface ScalingRequest {
  readonly change?: number | undefined;
  readonly set?: number | undefined;
  readonly cooldownSeconds: number;
  /** The request's own dry-run flag (per receiver). */
  readonly dryRun: boolean;
  /**
   * A capacity fallback moved here from another group. It skips this group's
   * cooldown: the cooldown paces repeated steps of one alert, and that step
   * already passed it on the group it came from. Rate limits, backoff and
   * guardrails still hold.
   */
  readonly fallback: boolean;
}

/** The group's configured guardrails (from `node_groups[]`). */
export interface NodeGroupGuardrails {
  readonly min: number;
  readonly max: number;
  readonly rateLimits: readonly RateLimit[];
  /** What set `min` now, for the reason: `schedule business-hours`. @default - the guardrail */
  readonly minSource?: string | undefined;
  /** What set `max` now: a schedule, a node group or fleet budget. @default - the guardrail */
  readonly maxSource?: string | undefined;
}

/** The Auto Scaling group as `DescribeAutoScalingGroups` reports it. */
export interface AsgCapacity {
  readonly desired: number;
  readonly min: number;
  readonly max: number;
}

/** What the state item remembers, as epoch milliseconds. */
export interface ScalingHistory {
  readonly lastActionAt: { readonly up?: number | undefined; readonly down?: number | undefined };
  /** Times of recent actions that changed the group, for the sliding windows. */
  readonly recentActions: readonly number[];
  /** Until when scale-ups are skipped after a capacity failure. */
  readonly backoffUntil?: number | undefined;
}

export interface ScalingInput {
  readonly request: ScalingRequest;
  readonly guardrails: NodeGroupGuardrails;
  readonly asg: AsgCapacity;
  readonly history: ScalingHistory;
  /** Epoch milliseconds. */
  readonly now: number;
  /** The global kill switch. */
  readonly paused: boolean;
  /** `settings.dry_run`: the whole deployment only records what it would do. */
  readonly dryRun: boolean;
}

/** The outcomes the policy itself can reach; `fallback` and `failed` only come from acting. */
export type PolicyOutcome = Exclude<ScalingOutcome, 'fallback'>;

export interface ScalingDecision {
  readonly outcome: PolicyOutcome;
  /** The desired capacity now. */
  readonly from: number;
  /** The desired capacity it should have: equal to `from` unless the outcome calls Auto Scaling. */
  readonly to: number;
  /** What was asked before any clamp (`set`, or `from + change`). */
  readonly requested: number;
  readonly direction: Direction | undefined;
  /** True only for `scaled` and `clamped`: call `SetDesiredCapacity(to)`. */
  readonly act: boolean;
  /** The effective upper bound: the guardrail max within the ASG's own max. */
  readonly upperBound: number;
  readonly reason: string;
}

/** The effective bounds: the guardrails, applied within the ASG's own min and max. */
export function effectiveBounds(
  guardrails: Pick<NodeGroupGuardrails, 'min' | 'max' | 'minSource' | 'maxSource'>,
  asg: AsgCapacity,
): { lower: number; upper: number; lowerSource: string; upperSource: string } {
  return {
    lower: Math.max(guardrails.min, asg.min),
    upper: Math.min(guardrails.max, asg.max),
    lowerSource: asg.min > guardrails.min ? "the Auto Scaling group's own min" : (guardrails.minSource ?? 'guardrail min'),
    upperSource: asg.max < guardrails.max ? "the Auto Scaling group's own max" : (guardrails.maxSource ?? 'guardrail max'),
  };
}

/**
 * The target a request asks for, clamped to the effective bounds. A `change`
 * never moves the group against its sign: a `+2` on a group that someone left
 * above the guardrail max does not shrink it, and a `-1` on a group below the
 * min does not grow it. A `set` is absolute and is clamped both ways.
 */
export function clampedTarget(request: Pick<ScalingRequest, 'change' | 'set'>, current: number, bounds: { lower: number; upper: number }): { requested: number; to: number } {
  if (request.set !== undefined) {
    const requested = request.set;
    return { requested, to: Math.min(Math.max(requested, bounds.lower), bounds.upper) };
  }
  const change = request.change ?? 0;
  const requested = current + change;
  // A step up on a group below its lower bound (a schedule raised the min) brings it at least to the bound.
  if (change > 0) return { requested, to: Math.max(current, Math.min(Math.max(requested, bounds.lower), bounds.upper)) };
  if (change < 0) return { requested, to: Math.min(current, Math.max(requested, bounds.lower)) };
  return { requested, to: current };
}

/** How many actions fall inside `window` ms before `now` (an action exactly `window` ago has left it). */
export function actionsInWindow(recentActions: readonly number[], window: number, now: number): number {
  return recentActions.filter((at) => at > now - window && at <= now).length;
}

/** The first rate limit that a further action would break, if any. */
export function breachedRateLimit(limits: readonly RateLimit[], recentActions: readonly number[], now: number): RateLimit | undefined {
  return limits.find((limit) => actionsInWindow(recentActions, limit.window, now) >= limit.max_actions);
}

/** When the cooldown for `direction` ends; a request at exactly that instant may act. */
export function cooldownEndsAt(history: ScalingHistory, direction: Direction, cooldownSeconds: number): number | undefined {
  const last = history.lastActionAt[direction];
  return last === undefined ? undefined : last + cooldownSeconds * 1000;
}

const iso = (ms: number) => new Date(ms).toISOString();
const signed = (n: number) => (n >= 0 ? `+${n}` : `${n}`);

/** A rate-limit window in the largest whole unit: `1h`, `1d`, `90s`. */
export function describeWindow(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}

/**
 * Decides what one scale request does to one node group. The checks run in a
 * fixed order, and the first that applies gives the outcome:
 * capacity backoff (scale-ups only) → bounds that cannot be met →
 * already at target → cooldown (per direction) → rate limits → dry-run →
 * scaled (or clamped, when a bound cut the step short).
 * Only `scaled` and `clamped` act. `paused` and `dry-run` leave the group as
 * it is but record in `to` what it would have become, so an operator reading
 * the decision sees what the kill switch or the dry run held back; every other
 * outcome leaves `to === from`.
 */
export function decideScaling(input: ScalingInput): ScalingDecision {
  if (!input.paused) return decideUnpaused(input);
  const wouldBe = decideUnpaused(input);
  if (wouldBe.act) return { ...wouldBe, outcome: 'paused', act: false, reason: `kill switch is on: scaling is paused; would have ${wouldBe.reason}` };
  if (wouldBe.outcome === 'dry-run') return { ...wouldBe, outcome: 'paused', reason: `kill switch is on: scaling is paused; ${wouldBe.reason}` };
  return { ...wouldBe, outcome: 'paused', act: false, to: wouldBe.from, reason: `kill switch is on: scaling is paused (and would not have scaled: ${wouldBe.reason})` };
}

function decideUnpaused(input: ScalingInput): ScalingDecision {
  const { request, guardrails, asg, history, now } = input;
  const from = asg.desired;
  const bounds = effectiveBounds(guardrails, asg);
  const { requested, to: target } = clampedTarget(request, from, bounds);
  const direction: Direction | undefined = target > from ? 'up' : target < from ? 'down' : requested > from ? 'up' : requested < from ? 'down' : undefined;
  const stay = (outcome: PolicyOutcome, reason: string): ScalingDecision => ({
    outcome,
    from,
    to: from,
    requested,
    direction,
    act: false,
    upperBound: bounds.upper,
    reason,
  });

  if (direction === 'up' && history.backoffUntil !== undefined && now < history.backoffUntil) {
    return stay('backed-off', `backed off after a capacity failure until ${iso(history.backoffUntil)}`);
  }
  if (bounds.lower > bounds.upper) {
    return stay(
      'failed',
      `guardrails [${guardrails.min}, ${guardrails.max}] and the Auto Scaling group's own bounds [${asg.min}, ${asg.max}] do not overlap`,
    );
  }
  if (target === from) {
    if (direction === 'up') return stay('at-target', `already at ${from}, the upper bound (${bounds.upperSource}; asked ${requested})`);
    if (direction === 'down') return stay('at-target', `already at ${from}, the lower bound (${bounds.lowerSource}; asked ${requested})`);
    return stay('at-target', `already at ${from}`);
  }
  const moving: Direction = target > from ? 'up' : 'down';
  if (!request.fallback) {
    const endsAt = cooldownEndsAt(history, moving, request.cooldownSeconds);
    if (endsAt !== undefined && now < endsAt) {
      return stay('cooldown', `in scale-${moving} cooldown until ${iso(endsAt)} (${request.cooldownSeconds}s after the last scale-${moving})`);
    }
  }
  const limit = breachedRateLimit(guardrails.rateLimits, history.recentActions, now);
  if (limit) {
    return stay('rate-limited', `rate limit: already ${limit.max_actions} scaling action(s) in the last ${describeWindow(limit.window)}`);
  }
  const step = `${from} → ${target} (${request.set !== undefined ? `set ${request.set}` : signed(request.change ?? 0)})`;
  const clampNote =
    target !== requested ? `, clamped from ${requested} to the ${target > requested ? 'lower' : 'upper'} bound ${target} (${target > requested ? bounds.lowerSource : bounds.upperSource})` : '';
  if (input.dryRun || request.dryRun) {
    const why = input.dryRun ? 'settings.dry_run' : "the receiver's dry_run";
    return { ...stay('dry-run', `dry run (${why}): would scale ${step}${clampNote}`), to: target };
  }
  return {
    outcome: target !== requested ? 'clamped' : 'scaled',
    from,
    to: target,
    requested,
    direction: moving,
    act: true,
    upperBound: bounds.upper,
    reason: `scaled ${step}${clampNote}`,
  };
}

/**
 * The groups a node group's failed increment may move to, in order: its own
 * `fallback` list, each followed by that group's own fallbacks (depth first),
 * without repeats and never the origin itself. With `a100 → [h100]` and
 * `h100 → [l4]`, the chain of a100 is h100, l4.
 */
export function fallbackChain(fallbacks: ReadonlyMap<string, readonly string[]>, origin: string): string[] {
  const chain: string[] = [];
  const visit = (name: string) => {
    for (const next of fallbacks.get(name) ?? []) {
      if (next === origin || chain.includes(next)) continue;
      chain.push(next);
      visit(next);
    }
  };
  visit(origin);
  return chain;
}

/** The next group in `origin`'s fallback chain after `current` (or the first, when `current` is the origin). */
export function nextFallback(fallbacks: ReadonlyMap<string, readonly string[]>, origin: string, current: string): string | undefined {
  const chain = fallbackChain(fallbacks, origin);
  if (current === origin) return chain[0];
  const index = chain.indexOf(current);
  return index < 0 ? undefined : chain[index + 1];
}
