import * as z from 'zod/mini';
import { labelSetSchema } from './alertmanager';
import { CHANNELS, type NotifyChannel } from './channels';
import { drainCompletedSchema, drainRequestedSchema } from './drain-events';

/**
 * The public event contract of alertscale: every event it puts on its bus has
 * `source: "alertscale"` and one of these detail-types. Other teams subscribe
 * to them with their own EventBridge rules, so names and fields only ever grow.
 * JSON Schemas generated from these zod schemas live in `docs/schemas/`.
 */
export const EVENT_SOURCE = 'alertscale';

export const DetailType = {
  /** One per accepted webhook: the notification as Alertmanager sent it. */
  Notification: 'Alertmanager Notification',
  /** Once per new alert occurrence (and per extra step): what it matched and what was planned. */
  AlertDecided: 'Alert Decided',
  ScaleRequested: 'Scale Requested',
  NotifyRequested: 'Notify Requested',
  ScalingAction: 'Scaling Action',
  NotificationSent: 'Notification Sent',
  DrainRequested: 'Drain Requested',
  DrainCompleted: 'Drain Completed',
} as const;
export type DetailType = (typeof DetailType)[keyof typeof DetailType];
export type { DrainCompleted, DrainRequested, DrainResult, DrainSend } from './drain-events';

/** An alert as it travels the pipeline: what Alertmanager sent, plus its computed fingerprint. */
export const alertSchema = z.looseObject({
  status: z.enum(['firing', 'resolved']),
  labels: labelSetSchema,
  annotations: labelSetSchema,
  startsAt: z.string(),
  endsAt: z.optional(z.string()),
  generatorURL: z.string(),
  fingerprint: z.string(),
});
export type Alert = z.infer<typeof alertSchema>;

/**
 * Where an alert came from: its Alertmanager group notification. Carried by
 * every request, so a page can link to Alertmanager and say "and 7 more".
 */
export const groupRefSchema = z.object({
  groupKey: z.string(),
  /** Unique per accepted webhook; shared by every part and every alert of it. */
  notificationId: z.string(),
  externalURL: z.string(),
  truncatedAlerts: z.number(),
  /** How many alerts the whole notification held. */
  size: z.int().check(z.positive()),
});
export type GroupRef = z.infer<typeof groupRefSchema>;

/**
 * detail of `Alertmanager Notification`: one per accepted webhook, the
 * notification as Alertmanager sent it (unknown fields kept), every alert's
 * fingerprint filled in. Split into parts only past the bus's size limit:
 * then `part` of `parts`, each holding some of the alerts, together all of them once.
 */
export const notificationEventSchema = z.looseObject({
  receiver: z.string(),
  status: z.enum(['firing', 'resolved']),
  groupKey: z.string(),
  groupLabels: labelSetSchema,
  commonLabels: labelSetSchema,
  commonAnnotations: labelSetSchema,
  externalURL: z.string(),
  truncatedAlerts: z.number(),
  alerts: z.array(alertSchema).check(z.minLength(1)),
  notificationId: z.string(),
  receivedAt: z.string(),
  part: z.int().check(z.positive()),
  parts: z.int().check(z.positive()),
  /** How many alerts the whole notification held (all parts). */
  size: z.int().check(z.positive()),
});
export type NotificationEvent = z.infer<typeof notificationEventSchema>;

/** An action as the router planned it, with its outcome so far (`requested`) or why it will not be taken. */
export const plannedActionSchema = z.object({
  actionId: z.string(),
  kind: z.enum(['scale', 'notify']),
  receiver: z.string(),
  /** Node group for scale actions; channel for notify actions. */
  target: z.string(),
  outcome: z.enum(['requested', 'skipped', 'muted']),
  detail: z.optional(z.string()),
});
export type PlannedAction = z.infer<typeof plannedActionSchema>;

/** detail of `Alert Decided`: once per new alert occurrence, and again per extra step of a still-firing alert. */
export const alertDecidedSchema = z.object({
  decisionId: z.string(),
  alert: alertSchema,
  group: groupRefSchema,
  /** The receivers of the routes it matched, in route-tree order. */
  receivers: z.array(z.string()),
  /** 1 for a new occurrence; higher for an extra step. */
  step: z.int().check(z.positive()),
  actions: z.array(plannedActionSchema),
  at: z.string(),
});
export type AlertDecided = z.infer<typeof alertDecidedSchema>;

/**
 * The instance a targeted scale-in removes for one decision, as its alert
 * names it (the scale config's `remove_instance_label` or `remove_node_label`):
 * exactly one of the two.
 */
export const removeTargetSchema = z.object({
  instanceId: z.optional(z.string()),
  /** A node's private DNS name; the scaler looks its instance up. */
  nodeName: z.optional(z.string()),
});
export type RemoveTarget = z.infer<typeof removeTargetSchema>;

