import * as z from 'zod/mini';
import { labelSetSchema } from './alertmanager';
import { CHANNELS, type NotifyChannel } from './channels';

/**
 * The public event contract of alertscale: every event it puts on its bus has
 * `source: "alertscale"` and one of these detail-types. Other teams subscribe
 * to them with their own EventBridge rules, so names and fields only ever grow.
 * JSON Schemas generated from these zod schemas live in `docs/schemas/`.
 */
export const EVENT_SOURCE = 'alertscale';

export const DetailType = {
  Alert: 'Alertmanager Alert',
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

/** The Alertmanager group notification an alert arrived in. */
export const alertGroupSchema = z.looseObject({
  receiver: z.string(),
  status: z.enum(['firing', 'resolved']),
  groupKey: z.string(),
  groupLabels: labelSetSchema,
  externalURL: z.string(),
  truncatedAlerts: z.number(),
  /** How many alerts the notification held; lets a notifier say "3 of 12". */
  size: z.int().check(z.positive()),
  /** Unique per webhook delivery; shared by every alert of that delivery. */
  notificationId: z.string(),
});
export type AlertGroup = z.infer<typeof alertGroupSchema>;

/** detail of `Alertmanager Alert`: one per alert in every accepted webhook. */
export const alertEventSchema = z.looseObject({
  alert: alertSchema,
  group: alertGroupSchema,
  receivedAt: z.string(),
});
export type AlertEvent = z.infer<typeof alertEventSchema>;

/** A scale step as the router asks for it. Exactly one of `change` and `set`. */
export const scaleActionSchema = z.object({
  kind: z.literal('scale'),
  /** Unique per decision and step: the idempotency key of the scaling call. */
  actionId: z.string(),
  receiver: z.string(),
  /** Which of the receiver's `scale_configs` asked (its escalation settings). */
  configIndex: z.int().check(z.nonnegative()),
  nodeGroup: z.string(),
  change: z.optional(z.int()),
  set: z.optional(z.int().check(z.nonnegative())),
  cooldownSeconds: z.number().check(z.nonnegative()),
  dryRun: z.boolean(),
  /** 1 for the first step of an occurrence; higher when a still-firing alert steps again. */
  step: z.int().check(z.positive()),
  /** Set when this request is a capacity fallback from another node group. */
  fallbackFrom: z.optional(z.string()),
});
export type ScaleAction = z.infer<typeof scaleActionSchema>;

export const notifyChannelSchema = z.enum(CHANNELS);
export type { NotifyChannel };

/** A notification as the router asks for it: one receiver's one channel config. */
export const notifyActionSchema = z.object({
  kind: z.literal('notify'),
  actionId: z.string(),
  receiver: z.string(),
  channel: notifyChannelSchema,
  /** Index of the config within the receiver's `<channel>_configs`. */
  configIndex: z.int().check(z.nonnegative()),
  /** Why the router asked: a routed alert, or an escalation after remediation failed. */
  reason: z._default(z.enum(['routed', 'escalation']), 'routed'),
});
export type NotifyAction = z.infer<typeof notifyActionSchema>;

const groupRefSchema = z.object({
  groupKey: z.string(),
  notificationId: z.string(),
  size: z.int().check(z.positive()),
  externalURL: z.string(),
  truncatedAlerts: z.number(),
});

/** detail of `Scale Requested`. */
export const scaleRequestedSchema = z.object({
  decisionId: z.string(),
  alert: alertSchema,
  group: groupRefSchema,
  action: scaleActionSchema,
  requestedAt: z.string(),
});
export type ScaleRequested = z.infer<typeof scaleRequestedSchema>;

/** detail of `Notify Requested`. */
export const notifyRequestedSchema = z.object({
  decisionId: z.string(),
  alert: alertSchema,
  group: groupRefSchema,
  action: notifyActionSchema,
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
  'failed',
]);
export type ScalingOutcome = z.infer<typeof scalingOutcomeSchema>;

/** detail of `Scaling Action`: what the scaler did with one request, or why it did not. */
export const scalingActionEventSchema = z.object({
  decisionId: z.string(),
  actionId: z.string(),
  nodeGroup: z.string(),
  asgName: z.string(),
  from: z.nullable(z.int()),
  to: z.nullable(z.int()),
  reason: z.string(),
  outcome: scalingOutcomeSchema,
  alert: z.pick(alertSchema, { status: true, labels: true, fingerprint: true, startsAt: true }),
  at: z.string(),
});
export type ScalingActionEvent = z.infer<typeof scalingActionEventSchema>;

export const notificationOutcomeSchema = z.enum(['sent', 'failed', 'skipped']);

/** detail of `Notification Sent`: a delivery to one channel, delivered or given up. */
export const notificationSentSchema = z.object({
  decisionId: z.string(),
  actionId: z.string(),
  receiver: z.string(),
  channel: notifyChannelSchema,
  dedupKey: z.string(),
  outcome: notificationOutcomeSchema,
  reason: z.optional(z.string()),
  attempts: z.int().check(z.nonnegative()),
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
  drain: [DetailType.DrainRequested, DetailType.DrainCompleted],
} as const satisfies Record<string, readonly DetailType[]>;
export type Publisher = keyof typeof PUBLISHED_BY;

/** Every detail-type with its schema: used to validate what we put and to generate docs/schemas. */
export const detailSchemas = {
  [DetailType.Alert]: alertEventSchema,
  [DetailType.ScaleRequested]: scaleRequestedSchema,
  [DetailType.NotifyRequested]: notifyRequestedSchema,
  [DetailType.ScalingAction]: scalingActionEventSchema,
  [DetailType.NotificationSent]: notificationSentSchema,
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
  /** Every alert accepted at ingest: the router's input. */
  alerts: { source: [EVENT_SOURCE], 'detail-type': [DetailType.Alert] },
  /** Every notification accepted at ingest: the router's input (v2). */
  notifications: { source: [EVENT_SOURCE], 'detail-type': [DetailType.Notification] },
  /** Scale requests for one node group: one rule (and FIFO message group) per node group. */
  scaleRequested: (nodeGroup: string): EventPattern => ({
    source: [EVENT_SOURCE],
    'detail-type': [DetailType.ScaleRequested],
    detail: { action: { nodeGroup: [nodeGroup] } },
  }),
  /** Notification requests: the notifier's input. */
  notifyRequested: { source: [EVENT_SOURCE], 'detail-type': [DetailType.NotifyRequested] },
  /** Auto Scaling's own report that an instance of one of the configured groups could not launch (default bus). */
  launchUnsuccessful: (asgNames: readonly string[]): EventPattern => ({
    source: ['aws.autoscaling'],
    'detail-type': ['EC2 Instance Launch Unsuccessful'],
    detail: { AutoScalingGroupName: [...asgNames] },
  }),
} as const satisfies Record<string, EventPattern | ((arg: never) => EventPattern)>;
