import { z } from 'zod';
import { parseMatchers } from '../routing/matchers';
import { durationSchema } from './duration';
import { checkTimeIntervalNames, mergeTimeIntervals, namedTimeIntervalListSchema } from './time-intervals';

/**
 * The alertscale configuration file, as one zod schema: used by `cdk synth`,
 * by local mode at start-up and by `alertscale check`. Unknown keys are
 * errors; Alertmanager's own route keys that mean nothing here yet are
 * accepted with a warning (see `IGNORED_ROUTE_KEYS`), so that a real
 * alertmanager.yml route tree can be pasted in as it is.
 */

const name = z.string().min(1, { message: 'must not be empty' });

/** Route keys Alertmanager has that alertscale accepts and ignores, with a warning. */
export const IGNORED_ROUTE_KEYS = [
  'group_by',
  'group_wait',
  'group_interval',
  'repeat_interval',
] as const;

const matcherString = z.string().superRefine((text, ctx) => {
  try {
    parseMatchers(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `bad matcher ${JSON.stringify(text)}: ${(error as Error).message}` });
  }
});

export interface RouteConfig {
  receiver?: string | undefined;
  matchers?: string[] | undefined;
  match?: Record<string, string> | undefined;
  match_re?: Record<string, string> | undefined;
  continue: boolean;
  routes?: RouteConfig[] | undefined;
  group_by?: unknown;
  group_wait?: unknown;
  group_interval?: unknown;
  repeat_interval?: unknown;
  /** Names of top-level time intervals; not inherited by child routes, as in Alertmanager. */
  mute_time_intervals?: string[] | undefined;
  active_time_intervals?: string[] | undefined;
}

/** A list of time interval names; left empty in YAML (`mute_time_intervals:`), it is none. */
const intervalNames = z
  .array(z.string())
  .nullish()
  .transform((names) => names ?? undefined);

/** One node of Alertmanager's route tree, with Alertmanager's keys. */
export const routeSchema: z.ZodType<RouteConfig, unknown> = z.lazy(() =>
  z.strictObject({
    receiver: name.optional(),
    matchers: z.array(matcherString).optional(),
    match: z.record(z.string(), z.string()).optional(),
    match_re: z.record(z.string(), z.string()).optional(),
    continue: z.boolean().default(false),
    routes: z.array(routeSchema).optional(),
    group_by: z.unknown().optional(),
    group_wait: z.unknown().optional(),
    group_interval: z.unknown().optional(),
    repeat_interval: z.unknown().optional(),
    mute_time_intervals: intervalNames,
    active_time_intervals: intervalNames,
  }),
);

const sendResolved = (fallback: boolean) => z.boolean().default(fallback);

/**
 * A secret given one of three ways, as Alertmanager has them plus one: inline
 * (`<key>`), from a file (`<key>_file`), or by Secrets Manager name on AWS
 * (`<key>_secret`). At most one may be set.
 */
function oneSource<Shape extends z.ZodRawShape>(key: string, shape: Shape, required: boolean) {
  const keys = [key, `${key}_file`, `${key}_secret`];
  return z.strictObject(shape).superRefine((value, ctx) => {
    const given = keys.filter((k) => (value as Record<string, unknown>)[k] !== undefined);
    if (given.length > 1) {
      ctx.addIssue({ code: 'custom', message: `set only one of ${keys.join(', ')}; got ${given.join(' and ')}` });
    } else if (required && given.length === 0) {
      ctx.addIssue({ code: 'custom', message: `set one of ${keys.join(', ')}` });
    }
  });
}

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

export const pagerdutyConfigSchema = oneSource(
  'routing_key',
  {
    routing_key: z.string().min(1).optional(),
    routing_key_file: z.string().min(1).optional(),
    routing_key_secret: z.string().min(1).optional(),
    url: z.url().default(PAGERDUTY_EVENTS_URL),
    send_resolved: sendResolved(true),
    /** Used when the alert has no recognised `severity` label. */
    severity: z.enum(['critical', 'error', 'warning', 'info']).default('error'),
    client: z.string().default('alertscale'),
    client_url: z.string().optional(),
    timeout: durationSchema.default(10_000),
  },
  false,
);

