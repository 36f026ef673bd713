import type { Alert, GroupRef, NotifyChannel, NotifyRequested } from '../shared/events';

/**
 * One alert of one notify request, as the senders and renderers see it: the
 * alert, its decision and action, and the request it came in. A request of
 * ten alerts is ten items; a grouped channel sends them as one message,
 * PagerDuty as ten events.
 */
export interface NotifyItem {
  readonly decisionId: string;
  readonly alert: Alert;
  readonly group: GroupRef;
  readonly action: {
    /** This alert's action: one per decision and channel config, the key of what was sent. */
    readonly actionId: string;
    readonly receiver: string;
    readonly channel: NotifyChannel;
    readonly configIndex: number;
    readonly reason: 'routed' | 'escalation';
  };
  /** The request it came in. */
  readonly requestId: string;
  readonly requestedAt: string;
}

/** The items of a request, in its order. */
export function itemsOf(request: NotifyRequested): NotifyItem[] {
  return request.alerts.map((member) => ({
    decisionId: member.decisionId,
    alert: member.alert,
    group: request.group,
    action: { actionId: member.actionId, receiver: request.receiver, channel: request.channel, configIndex: request.configIndex, reason: request.reason },
    requestId: request.actionId,
    requestedAt: request.requestedAt,
  }));
}
