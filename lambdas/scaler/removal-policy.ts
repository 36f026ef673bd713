import { breachedRateLimit, cooldownEndsAt, describeWindow, effectiveBounds, type NodeGroupGuardrails, type ScalingDecision, type ScalingHistory } from './policy';
import { isTerminating, type AsgMember, type AsgWithMembers } from './ports';

/**
 * The policy of a targeted scale-in: may this one named instance go now?
 * Pure, like `decideScaling`, so each refusal can be tested at its boundary.
 * The checks run in a fixed order and the first that applies gives the
 * outcome: paused → no instance named or found → not a member of the group →
 * already terminating → not in service → protected from scale-in → bounds
 * that cannot be met → at the lower bound → cooldown → rate limits → dry-run
 * → remove (desired capacity − 1).
 */

/** Which instance the alert named, once looked up; or why there is none to look at. */
export type RemovalTarget = { readonly instanceId: string } | { readonly unresolved: string };

export interface RemovalInput {
  readonly target: RemovalTarget;
  /** How the alert named it, for the reason: `node ip-10-0-1-7.ec2.internal`. @default - by the instance id alone */
  readonly namedAs?: string | undefined;
  readonly asgName: string;
  readonly asg: AsgWithMembers;
  readonly guardrails: NodeGroupGuardrails;
  readonly history: ScalingHistory;
  readonly cooldownSeconds: number;
  /** Epoch milliseconds. */
  readonly now: number;
  readonly paused: boolean;
  /** `settings.dry_run`. */
  readonly dryRun: boolean;
  /** The receiver's `dry_run`. */
  readonly requestDryRun: boolean;
  /**
   * Another instance of this same request was removed already: the cooldown
   * it started and the rate-limit slot it took are this request's own, so
   * several alerts naming several idle nodes in one batch remove each.
   */
  readonly sameRequestActed: boolean;
}

/** Lifecycle states of an instance on its way out, whoever started it. */

const who = (instanceId: string, namedAs: string | undefined) => (namedAs ? `${instanceId} (${namedAs})` : instanceId);

/** Why `member` cannot be removed now, if it cannot. */
function memberRefusal(asgName: string, instanceId: string, member: AsgMember | undefined, namedAs: string | undefined): string | undefined {
  const name = who(instanceId, namedAs);
  if (!member) return `instance ${name} is not in Auto Scaling group ${asgName}; nothing removed`;
  if (isTerminating(member.lifecycleState)) return `instance ${name} is already terminating (${member.lifecycleState}); nothing removed`;
  if (member.lifecycleState !== 'InService') return `instance ${name} is ${member.lifecycleState}, not InService; nothing removed`;
  if (member.protectedFromScaleIn) return `instance ${name} is protected from scale-in; nothing removed`;
  return undefined;
}

/** Decides whether the named instance goes. `act` only for `scaled`; `to` is then one below `from`. */
export function decideRemoval(input: RemovalInput): ScalingDecision & { readonly instanceId?: string | undefined } {
  const { asg, guardrails, history, now, target } = input;
  const from = asg.desired;
  const bounds = effectiveBounds(guardrails, asg);
  const instanceId = 'instanceId' in target ? target.instanceId : undefined;
  const stay = (outcome: ScalingDecision['outcome'], reason: string) => ({
    outcome,
    from,
    to: from,
    requested: from - 1,
    direction: 'down' as const,
    act: false,
    upperBound: bounds.upper,
    reason,
    instanceId,
  });

  if (input.paused) return stay('paused', 'kill switch is on: scaling is paused');
  if ('unresolved' in target) return stay('refused', target.unresolved);
  const refusal = memberRefusal(input.asgName, target.instanceId, asg.members.find((m) => m.instanceId === target.instanceId), input.namedAs);
  if (refusal) return stay('refused', refusal);
  const name = who(target.instanceId, input.namedAs);
  if (bounds.lower > bounds.upper) {
    return stay('failed', `guardrails [${guardrails.min}, ${guardrails.max}] and the Auto Scaling group's own bounds [${asg.min}, ${asg.max}] do not overlap`);
  }
  if (from - 1 < bounds.lower) return stay('at-target', `already at ${from}, the lower bound (${bounds.lowerSource}); ${name} not removed`);
  if (!input.sameRequestActed) {
    const endsAt = cooldownEndsAt(history, 'down', input.cooldownSeconds);
    if (endsAt !== undefined && now < endsAt) {
      return stay('cooldown', `in scale-down cooldown until ${new Date(endsAt).toISOString()} (${input.cooldownSeconds}s after the last scale-down); ${name} not removed`);
    }
    const limit = breachedRateLimit(guardrails.rateLimits, history.recentActions, now);
    if (limit) return stay('rate-limited', `rate limit: already ${limit.max_actions} scaling action(s) in the last ${describeWindow(limit.window)}; ${name} not removed`);
  }
  const step = `${from} → ${from - 1}`;
  if (input.dryRun || input.requestDryRun) {
    return stay('dry-run', `dry run (${input.dryRun ? 'settings.dry_run' : "the receiver's dry_run"}): would remove ${name}, ${step}`);
  }
  return { outcome: 'scaled', from, to: from - 1, requested: from - 1, direction: 'down', act: true, upperBound: bounds.upper, reason: `removed ${name}, ${step}`, instanceId };
}