export const slackConfigSchema = oneSource(
  'api_url',
  {
    api_url: z.url().optional(),
    api_url_file: z.string().min(1).optional(),
    api_url_secret: z.string().min(1).optional(),
    channel: z.string().optional(),
    send_resolved: sendResolved(false),
    /** Alerts listed in one message before "and N more". */
    max_alerts: z.number().int().positive().default(10),
    timeout: durationSchema.default(10_000),
  },
  false,
);

export const snsConfigSchema = z.strictObject({
  /** @default - the topic the stack creates */
  topic_arn: z.string().optional(),
  subject: z.string().optional(),
  send_resolved: sendResolved(true),
});

export const webhookConfigSchema = oneSource(
  'signing_key',
  {
    url: z.url(),
    signing_key: z.string().min(1).optional(),
    signing_key_file: z.string().min(1).optional(),
    signing_key_secret: z.string().min(1).optional(),
    send_resolved: sendResolved(true),
    /** Alerts listed in one request; 0 means all, as in Alertmanager. */
    max_alerts: z.number().int().nonnegative().default(0),
    timeout: durationSchema.default(10_000),
  },
  false,
);

export const scaleConfigSchema = z
  .strictObject({
    node_group: name.optional(),
    node_group_label: name.optional(),
    change: z.number().int().refine((n) => n !== 0, { message: 'must not be 0' }).optional(),
    set: z.number().int().nonnegative().optional(),
    /** Which alert status acts: scale up on firing, scale down on resolve, … */
    on: z.enum(['firing', 'resolved']).default('firing'),
    cooldown: durationSchema.default(300_000),
    dry_run: z.boolean().optional(),
    /** Page `escalate_to` when the alert still fires this long after the group hit its max, or scaling failed. */
    escalate_after: durationSchema.optional(),
    escalate_to: name.optional(),
  })
  .superRefine((value, ctx) => {
    if ((value.node_group === undefined) === (value.node_group_label === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'set exactly one of node_group and node_group_label' });
    }
    if ((value.change === undefined) === (value.set === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'set exactly one of change and set' });
    }
    if ((value.escalate_after === undefined) !== (value.escalate_to === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'escalate_after and escalate_to go together' });
    }
  });

export const receiverSchema = z.strictObject({
  name,
  scale_configs: z.array(scaleConfigSchema).default([]),
  pagerduty_configs: z.array(pagerdutyConfigSchema).default([]),
  slack_configs: z.array(slackConfigSchema).default([]),
  sns_configs: z.array(snsConfigSchema).default([]),
  webhook_configs: z.array(webhookConfigSchema).default([]),
});

export const rateLimitSchema = z.strictObject({
  window: durationSchema,
  max_actions: z.number().int().positive(),
});

export const nodeGroupSchema = z
  .strictObject({
    name,
    asg_name: name,
    min: z.number().int().nonnegative(),
    max: z.number().int().nonnegative(),
    fallback: z.array(name).default([]),
    /** Caps on scaling actions over sliding windows, besides cooldowns. */
    rate_limits: z.array(rateLimitSchema).default([
      { window: 3_600_000, max_actions: 3 },
      { window: 86_400_000, max_actions: 10 },
    ]),
    /** How long a group that could not get capacity is skipped. */
    capacity_backoff: durationSchema.default(600_000),
    local: z
      .strictObject({
        desired: z.number().int().nonnegative(),
        /** Simulated time for a new node to come up. */
        boot_delay: durationSchema.default(0),
        /** Simulate a group AWS cannot find capacity for. */
        refuse_capacity: z.boolean().default(false),
      })
      .optional(),
  })
  .superRefine((value, ctx) => {
    if (value.min > value.max) {
      ctx.addIssue({ code: 'custom', path: ['min'], message: `min ${value.min} is above max ${value.max}` });
    }
    if (value.fallback.includes(value.name)) {
      ctx.addIssue({ code: 'custom', path: ['fallback'], message: `a node group cannot fall back to itself` });
    }
  });

