import { eachLimited } from '../shared/concurrency';
import { createHash } from 'node:crypto';
import { findReceiver, receiverChannels } from '../shared/channels';
import type { Config, NodeGroupConfig } from '../shared/config/schema';
import type { ActionRecord, ActionRecorder, DecisionRecord } from '../shared/decisions';
import { DetailType, type BusEvent, type NotifyRequested, type ScaleMember, type ScaleRequested, type ScalingActionEvent } from '../shared/events';
import type { Log } from '../shared/log';
import { METRIC, noMetrics, type Metrics } from '../shared/metrics';
import { publishAll, type EventBus, type PublishOptions } from '../shared/publish';
import { escalationActionId, escalationSettings } from './escalation';
import { fallbackActionId } from './fallback';
import type { DecisionLookup } from './ports';
import type { AppliedAction } from './state';

/**
 * Reporting what became of a scale request: the action records of every
 * decision it serves, and the bus events — one `Scaling Action`, and the
 * capacity fallback or escalation it led to. Built from the request and the
 * applied entry alone, so a redelivered request whose state was already
 * committed reports the same effects again.
 */

/** Outcomes that change nothing on a node group: recorded on the decisions, not on the group's state item. */
export const PLAIN_REFUSALS: ReadonlySet<string> = new Set(['cooldown', 'at-target', 'rate-limited', 'paused', 'dry-run', 'backed-off', 'expired', 'refused']);

/** Whom an outcome is reported to: the decisions it serves, and those it escalates. */
export interface Audience {
  readonly request: ScaleRequested;
  readonly group: NodeGroupConfig | undefined;
  /** The decisions to record the outcome on (a redelivery may leave out some served elsewhere). */
  readonly members: readonly ScaleMember[];
  /** The decisions an escalation in the entry pages for. */
  readonly escalate: readonly ScaleMember[];
}

export interface Effects {
  /** Action records by decision, the reported one first. */
  readonly records: { readonly decisionId: string; readonly record: ActionRecord }[];
  readonly events: BusEvent[];
}

const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 24);

function scalingAction(audience: Audience, entry: AppliedAction, at: string): ScalingActionEvent {
  const { request } = audience;
  return {
    actionId: request.actionId,
    nodeGroup: request.nodeGroup,
    asgName: audience.group?.asg_name ?? '',
    from: entry.from,
    to: entry.to,
    reason: entry.reason,
    outcome: entry.outcome,
    decisionIds: [...new Set(audience.members.map((member) => member.decisionId))],
    requestedAt: request.requestedAt,
    at,
    ...instanceOf(entry),
  };
}

/** The instance fields of a targeted scale-in's entry, for its event and records. */
const instanceOf = (entry: AppliedAction) => ({
  ...(entry.instanceId !== undefined ? { instanceId: entry.instanceId } : {}),
  ...(entry.nodeName !== undefined ? { nodeName: entry.nodeName } : {}),
});

/** The request a forwarded increment becomes on its fallback group, and the records of its decisions. */
function fallbackEffects(audience: Audience, forwarded: NonNullable<AppliedAction['forwarded']>, at: string): Effects {
  const { request, members } = audience;
  const alerts = members.map((member) => ({ ...member, actionId: fallbackActionId(member.actionId, forwarded.nodeGroup) }));
  const forward: ScaleRequested = {
    ...request,
    actionId: forwarded.actionId,
    nodeGroup: forwarded.nodeGroup,
    change: forwarded.change,
    set: undefined,
    fallbackFrom: request.fallbackFrom ?? request.nodeGroup,
    decisionIds: [...new Set(alerts.map((member) => member.decisionId))],
    alerts,
  };
  return {
    records: alerts.map((member) => ({
      decisionId: member.decisionId,
      record: { actionId: member.actionId, kind: 'scale', receiver: request.receiver, target: forwarded.nodeGroup, outcome: 'requested', at, detail: `capacity fallback from ${request.nodeGroup}` },
    })),
    events: [{ detailType: DetailType.ScaleRequested, detail: forward }],
  };
}

