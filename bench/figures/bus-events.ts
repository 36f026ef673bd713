import { DetailType } from '../../lambdas/shared/events';
import type { ProbeCounts } from '../lib/probe';
import { round } from '../lib/stats';

/** Bus events of one mix: per delivery, by detail-type, and the target they are held to. */
export interface BusEventsResult {
  readonly mix: string;
  readonly deliveries: number;
  readonly events: number;
  readonly perDelivery: number;
  /** Deliveries that made a new decision (a new occurrence or an extra step), as a share of all. */
  readonly newShare: number;
  /** 0.1 + the new share: one notification event per webhook of ten alerts, and one event per new decision. */
  readonly target: number;
  readonly byDetailType: Record<string, number>;
  readonly perDeliveryByDetailType: Record<string, number>;
  /** `Alert Decided` events beyond one per new decision: events a duplicate caused (0 expected). */
  readonly alertDecidedBeyondNew: number;
}

/**
 * Bus events per alert delivery, by detail-type, against the target of
 * 0.1 + the share of deliveries that decided something new: what EventBridge
 * bills for, and a duplicate should add nothing to.
 */
export function busEventsOf(mix: string, counts: ProbeCounts, deliveries: number): BusEventsResult {
  const events = Object.values(counts.events).reduce((a, b) => a + b, 0);
  const decided = counts.deliveries.new + counts.deliveries.stepped;
  const newShare = deliveries ? decided / deliveries : 0;
  return {
    mix,
    deliveries,
    events,
    perDelivery: round(events / deliveries, 4),
    newShare: round(newShare, 4),
    target: round(0.1 + newShare, 4),
    byDetailType: { ...counts.events },
    perDeliveryByDetailType: Object.fromEntries(Object.entries(counts.events).map(([type, n]) => [type, round(n / deliveries, 4)])),
    alertDecidedBeyondNew: Math.max(0, (counts.events[DetailType.AlertDecided] ?? 0) - decided),
  };
}