export const settingsSchema = z.strictObject({
  /** Record what scaling would do, never call Auto Scaling. */
  dry_run: z.boolean().default(false),
  /** How long decision records are kept. */
  decision_ttl: durationSchema.default(30 * 86_400_000),
  /**
   * A scale request older than this (by its `requestedAt`) is never applied: it is
   * recorded as `expired`. The stack also expires queued requests older than this.
   */
  max_action_age: durationSchema.default(600_000),
});

export const configSchema = z
  .strictObject({
    settings: settingsSchema.default({ dry_run: false, decision_ttl: 30 * 86_400_000, max_action_age: 600_000 }),
    node_groups: z.array(nodeGroupSchema).default([]),
    route: routeSchema.refine((route) => route.receiver !== undefined, {
      message: 'the root route needs a receiver',
      path: ['receiver'],
    }),
    receivers: z.array(receiverSchema).min(1, { message: 'define at least one receiver' }),
    time_intervals: namedTimeIntervalListSchema('time interval'),
    mute_time_intervals: namedTimeIntervalListSchema('mute time interval'),
  })
  .superRefine((config, ctx) => {
    checkTimeIntervalNames(config, ctx);
    const receiverNames = new Set<string>();
    config.receivers.forEach((receiver, i) => {
      if (receiverNames.has(receiver.name)) {
        ctx.addIssue({ code: 'custom', path: ['receivers', i, 'name'], message: `receiver "${receiver.name}" is defined twice` });
      }
      receiverNames.add(receiver.name);
    });
    const groupNames = new Set<string>();
    config.node_groups.forEach((group, i) => {
      if (groupNames.has(group.name)) {
        ctx.addIssue({ code: 'custom', path: ['node_groups', i, 'name'], message: `node group "${group.name}" is defined twice` });
      }
      groupNames.add(group.name);
    });
    config.node_groups.forEach((group, i) =>
      group.fallback.forEach((fallback, j) => {
        if (!groupNames.has(fallback)) {
          ctx.addIssue({ code: 'custom', path: ['node_groups', i, 'fallback', j], message: `no node group named "${fallback}"` });
        }
      }),
    );
    const checkRoute = (route: RouteConfig, path: (string | number)[]) => {
      if (route.receiver !== undefined && !receiverNames.has(route.receiver)) {
        ctx.addIssue({ code: 'custom', path: [...path, 'receiver'], message: `no receiver named "${route.receiver}"` });
      }
      route.routes?.forEach((child, i) => checkRoute(child, [...path, 'routes', i]));
    };
    checkRoute(config.route, ['route']);
    config.receivers.forEach((receiver, i) =>
      receiver.scale_configs.forEach((scale, j) => {
        const at = ['receivers', i, 'scale_configs', j];
        if (scale.node_group !== undefined && !groupNames.has(scale.node_group)) {
          ctx.addIssue({ code: 'custom', path: [...at, 'node_group'], message: `no node group named "${scale.node_group}"` });
        }
        if (scale.escalate_to !== undefined && !receiverNames.has(scale.escalate_to)) {
          ctx.addIssue({ code: 'custom', path: [...at, 'escalate_to'], message: `no receiver named "${scale.escalate_to}"` });
        }
      }),
    );
  })
  .transform(mergeTimeIntervals);

/** A validated configuration; `time_intervals` holds the parsed entries of both top-level interval lists. */
export type Config = z.infer<typeof configSchema>;
export type NodeGroupConfig = Config['node_groups'][number];
export type ReceiverConfig = Config['receivers'][number];
export type ScaleConfig = ReceiverConfig['scale_configs'][number];
export type PagerdutyConfig = ReceiverConfig['pagerduty_configs'][number];
export type SlackConfig = ReceiverConfig['slack_configs'][number];
export type SnsConfig = ReceiverConfig['sns_configs'][number];
export type WebhookConfig = ReceiverConfig['webhook_configs'][number];
