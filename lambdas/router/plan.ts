import { findReceiver, receiverChannels, type NotifyChannel } from '../shared/channels';
import type { Config, ReceiverConfig, ScaleConfig } from '../shared/config/schema';
import type { ActionRecord } from '../shared/decisions';
import type { Alert } from '../shared/events';
import type { RouteTimeMute } from '../shared/routing/route-tree';
import { UNSUPPORTED_CHANNELS } from '../shared/config/alertmanager-keys';

/** A receiver an alert was routed to, and whether time intervals mute it now. */
export interface RoutedReceiver {
  readonly name: string;
  readonly mute: RouteTimeMute;
}

/** One scale step planned for one decision: which config of which receiver, on which node group. */
export interface ScalePlan {
  readonly actionId: string;
  readonly nodeGroup: string;
  readonly receiver: string;
  readonly configIndex: number;
  readonly config: ScaleConfig;
}

/** One notification planned for one decision: which channel config of which receiver. */
export interface NotifyPlan {
  readonly actionId: string;
  readonly receiver: string;
  readonly channel: NotifyChannel;
  readonly configIndex: number;
}

/** What the router decided for one alert occurrence (or one extra step), before anything is written or sent. */
export interface ActionPlan {
  readonly scale: readonly ScalePlan[];
  readonly notify: readonly NotifyPlan[];
  /** Everything for the decision record, including actions muted or skipped, and why. */
  readonly records: readonly ActionRecord[];
  /**
   * Shortest cooldown of the scale actions, muted ones included: when a
   * still-firing alert may step again (a muted one, to act once its window opens).
   */
  readonly cooldownMs: number | undefined;
}

/** The id of one scale step: stable for a decision, receiver, config and step, so redeliveries are recognised. */
export const scaleActionId = (decisionId: string, receiver: string, index: number, step: number) => `${decisionId}/${receiver}/scale/${index}/step${step}`;

export const notifyActionId = (decisionId: string, receiver: string, channel: NotifyChannel, index: number) => `${decisionId}/${receiver}/${channel}/${index}`;

/** Why a muted receiver's actions are not taken, in words for the decision record. */
export function muteReason(mute: RouteTimeMute): string | undefined {
  if (!mute.muted) return undefined;
  return mute.why === 'mute' ? `muted: time interval ${mute.interval} holds` : `muted: outside active time interval(s) ${mute.interval}`;
}

interface PlanContext {
  readonly config: Config;
  readonly alert: Alert;
  readonly decisionId: string;
  readonly at: string;
  readonly step: number;
  readonly groups: ReadonlySet<string>;
}

function planScale(ctx: PlanContext, receiver: ReceiverConfig, muted: string | undefined, plan: { scale: ScalePlan[]; records: ActionRecord[]; cooldowns: number[] }): void {
  const { alert, decisionId, at, step } = ctx;
  receiver.scale_configs.forEach((config, index) => {
    const actionId = scaleActionId(decisionId, receiver.name, index, step);
    const nodeGroup = config.node_group ?? alert.labels[config.node_group_label ?? ''];
    const record = (outcome: string, detail?: string): ActionRecord => ({ actionId, kind: 'scale', receiver: receiver.name, target: nodeGroup ?? '', outcome, at, ...(detail ? { detail } : {}) });
    if (config.on !== alert.status) {
      // A new occurrence says why it did nothing; an extra step only repeats what acts.
      if (step === 1) plan.records.push(record('skipped', `this scale config acts on ${config.on} alerts; the alert is ${alert.status}`));
      return;
    }
    if (!nodeGroup || !ctx.groups.has(nodeGroup)) {
      const label = config.node_group_label;
      plan.records.push(record('skipped', nodeGroup ? `label ${label}="${nodeGroup}" names no configured node group` : `alert has no ${label} label to name a node group`));
      return;
    }
    plan.cooldowns.push(config.cooldown);
    if (muted) {
      plan.records.push(record('muted', muted));
      return;
    }
    plan.scale.push({ actionId, nodeGroup, receiver: receiver.name, configIndex: index, config });
    plan.records.push(record('requested'));
  });
}

function planNotify(ctx: PlanContext, receiver: ReceiverConfig, muted: string | undefined, plan: { notify: NotifyPlan[]; records: ActionRecord[] }): void {
  const { alert, decisionId, at } = ctx;
  for (const { channel, configIndex, config } of receiverChannels(receiver)) {
    const actionId = notifyActionId(decisionId, receiver.name, channel, configIndex);
    const record = (outcome: string, detail?: string): ActionRecord => ({ actionId, kind: 'notify', receiver: receiver.name, target: channel, outcome, at, ...(detail ? { detail } : {}) });
    if (alert.status === 'resolved' && !config.send_resolved) {
      plan.records.push(record('skipped', 'resolved, and send_resolved is false'));
    } else if (muted) {
      plan.records.push(record('muted', muted));
    } else {
      plan.notify.push({ actionId, receiver: receiver.name, channel, configIndex });
      plan.records.push(record('requested'));
    }
  }
  for (const { channel, count } of receiver.unsupported_channels ?? []) {
    for (let configIndex = 0; configIndex < count; configIndex++) {
      plan.records.push({
        actionId: `${decisionId}/${receiver.name}/${channel}/${configIndex}`,
        kind: 'notify',
        receiver: receiver.name,
        target: channel,
        outcome: 'skipped',
        at,
        detail: `alertscale has no ${UNSUPPORTED_CHANNELS[channel] ?? channel} channel; ${channel}_configs are accepted and not sent`,
      });
    }
  }
}

/**
 * Turns the receivers an alert matched into actions: a scale action per
 * scale config that applies to the alert's status and names a configured node
 * group, and a notify action per channel config that wants this status
 * (`send_resolved`). A receiver muted by its route's time intervals gets its
 * actions recorded as `muted`, with the interval. Pure; `step` is 1 for a new
 * occurrence and higher when a still-firing alert steps again (then only
 * scale actions are planned).
 */
export function planActions(config: Config, receivers: readonly RoutedReceiver[], alert: Alert, decisionId: string, at: string, step = 1): ActionPlan {
  const ctx: PlanContext = { config, alert, decisionId, at, step, groups: new Set(config.node_groups.map((group) => group.name)) };
  const plan = { scale: [] as ScalePlan[], notify: [] as NotifyPlan[], records: [] as ActionRecord[], cooldowns: [] as number[] };
  for (const routed of receivers) {
    const receiver = findReceiver(config, routed.name);
    if (!receiver) continue; // the schema guarantees every routed receiver exists
    const muted = muteReason(routed.mute);
    planScale(ctx, receiver, muted, plan);
    if (step === 1) planNotify(ctx, receiver, muted, plan);
  }
  const { cooldowns, ...planned } = plan;
  return { ...planned, cooldownMs: cooldowns.length > 0 ? Math.min(...cooldowns) : undefined };
}