/** One decision a scale request serves: its own action id (per decision and step), and the alert. */
export const scaleMemberSchema = z.object({
  decisionId: z.string(),
  actionId: z.string(),
  alert: alertSchema,
  group: groupRefSchema,
  /**
   * Targeted scale-in: the instance this decision asks to remove. Set (maybe
   * empty, when the alert lacks the label) exactly when the request's scale
   * config has a `remove_*_label`.
   */
  remove: z.optional(removeTargetSchema),
});
export type ScaleMember = z.infer<typeof scaleMemberSchema>;

/**
 * detail of `Scale Requested`: one per node group and scale config per router
 * batch, listing every decision it serves. Exactly one of `change` and `set`.
 * The scaler applies one step for it and records the shared outcome on every
 * decision. Past the bus's size limit it is split into parts with the same
 * `actionId`: the first part processed decides, the others share its outcome.
 */
export const scaleRequestedSchema = z.object({
  /** The request's id: the idempotency key of the scaling call. */
  actionId: z.string(),
  nodeGroup: z.string(),
  receiver: z.string(),
  /** Which of the receiver's `scale_configs` asked (its escalation settings). */
  configIndex: z.int().check(z.nonnegative()),
  change: z.optional(z.int()),
  set: z.optional(z.int().check(z.nonnegative())),
  cooldownSeconds: z.number().check(z.nonnegative()),
  dryRun: z.boolean(),
  /** Set when this request is a capacity fallback from another node group. */
  fallbackFrom: z.optional(z.string()),
  decisionIds: z.array(z.string()).check(z.minLength(1)),
  alerts: z.array(scaleMemberSchema).check(z.minLength(1)),
  part: z._default(z.int().check(z.positive()), 1),
  parts: z._default(z.int().check(z.positive()), 1),
  requestedAt: z.string(),
});
export type ScaleRequested = z.infer<typeof scaleRequestedSchema>;

export const notifyChannelSchema = z.enum(CHANNELS);
export type { NotifyChannel };

/** One alert a notify request carries, with its decision and its own action id (per decision and channel config). */
export const notifyMemberSchema = z.object({
  decisionId: z.string(),
  actionId: z.string(),
  alert: alertSchema,
});
export type NotifyMember = z.infer<typeof notifyMemberSchema>;

/**
 * detail of `Notify Requested`: one per receiver channel config and
 * Alertmanager group notification per router batch (an escalation's, per
 * scale request), listing its alerts. Grouped channels send it as one
 * message; PagerDuty sends one event per alert.
 */
export const notifyRequestedSchema = z.object({
  actionId: z.string(),
  receiver: z.string(),
  channel: notifyChannelSchema,
  /** Index of the config within the receiver's `<channel>_configs`. */
  configIndex: z.int().check(z.nonnegative()),
  /** Why: a routed alert, or an escalation after remediation failed. */
  reason: z._default(z.enum(['routed', 'escalation']), 'routed'),
  group: groupRefSchema,
  decisionIds: z.array(z.string()).check(z.minLength(1)),
  alerts: z.array(notifyMemberSchema).check(z.minLength(1)),
  part: z._default(z.int().check(z.positive()), 1),
  parts: z._default(z.int().check(z.positive()), 1),
  requestedAt: z.string(),
});
export type NotifyRequested = z.infer<typeof notifyRequestedSchema>;

export const scalingOutcomeSchema = z.enum([
  'scaled',
  'clamped',
  'at-target',
  'cooldown',
  'rate-limited',
  'paused',
  'dry-run',
  'backed-off',
  'fallback',
  'expired',
  /** Targeted scale-in only: the named instance cannot be removed (not in the group, not in service, protected, terminating, or not named). */
  'refused',
  'failed',
]);
export type ScalingOutcome = z.infer<typeof scalingOutcomeSchema>;

/** detail of `Scaling Action`: what the scaler did with one request, or why it did not; once per request. */
export const scalingActionEventSchema = z.object({
  actionId: z.string(),
  nodeGroup: z.string(),
  asgName: z.string(),
  from: z.nullable(z.int()),
  to: z.nullable(z.int()),
  reason: z.string(),
  outcome: scalingOutcomeSchema,
  decisionIds: z.array(z.string()),
  requestedAt: z.string(),
  at: z.string(),
  /** Targeted scale-in: the instance this action removed (or would have, or refused to). */
  instanceId: z.optional(z.string()),
  /** Targeted scale-in: the node name the alert gave, when it named the node that way. */
  nodeName: z.optional(z.string()),
});
export type ScalingActionEvent = z.infer<typeof scalingActionEventSchema>;

export const notificationOutcomeSchema = z.enum(['sent', 'failed', 'skipped']);

/** What one alert's send came to, within a `Notification Sent`. */
export const sendOutcomeSchema = z.object({
  decisionId: z.string(),
  actionId: z.string(),
  dedupKey: z.string(),
  outcome: notificationOutcomeSchema,
  reason: z.optional(z.string()),
  attempts: z.int().check(z.nonnegative()),
});

/**
 * detail of `Notification Sent`: what became of one notify request, per
 * alert; `outcome` is `failed` if any failed, else `sent` if any went out, else `skipped`.
 */
