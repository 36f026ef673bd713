import { findReceiver, receiverChannels } from '../shared/channels';
import type { Config, NodeGroupConfig } from '../shared/config/schema';
import type { ActionRecord, ActionRecorder } from '../shared/decisions';
import { DetailType, type BusEvent, type NotifyRequested, type ScaleRequested, type ScalingActionEvent } from '../shared/events';
import type { Log } from '../shared/log';
import { publishAll, type EventBus, type PublishOptions } from '../shared/publish';
import { escalationActionId, escalationSettings } from './escalation';
import type { DecisionLookup } from './ports';
import type { AppliedAction } from './state';

/**
 * Reporting what became of a scale request: the decision's action records and
 * the bus events (`Scaling Action`, and any capacity fallback or escalation it
 * led to). The effects are built from the request and the applied entry alone,
 * so a redelivered message whose state was already committed reports the
 * same effects again.
 */

/** Outcomes that change nothing on a node group: recorded on the decision, not on the group's state item. */
export const PLAIN_REFUSALS: ReadonlySet<string> = new Set(['cooldown', 'at-target', 'rate-limited', 'paused', 'dry-run', 'backed-off']);

export interface Effects {
  /** Action records to set on the decision, the reported one first. */
  readonly records: ActionRecord[];
  readonly events: BusEvent[];
}

function scalingAction(group: NodeGroupConfig | undefined, request: ScaleRequested, entry: AppliedAction, at: string): ScalingActionEvent {
  const { alert } = request;
  return {
    decisionId: request.decisionId,
    actionId: entry.actionId,
    nodeGroup: request.action.nodeGroup,
    asgName: group?.asg_name ?? '',
    from: entry.from,
    to: entry.to,
    reason: entry.reason,
    outcome: entry.outcome,
    alert: { status: alert.status, labels: alert.labels, fingerprint: alert.fingerprint, startsAt: alert.startsAt },
    at,
  };
}

/** The request a forwarded increment becomes on its fallback group, and its record on the decision. */
function fallbackEffects(request: ScaleRequested, forwarded: NonNullable<AppliedAction['forwarded']>, at: string): Effects {
  const { action } = request;
  const forward: ScaleRequested = {
    ...request,
    action: {
      ...action,
      actionId: forwarded.actionId,
      nodeGroup: forwarded.nodeGroup,
      change: forwarded.change,
      set: undefined,
      fallbackFrom: action.fallbackFrom ?? action.nodeGroup,
    },
    requestedAt: at,
  };
  return {
    records: [{ actionId: forwarded.actionId, kind: 'scale', receiver: action.receiver, target: forwarded.nodeGroup, outcome: 'requested', at, detail: `capacity fallback from ${action.nodeGroup}` }],
    events: [{ detailType: DetailType.ScaleRequested, detail: forward }],
  };
}

/** One `Notify Requested` per channel config of the escalation receiver, and their records. */
function escalationEffects(config: Config, request: ScaleRequested, entry: AppliedAction, at: string): Effects {
  const settings = escalationSettings(config, request.action.receiver, request.action.configIndex);
  const escalateTo = settings && findReceiver(config, settings.receiver);
  const effects: Effects = { records: [], events: [] };
  if (!escalateTo) return effects;
  for (const { channel, configIndex } of receiverChannels(escalateTo)) {
    const actionId = escalationActionId(request.decisionId, channel, configIndex);
    const notify: NotifyRequested = {
      decisionId: request.decisionId,
      alert: request.alert,
      group: request.group,
      action: { kind: 'notify', actionId, receiver: escalateTo.name, channel, configIndex, reason: 'escalation' },
      requestedAt: at,
    };
    effects.records.push({ actionId, kind: 'notify', receiver: escalateTo.name, target: channel, outcome: 'requested', at, detail: `escalation: ${entry.reason}` });
    effects.events.push({ detailType: DetailType.NotifyRequested, detail: notify });
  }
  return effects;
}

/** The records and events that report one applied entry of one request. Pure. */
export function effectsOf(config: Config, group: NodeGroupConfig | undefined, request: ScaleRequested, entry: AppliedAction): Effects {
  const at = new Date(entry.at).toISOString();
  const { action } = request;
  const own: ActionRecord = { actionId: entry.actionId, kind: 'scale', receiver: action.receiver, target: action.nodeGroup, outcome: entry.outcome, at, detail: entry.reason, from: entry.from, to: entry.to };
  const parts = [
    { records: [own], events: [{ detailType: DetailType.ScalingAction, detail: scalingAction(group, request, entry, at) }] },
    ...(entry.forwarded ? [fallbackEffects(request, entry.forwarded, at)] : []),
    ...(entry.escalated ? [escalationEffects(config, request, entry, at)] : []),
  ];
  return { records: parts.flatMap((part) => part.records), events: parts.flatMap((part) => part.events) };
}

/** Where the scaler reports: the decisions it records outcomes on and reads back, and the bus. */
export interface ScalingReporter {
  readonly config: Config;
  readonly decisions: ActionRecorder & DecisionLookup;
  readonly bus: EventBus;
  readonly log: Log;
  readonly publish?: PublishOptions | undefined;
}

/** Records the entry's effects on the decision, then puts its events on the bus. */
export async function emit(reporter: ScalingReporter, group: NodeGroupConfig | undefined, request: ScaleRequested, entry: AppliedAction, redelivery = false): Promise<void> {
  const { records, events } = effectsOf(reporter.config, group, request, entry);
  const [own, ...requested] = records;
  // On a redelivery, a fallback or escalation already on the decision may have its own outcome by now: keep it.
  const known = redelivery ? new Set((await reporter.decisions.get(request.decisionId))?.actions.map((recorded) => recorded.actionId)) : new Set<string>();
  // New actions (fallback, escalation) are on the decision before anything downstream can report on them.
  for (const record of requested) if (!known.has(record.actionId)) await reporter.decisions.recordAction(request.decisionId, record);
  if (own) await reporter.decisions.recordAction(request.decisionId, own);
  await publishAll(reporter.bus, events, { log: reporter.log, ...reporter.publish });
}

/** A plain refusal this request already got, as recorded on its decision (refusals are not kept on the state item). */
export async function plainRefusalOnDecision(decisions: DecisionLookup, request: ScaleRequested): Promise<AppliedAction | undefined> {
  const recorded = (await decisions.get(request.decisionId))?.actions.find((candidate) => candidate.actionId === request.action.actionId);
  if (!recorded || !PLAIN_REFUSALS.has(recorded.outcome)) return undefined;
  return {
    actionId: recorded.actionId,
    decisionId: request.decisionId,
    outcome: recorded.outcome as AppliedAction['outcome'],
    from: recorded.from ?? null,
    to: recorded.to ?? null,
    reason: recorded.detail ?? '',
    at: Date.parse(recorded.at),
  };
}
