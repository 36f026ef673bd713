import type { Config, NodeGroupConfig } from '../shared/config/schema';
import {
  DetailType,
  type BusEvent,
  type NotifyChannel,
  type NotifyRequested,
  type ScaleRequested,
  type ScalingActionEvent,
} from '../shared/events';
import { findReceiver, receiverChannels } from '../shared/channels';
import type { ActionRecord } from '../shared/ports';
import type { AppliedAction } from './state';

/**
 * What an action's outcome leads to, built from the request and the applied
 * entry alone: the decision's action records and the bus events. Pure, so the
 * same effects can be emitted again when SQS redelivers a message whose state
 * was already committed.
 */

/** The escalation settings of the scale config that made a request. */
export interface EscalationSettings {
  /** ms */
  readonly after: number;
  readonly receiver: string;
}

/**
 * Finds `escalate_after`/`escalate_to` for a request. The action does not say
 * which of the receiver's `scale_configs` made it, so the first config of that
 * receiver that targets the node group — by `node_group`, or by
 * `node_group_label` whose value on the alert names it — and has escalation
 * settings is used. A fallback request escalates as its origin group would.
 */
export function escalationSettings(config: Config, receiver: string, nodeGroup: string, labels: Readonly<Record<string, string>>): EscalationSettings | undefined {
  const scaleConfigs = config.receivers.find((candidate) => candidate.name === receiver)?.scale_configs ?? [];
  const match = scaleConfigs.find(
    (scale) =>
      scale.escalate_to !== undefined &&
      scale.escalate_after !== undefined &&
      (scale.node_group === nodeGroup || (scale.node_group_label !== undefined && labels[scale.node_group_label] === nodeGroup)),
  );
  return match?.escalate_to !== undefined && match.escalate_after !== undefined ? { after: match.escalate_after, receiver: match.escalate_to } : undefined;
}

/** The id of the action a failed increment moves to: derived, so a retry forwards the same action. */
export function fallbackActionId(actionId: string, nodeGroup: string): string {
  const root = actionId.split('/fallback/')[0] ?? actionId;
  return `${root}/fallback/${nodeGroup}`;
}

/** The id of one escalation notification: one per occurrence and channel config. */
export function escalationActionId(decisionId: string, channel: NotifyChannel, configIndex: number): string {
  return `${decisionId}/escalation/${channel}/${configIndex}`;
}

export interface Effects {
  /** Action records to set on the decision, the reported one first. */
  readonly records: ActionRecord[];
  readonly events: BusEvent[];
}

/** The records and events that report one applied entry of one request. */
export function effectsOf(config: Config, group: NodeGroupConfig | undefined, request: ScaleRequested, entry: AppliedAction): Effects {
  const { action, alert, decisionId } = request;
  const at = new Date(entry.at).toISOString();
  const records: ActionRecord[] = [
    { actionId: entry.actionId, kind: 'scale', receiver: action.receiver, target: action.nodeGroup, outcome: entry.outcome, at, detail: entry.reason, from: entry.from, to: entry.to },
  ];
  const scalingAction: ScalingActionEvent = {
    decisionId,
    actionId: entry.actionId,
    nodeGroup: action.nodeGroup,
    asgName: group?.asg_name ?? '',
    from: entry.from,
    to: entry.to,
    reason: entry.reason,
    outcome: entry.outcome,
    alert: { status: alert.status, labels: alert.labels, fingerprint: alert.fingerprint, startsAt: alert.startsAt },
    at,
  };
  const events: BusEvent[] = [{ detailType: DetailType.ScalingAction, detail: scalingAction }];

  if (entry.forwarded) {
    const forward: ScaleRequested = {
      decisionId,
      alert,
      group: request.group,
      action: {
        kind: 'scale',
        actionId: entry.forwarded.actionId,
        receiver: action.receiver,
        nodeGroup: entry.forwarded.nodeGroup,
        change: entry.forwarded.change,
        cooldownSeconds: action.cooldownSeconds,
        dryRun: action.dryRun,
        step: action.step,
        fallbackFrom: action.fallbackFrom ?? action.nodeGroup,
      },
      requestedAt: at,
    };
    records.push({ actionId: entry.forwarded.actionId, kind: 'scale', receiver: action.receiver, target: entry.forwarded.nodeGroup, outcome: 'requested', at, detail: `capacity fallback from ${action.nodeGroup}` });
    events.push({ detailType: DetailType.ScaleRequested, detail: forward });
  }

  if (entry.escalated) {
    const settings = escalationSettings(config, action.receiver, action.fallbackFrom ?? action.nodeGroup, alert.labels);
    if (settings) {
      const escalateTo = findReceiver(config, settings.receiver);
      for (const { channel, configIndex } of escalateTo ? receiverChannels(escalateTo) : []) {
        const actionId = escalationActionId(decisionId, channel, configIndex);
        const notify: NotifyRequested = {
          decisionId,
          alert,
          group: request.group,
          action: { kind: 'notify', actionId, receiver: settings.receiver, channel, configIndex, reason: 'escalation' },
          requestedAt: at,
        };
        records.push({ actionId, kind: 'notify', receiver: settings.receiver, target: channel, outcome: 'requested', at, detail: `escalation: ${entry.reason}` });
        events.push({ detailType: DetailType.NotifyRequested, detail: notify });
      }
    }
  }
  return { records, events };
}
