import { createHash } from 'node:crypto';
import { DetailType, type BusEvent, type DrainCompleted, type DrainRequested, type DrainResult, type DrainSend } from '../shared/events';
import type { DrainRecord } from './ports';

/** The opaque id of the drain of one lifecycle action: the same for every delivery of its event. */
export function drainIdOf(asgName: string, instanceId: string, lifecycleActionToken: string): string {
  return `drain-${createHash('sha256').update(`${asgName}\u0000${instanceId}\u0000${lifecycleActionToken}`).digest('hex').slice(0, 32)}`;
}

/** What both drain events say about the drain (never its lifecycle action token). */
function subject(drain: DrainRecord) {
  return {
    drainId: drain.drainId,
    nodeGroup: drain.nodeGroup,
    asgName: drain.asgName,
    instanceId: drain.instanceId,
    ...(drain.nodeName !== undefined ? { nodeName: drain.nodeName } : {}),
    receiver: drain.receiver,
    requestedAt: drain.requestedAt,
    deadline: drain.deadline,
  };
}

/** `Drain Requested`: the control plane was asked, with what each webhook's send came to. */
export function drainRequestedEvent(drain: DrainRecord, sends: readonly DrainSend[]): BusEvent<DrainRequested> {
  return { detailType: DetailType.DrainRequested, detail: { ...subject(drain), sends: [...sends] } };
}

/** `Drain Completed`: the termination went on, confirmed or after the timeout. */
export function drainCompletedEvent(drain: DrainRecord, result: DrainResult, reason: string, completedAt: string): BusEvent<DrainCompleted> {
  return { detailType: DetailType.DrainCompleted, detail: { ...subject(drain), result, reason, completedAt } };
}
