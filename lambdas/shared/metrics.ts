import { MetricName } from './metric-names';

/**
 * The metrics port: the counts every stage keeps — Powertools metrics
 * (CloudWatch, namespace `alertscale`) on AWS, the Prometheus text of
 * `GET /metrics` locally. The names are the ones the stack's dashboard reads
 * (`metric-names.ts`); dimensions are lower_snake_case so both read alike.
 */
export { METRIC_NAMESPACE } from './metric-names';

/** The counters the runtime writes (the access-log ones are the stack's). */
export const METRIC = {
  NotificationsAccepted: MetricName.NotificationsAccepted,
  AlertDeliveries: MetricName.AlertDeliveries,
  Decisions: MetricName.Decisions,
  ScalingActions: MetricName.ScalingActions,
  Notifications: MetricName.Notifications,
} as const;
export type CounterName = (typeof METRIC)[keyof typeof METRIC];

/** The metrics port: add `value` to a counter. */
export interface Metrics {
  count(name: CounterName, value: number, dimensions?: Readonly<Record<string, string>>): void;
}

/** Metrics that go nowhere (tests that do not look). */
export const noMetrics: Metrics = { count: () => {} };
