/**
 * The custom CloudWatch metrics of alertscale: what the runtime publishes
 * (Powertools Metrics, EMF) and what the stack's dashboard and alarms read.
 * Both sides import these names, so a rename cannot leave a dashboard
 * looking at a metric nobody writes.
 *
 * Every function also gets the stack's name in `ALERTSCALE_STACK_NAME`
 * (`Env.StackName`); the runtime adds it to every metric as the `stack`
 * dimension, so two stacks in one account and region keep their figures apart.
 */
export const METRIC_NAMESPACE = 'alertscale';

/** Metric names, one per figure. */
export const MetricName = {
  /** Webhooks ingest accepted and put on the bus (one per `Alertmanager Notification`). */
  NotificationsAccepted: 'NotificationsAccepted',
  /** Alerts inside accepted notifications, by `outcome`: new | duplicate | stepped. */
  AlertDeliveries: 'AlertDeliveries',
  /** Decision records the router wrote (one per new occurrence or step). */
  Decisions: 'Decisions',
  /** What the scaler did with each request, by `node_group` and `outcome`. */
  ScalingActions: 'ScalingActions',
  /** Channel sends (pages, messages, webhooks), by `channel` and `outcome`. */
  Notifications: 'Notifications',
  /** Written by the stack's metric filter on the API access log: webhook answers 400/401/403/413. */
  WebhookRejectedRequests: 'WebhookRejectedRequests',
  /** Written by the stack's metric filter on the API access log: webhook answers 429. */
  WebhookThrottledRequests: 'WebhookThrottledRequests',
} as const;
export type MetricName = (typeof MetricName)[keyof typeof MetricName];

/** Dimension names. */
export const MetricDimension = {
  /** The stack's name (`ALERTSCALE_STACK_NAME`): on every runtime metric. */
  Stack: 'stack',
  Outcome: 'outcome',
  NodeGroup: 'node_group',
  Channel: 'channel',
  /** On the access-log metrics: the HTTP API's id, which is unique per stack. */
  ApiId: 'ApiId',
} as const;

/** The `outcome` values of `AlertDeliveries`. */
export const ALERT_DELIVERY_OUTCOMES = ['new', 'duplicate', 'stepped'] as const;
