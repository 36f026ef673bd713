import type { Config } from '../shared/config/schema';
import { findReceiver, receiverChannels, type NotifyChannel } from '../shared/channels';
import type { Alert, NotifyAction, ScaleAction } from '../shared/events';
import type { ActionRecord } from '../shared/decisions';

/** What the router decided for one alert occurrence, before anything is written or sent. */
export interface ActionPlan {
  readonly scale: readonly ScaleAction[];
  readonly notify: readonly NotifyAction[];
  /** Everything for the decision record, including actions that were skipped and why. */
  readonly records: readonly ActionRecord[];
  /** Shortest cooldown of the scale actions: when a still-firing alert may step again. */
  readonly cooldownMs: number | undefined;
}

/** The id of one scale step: stable for a decision, receiver, config and step, so redeliveries are recognised. */
export const scaleActionId = (decisionId: string, receiver: string, index: number, step: number) =>
  `${decisionId}/${receiver}/scale/${index}/step${step}`;

export const notifyActionId = (decisionId: string, receiver: string, channel: NotifyChannel, index: number) =>
  `${decisionId}/${receiver}/${channel}/${index}`;

/**
 * Turns the receivers an alert matched into actions: a scale action per
 * scale config that applies to the alert's status and names a configured node
 * group, and a notify action per channel config that wants this status
 * (`send_resolved`). Pure; `step` is 1 for a new occurrence and higher when a
 * still-firing alert steps again (then only scale actions are planned).
 */
export function planActions(config: Config, receivers: readonly string[], alert: Alert, decisionId: string, at: string, step = 1): ActionPlan {
  const scale: ScaleAction[] = [];
  const notify: NotifyAction[] = [];
  const records: ActionRecord[] = [];
  const groups = new Set(config.node_groups.map((group) => group.name));

  for (const receiverName of receivers) {
    const receiver = findReceiver(config, receiverName);
    if (!receiver) continue; // the schema guarantees every routed receiver exists
    receiver.scale_configs.forEach((scaleConfig, index) => {
      if (scaleConfig.on !== alert.status) return;
      const actionId = scaleActionId(decisionId, receiver.name, index, step);
      const nodeGroup = scaleConfig.node_group ?? alert.labels[scaleConfig.node_group_label ?? ''];
      if (!nodeGroup || !groups.has(nodeGroup)) {
        const label = scaleConfig.node_group_label;
        records.push({
          actionId,
          kind: 'scale',
          receiver: receiver.name,
          target: nodeGroup ?? '',
          outcome: 'skipped',
          at,
          detail: nodeGroup ? `label ${label}="${nodeGroup}" names no configured node group` : `alert has no ${label} label to name a node group`,
        });
        return;
      }
      const action: ScaleAction = {
        kind: 'scale',
        actionId,
        receiver: receiver.name,
        configIndex: index,
        nodeGroup,
        ...(scaleConfig.change !== undefined ? { change: scaleConfig.change } : { set: scaleConfig.set }),
        cooldownSeconds: scaleConfig.cooldown / 1000,
        dryRun: config.settings.dry_run || scaleConfig.dry_run === true,
        step,
      };
      scale.push(action);
      records.push({ actionId, kind: 'scale', receiver: receiver.name, target: nodeGroup, outcome: 'requested', at });
    });
    if (step > 1) continue;
    for (const { channel, configIndex, config: channelConfig } of receiverChannels(receiver)) {
      if (alert.status === 'resolved' && !channelConfig.send_resolved) continue;
      const actionId = notifyActionId(decisionId, receiver.name, channel, configIndex);
      notify.push({ kind: 'notify', actionId, receiver: receiver.name, channel, configIndex, reason: 'routed' });
      records.push({ actionId, kind: 'notify', receiver: receiver.name, target: channel, outcome: 'requested', at });
    }
  }
  const cooldowns = scale.map((action) => action.cooldownSeconds * 1000);
  return { scale, notify, records, cooldownMs: cooldowns.length > 0 ? Math.min(...cooldowns) : undefined };
}