export const notificationSentSchema = z.object({
  actionId: z.string(),
  receiver: z.string(),
  channel: notifyChannelSchema,
  reason: z._default(z.enum(['routed', 'escalation']), 'routed'),
  outcome: notificationOutcomeSchema,
  decisionIds: z.array(z.string()),
  sends: z.array(sendOutcomeSchema),
  at: z.string(),
});
export type NotificationSent = z.infer<typeof notificationSentSchema>;

/**
 * Which stage may put which detail-types on the bus: the stack conditions each
 * function's `events:PutEvents` on exactly these, so no stage can do more than
 * its job (ingest cannot put `Scale Requested`).
 */
export const PUBLISHED_BY = {
  ingest: [DetailType.Notification],
  router: [DetailType.AlertDecided, DetailType.ScaleRequested, DetailType.NotifyRequested],
  /** Its outcome; a capacity fallback's request; an escalation's pages. */
  scaler: [DetailType.ScalingAction, DetailType.ScaleRequested, DetailType.NotifyRequested],
  notifier: [DetailType.NotificationSent],
  /** The request to drain; a drain nobody confirmed, timed out. */
  drain: [DetailType.DrainRequested, DetailType.DrainCompleted],
  /** A drain the control plane confirmed. */
  drainCallback: [DetailType.DrainCompleted],
} as const satisfies Record<string, readonly DetailType[]>;
export type Publisher = keyof typeof PUBLISHED_BY;

/** Every detail-type with its schema: used to validate what we put and to generate docs/schemas. */
export const detailSchemas = {
  [DetailType.Notification]: notificationEventSchema,
  [DetailType.AlertDecided]: alertDecidedSchema,
  [DetailType.ScaleRequested]: scaleRequestedSchema,
  [DetailType.NotifyRequested]: notifyRequestedSchema,
  [DetailType.ScalingAction]: scalingActionEventSchema,
  [DetailType.NotificationSent]: notificationSentSchema,
  [DetailType.DrainRequested]: drainRequestedSchema,
  [DetailType.DrainCompleted]: drainCompletedSchema,
} as const;

/** An event to put on the bus. The adapter adds source, time and id. */
export interface BusEvent<T = unknown> {
  readonly detailType: DetailType;
  readonly detail: T;
}

/**
 * EventBridge event patterns, defined once and used twice: by the CDK rules in
 * `lib/` and by the in-process bus of local mode, which evaluates them with the
 * same semantics (see `lambdas/local/emulators/event-pattern.ts`).
 */
export type EventPattern = { readonly [key: string]: EventPattern | readonly unknown[] };

export const patterns = {
  /** Every notification accepted at ingest: the router's input. */
  notifications: { source: [EVENT_SOURCE], 'detail-type': [DetailType.Notification] },
  /**
   * What the bus archive keeps: the notifications only. Everything else on the
   * bus is derived from them, so they are the whole history (what
   * `alertscale replay` and an EventBridge replay to the router need), and an
   * archive of derived events would be a hazard: replaying `Notify Requested`
   * pages people again. About a third of the bytes of archiving every event.
   */
  archived: { source: [EVENT_SOURCE], 'detail-type': [DetailType.Notification] },
  /** Scale requests for one node group: one rule (and FIFO message group) per node group. */
  scaleRequested: (nodeGroup: string): EventPattern => ({
    source: [EVENT_SOURCE],
    'detail-type': [DetailType.ScaleRequested],
    detail: { nodeGroup: [nodeGroup] },
  }),
  /** Notification requests: the notifier's input. */
  notifyRequested: { source: [EVENT_SOURCE], 'detail-type': [DetailType.NotifyRequested] },
  /** Auto Scaling's own report that an instance of one of the configured groups could not launch (default bus). */
  launchUnsuccessful: (asgNames: readonly string[]): EventPattern => ({
    source: ['aws.autoscaling'],
    'detail-type': ['EC2 Instance Launch Unsuccessful'],
    detail: { AutoScalingGroupName: [...asgNames] },
  }),
  /** An instance of a drained group waits in `Terminating:Wait` on alertscale's own hook (default bus). */
  terminateLifecycleAction: (asgNames: readonly string[], hookName: string): EventPattern => ({
    source: ['aws.autoscaling'],
    'detail-type': ['EC2 Instance-terminate Lifecycle Action'],
    detail: { AutoScalingGroupName: [...asgNames], LifecycleHookName: [hookName], LifecycleTransition: ['autoscaling:EC2_INSTANCE_TERMINATING'] },
  }),
  /** An instance of a drained group has terminated (default bus): a drain nobody confirmed timed out. */
  instanceTerminated: (asgNames: readonly string[]): EventPattern => ({
    source: ['aws.autoscaling'],
    'detail-type': ['EC2 Instance Terminate Successful'],
    detail: { AutoScalingGroupName: [...asgNames] },
  }),
} as const satisfies Record<string, EventPattern | ((...args: never[]) => EventPattern)>;
