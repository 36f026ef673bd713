import { findReceiver } from '../shared/channels';
import type { Config } from '../shared/config/schema';
import type { NotifyChannel } from '../shared/events';
import type { DecisionLookup } from './ports';
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
 * The one escalation rule, without memory: a firing alert whose scale config
 * escalates, when its step failed, or when its group has been at the upper
 * bound for at least `escalate_after` (an instant exactly that long counts).
 */
export function escalationDue(settings: EscalationSettings | undefined, alertStatus: 'firing' | 'resolved', trigger: EscalationTrigger): settings is EscalationSettings {
  if (settings === undefined || alertStatus !== 'firing') return false;
  if (trigger.kind === 'failed') return true;
  return trigger.atMaxSince !== undefined && trigger.now - trigger.atMaxSince >= settings.after;
}

/** Whether this occurrence escalated already, from any group: the state item remembers it, or the decision has its escalation actions. */
export async function escalatedBefore(decisions: DecisionLookup, decisionId: string, state: Pick<NodeGroupState, 'escalated'>): Promise<boolean> {
  if (state.escalated.includes(decisionId)) return true;
  const decision = await decisions.get(decisionId);
  return decision?.actions.some((action) => action.actionId.startsWith(`${decisionId}/escalation/`)) ?? false;
}

/** `escalationDue`, and not escalated before: the page goes once per occurrence. */
export async function shouldEscalate(
  decisions: DecisionLookup,
  request: { readonly decisionId: string; readonly alertStatus: 'firing' | 'resolved' },
  settings: EscalationSettings | undefined,
  state: Pick<NodeGroupState, 'escalated'>,
  trigger: EscalationTrigger,
): Promise<boolean> {
  return escalationDue(settings, request.alertStatus, trigger) && !(await escalatedBefore(decisions, request.decisionId, state));
}

/** The id of one escalation notification: one per occurrence and channel config. */
export function escalationActionId(decisionId: string, channel: NotifyChannel, configIndex: number): string {
  return `${decisionId}/escalation/${channel}/${configIndex}`;
}