/** One `Notify Requested` per channel config of the escalation receiver and group notification of the decisions it pages for. */
function escalationEffects(config: Config, audience: Audience, entry: AppliedAction, at: string): Effects {
  const { request } = audience;
  const settings = escalationSettings(config, request.receiver, request.configIndex);
  const escalateTo = settings && findReceiver(config, settings.receiver);
  const effects: Effects = { records: [], events: [] };
  if (!escalateTo || audience.escalate.length === 0) return effects;
  const byNotification = new Map<string, ScaleMember[]>();
  for (const member of audience.escalate) byNotification.set(member.group.notificationId, [...(byNotification.get(member.group.notificationId) ?? []), member]);
  for (const { channel, configIndex } of receiverChannels(escalateTo)) {
    for (const [notificationId, members] of byNotification) {
      const alerts = members.map((member) => ({ decisionId: member.decisionId, actionId: escalationActionId(member.decisionId, channel, configIndex), alert: member.alert }));
      const notify: NotifyRequested = {
        actionId: `escalation-${digest(`${request.actionId}\u0000${channel}\u0000${configIndex}\u0000${notificationId}`)}`,
        receiver: escalateTo.name,
        channel,
        configIndex,
        reason: 'escalation',
        group: members[0]!.group,
        decisionIds: alerts.map((a) => a.decisionId),
        alerts,
        part: 1,
        parts: 1,
        requestedAt: at,
      };
      for (const a of alerts) {
        effects.records.push({ decisionId: a.decisionId, record: { actionId: a.actionId, kind: 'notify', receiver: escalateTo.name, target: channel, outcome: 'requested', at, detail: `escalation: ${entry.reason}` } });
      }
      effects.events.push({ detailType: DetailType.NotifyRequested, detail: notify });
    }
  }
  return effects;
}

/** The records and events that report one applied entry of one request. Pure. */
export function effectsOf(config: Config, audience: Audience, entry: AppliedAction): Effects {
  const at = new Date(entry.at).toISOString();
  const { request } = audience;
  const own = audience.members.map((member) => ({
    decisionId: member.decisionId,
    record: { actionId: member.actionId, kind: 'scale' as const, receiver: request.receiver, target: request.nodeGroup, outcome: entry.outcome, at, detail: entry.reason, from: entry.from, to: entry.to, ...instanceOf(entry) },
  }));
  const parts: Effects[] = [
    { records: own, events: [{ detailType: DetailType.ScalingAction, detail: scalingAction(audience, entry, at) }] },
    ...(entry.forwarded ? [fallbackEffects(audience, entry.forwarded, at)] : []),
    ...(entry.escalated ? [escalationEffects(config, audience, entry, at)] : []),
  ];
  return { records: parts.flatMap((part) => part.records), events: parts.flatMap((part) => part.events) };
}

/** Where the scaler reports: the decisions it records outcomes on and reads back, the bus, the counters. */
export interface ScalingReporter {
  readonly config: Config;
  readonly decisions: ActionRecorder & DecisionLookup;
  readonly bus: EventBus;
  readonly log: Log;
  readonly metrics?: Metrics | undefined;
  readonly publish?: PublishOptions | undefined;
}

/**
 * Records the entry's effects on the decisions, then puts its events on the
 * bus. New actions (fallback, escalation) are on their decisions before
 * anything downstream can report on them; on a redelivery, such an action
 * already recorded keeps its own outcome.
 */
export async function emit(
  reporter: ScalingReporter,
  audience: Audience,
  entry: AppliedAction,
  options: {
    readonly known?: ReadonlyMap<string, DecisionRecord> | undefined;
    readonly redelivery?: boolean;
    /** Publish the events only: the decisions have their outcomes. */
    readonly eventsOnly?: boolean;
  } = {},
): Promise<void> {
  const { known } = options;
  const effects = effectsOf(reporter.config, audience, entry);
  const records = options.eventsOnly ? [] : effects.records;
  const { events } = effects;
  const ownIds = new Set(audience.members.map((member) => member.actionId));
  const recorded = (decisionId: string, actionId: string) => known?.get(decisionId)?.actions.some((action) => action.actionId === actionId) ?? false;
  const requested = records.filter(({ decisionId, record }) => !ownIds.has(record.actionId) && !recorded(decisionId, record.actionId));
  const own = records.filter(({ record }) => ownIds.has(record.actionId));
  await eachLimited(requested, 16, ({ decisionId, record }) => reporter.decisions.recordAction(decisionId, record));
  await eachLimited(own, 16, ({ decisionId, record }) => reporter.decisions.recordAction(decisionId, record));
  await publishAll(reporter.bus, events, { log: reporter.log, ...reporter.publish });
  if (!options.redelivery) (reporter.metrics ?? noMetrics).count(METRIC.ScalingActions, 1, { node_group: audience.request.nodeGroup, outcome: entry.outcome });
}
