/**
 * The counts alertscale keeps, one name each for every stage: Powertools
 * metrics (CloudWatch, namespace `alertscale`) on AWS, the Prometheus text of
 * `GET /metrics` locally. Dimensions are lower_snake_case so both read alike.
 */
export const METRIC_NAMESPACE = 'alertscale';

export const METRIC = {
  /** Webhooks accepted at ingest. */
  NotificationsAccepted: 'NotificationsAccepted',
  /** Alert deliveries (one alert in one webhook) by `outcome`: new, duplicate, stepped. */
  AlertDeliveries: 'AlertDeliveries',
  /** Decisions made: new occurrences and extra steps. */
  Decisions: 'Decisions',
  /** Scale requests by `node_group` and `outcome`. */
  ScalingActions: 'ScalingActions',
  /** Notify requests by `channel` and `outcome`. */
  Notifications: 'Notifications',
} as const;
export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/** The metrics port: add `value` to a counter. */
export interface Metrics {
  count(name: MetricName, value: number, dimensions?: Readonly<Record<string, string>>): void;
}

/** Metrics that go nowhere (tests that do not look). */
export const noMetrics: Metrics = { count: () => {} };
