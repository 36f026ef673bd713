import type { NotifyChannel } from '../shared/channels';
import type { NotifyRequested } from '../shared/events';
import { SENDERS } from './channels';

/** The key of one request across redeliveries: its decision and action. */
export const requestKey = (decisionId: string, actionId: string): string => `${decisionId}#${actionId}`;

/** `requestKey` of a request. */
export const keyOfRequest = (request: Pick<NotifyRequested, 'decisionId' | 'action'>): string => requestKey(request.decisionId, request.action.actionId);

/** Requests sent together: one per PagerDuty alert; one per group notification for the other channels. */
export interface SendUnit {
  readonly channel: NotifyChannel;
  readonly receiver: string;
  readonly configIndex: number;
  /** By `requestKey`: a request delivered twice in one batch is sent once. */
  readonly requests: ReadonlyMap<string, NotifyRequested>;
}

/**
 * Groups a batch of requests into send units, so the alerts of one
 * Alertmanager group notification that arrive together become one Slack
 * message, SNS message or webhook call, while PagerDuty gets one event per alert.
 */
export function sendUnits(requests: readonly NotifyRequested[]): SendUnit[] {
  const units = new Map<string, { channel: NotifyChannel; receiver: string; configIndex: number; requests: Map<string, NotifyRequested> }>();
  for (const request of requests) {
    const { action } = request;
    const unitKey =
      SENDERS[action.channel].grouping === 'notification'
        ? [action.channel, action.receiver, action.configIndex, request.group.notificationId].join('\u0000')
        : [action.channel, keyOfRequest(request)].join('\u0000');
    let unit = units.get(unitKey);
    if (!unit) {
      unit = { channel: action.channel, receiver: action.receiver, configIndex: action.configIndex, requests: new Map() };
      units.set(unitKey, unit);
    }
    unit.requests.set(keyOfRequest(request), request);
  }
  return [...units.values()];
}

/** Runs at most `limit` tasks at once (PagerDuty throttles bursts per routing key). */
export function limiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active += 1;
    try {
      return await task();
    } finally {
      active -= 1;
      waiting.shift()?.();
    }
  };
}
