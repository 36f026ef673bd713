import type { NotifyChannel } from '../shared/channels';
import type { NotifyItem } from './items';
import { SENDERS } from './channels';

/** The key of one request across redeliveries: its decision and action. */
export const requestKey = (decisionId: string, actionId: string): string => `${decisionId}#${actionId}`;

/** `requestKey` of a request. */
export const keyOfRequest = (request: Pick<NotifyItem, 'decisionId' | 'action'>): string => requestKey(request.decisionId, request.action.actionId);

/** Items sent together: one per PagerDuty alert; one per request (a group notification) for the other channels. */
export interface SendUnit {
  readonly channel: NotifyChannel;
  readonly receiver: string;
  readonly configIndex: number;
  /** By `requestKey`: an item delivered twice in one batch is sent once. */
  readonly items: ReadonlyMap<string, NotifyItem>;
}

/**
 * Groups a batch's items into send units, so the alerts of one Alertmanager
 * group notification become one Slack message, SNS message or webhook call,
 * while PagerDuty gets one event per alert.
 */
export function sendUnits(items: readonly NotifyItem[]): SendUnit[] {
  const units = new Map<string, { channel: NotifyChannel; receiver: string; configIndex: number; items: Map<string, NotifyItem> }>();
  for (const item of items) {
    const { action } = item;
    const unitKey =
      SENDERS[action.channel].grouping === 'notification'
        ? [action.channel, action.receiver, action.configIndex, item.group.notificationId, item.requestId].join('\u0000')
        : [action.channel, keyOfRequest(item)].join('\u0000');
    let unit = units.get(unitKey);
    if (!unit) {
      unit = { channel: action.channel, receiver: action.receiver, configIndex: action.configIndex, items: new Map() };
      units.set(unitKey, unit);
    }
    unit.items.set(keyOfRequest(item), item);
  }
  return [...units.values()];
}
