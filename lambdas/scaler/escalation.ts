import { findReceiver } from '../shared/channels';
import type { Config } from '../shared/config/schema';
import type { NotifyChannel } from '../shared/events';
import type { DecisionRecord } from '../shared/decisions';
import type { NodeGroupState } from './state';

/**
 * Remediate, then escalate: a scale config with `escalate_after` and
 * `escalate_to` pages that receiver once per occurrence when scaling failed
 * everywhere, or when the alert still fires `escalate_after` after its group
 * reached the upper bound.
 */

/** The escalation settings of the scale config that made a request. */
export interface EscalationSettings {
  /** ms */
  readonly after: number;
  readonly receiver: string;
}

/** `escalate_after`/`escalate_to` of the receiver's `scale_configs[configIndex]`, if it has them. */
export function escalationSettings(config: Config, receiver: string, configIndex: number): EscalationSettings | undefined {
  const scale = findReceiver(config, receiver)?.scale_configs[configIndex];
  return scale?.escalate_to !== undefined && scale.escalate_after !== undefined ? { after: scale.escalate_after, receiver: scale.escalate_to } : undefined;
}

/** Why a step might escalate: it failed (everywhere), or the group sits at its upper bound. */
export type EscalationTrigger =
  | { readonly kind: 'failed' }
  | { readonly kind: 'at-max'; readonly atMaxSince: number | undefined; readonly now: number };

/**
 * The one escalation rule, without memory: a request whose scale config
 * escalates, when its step failed, or when its group has been at the upper
 * bound for at least `escalate_after` (an instant exactly that long counts).
 * Which of its decisions page is `toEscalate`'s answer (firing, not yet escalated).
 */
export function escalationDue(settings: EscalationSettings | undefined, trigger: EscalationTrigger): settings is EscalationSettings {
  if (settings === undefined) return false;
  if (trigger.kind === 'failed') return true;
  return trigger.atMaxSince !== undefined && trigger.now - trigger.atMaxSince >= settings.after;
}

/** Whether an occurrence escalated already, from any group: the state item remembers it, or its decision has escalation actions. */
export function escalatedBefore(decisionId: string, state: Pick<NodeGroupState, 'escalated'>, decision: DecisionRecord | undefined): boolean {
  return state.escalated.includes(decisionId) || (decision?.actions.some((action) => action.actionId.startsWith(`${decisionId}/escalation/`)) ?? false);
}

/**
 * The decisions a due escalation pages for: those whose alert still fires
 * and that have not escalated before, so each occurrence pages once.
 */
export function toEscalate<M extends { readonly decisionId: string; readonly alert: { readonly status: 'firing' | 'resolved' } }>(
  members: readonly M[],
  state: Pick<NodeGroupState, 'escalated'>,
  decisions: ReadonlyMap<string, DecisionRecord>,
): M[] {
  return members.filter((member) => member.alert.status === 'firing' && !escalatedBefore(member.decisionId, state, decisions.get(member.decisionId)));
}

/** The id of one escalation notification: one per occurrence and channel config. */
export function escalationActionId(decisionId: string, channel: NotifyChannel, configIndex: number): string {
  return `${decisionId}/escalation/${channel}/${configIndex}`;
}
