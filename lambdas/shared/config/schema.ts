import { z } from 'zod';
import { parseMatchers } from '../routing/matchers';
import { durationSchema } from './duration';
import { list, map, nullMeansAbsent, nullMeansEmpty } from './empty';
import { budgetSchema, checkNodeGroups, nodeGroupSchema } from './node-groups';
import { receiverSchema } from './receivers';
import { checkTimeIntervalNames, mergeTimeIntervals, namedTimeIntervalListSchema } from './time-intervals';
import { alertmanagerTopLevelShape, withAlertmanagerKeysResolved } from './top-level';

/**
 * The alertscale configuration file, as one zod schema: used by `cdk synth`,
 * by local mode at start-up and by `alertscale check`. Unknown keys are
 * errors; every key of an alertmanager.yml is accepted — honoured, or
 * ignored with a warning (route keys in `IGNORED_ROUTE_KEYS`, the rest in
 * `alertmanager-keys.ts`) — so that a whole alertmanager.yml can be pasted
 * in as it is. Receivers and their channels are in `receivers.ts`.
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
    matchers: list(matcherString).optional(),
    match: map(z.string()).optional(),
    match_re: map(z.string()).optional(),
    continue: z.boolean().default(false),
    routes: list(routeSchema).optional(),
    group_by: z.unknown().optional(),
    group_wait: z.unknown().optional(),
    group_interval: z.unknown().optional(),
    repeat_interval: z.unknown().optional(),
    mute_time_intervals: intervalNames,
    active_time_intervals: intervalNames,
  }),
);

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
  /** Caps over the whole fleet, all node groups together. @default - none */
  budget: nullMeansAbsent(budgetSchema).optional(),
});

export const configSchema = z
  .strictObject({
    ...alertmanagerTopLevelShape,
    settings: nullMeansEmpty(settingsSchema, () => ({})).default({ dry_run: false, decision_ttl: 30 * 86_400_000, max_action_age: 600_000 }),
    node_groups: list(nodeGroupSchema).default([]),
    route: routeSchema.refine((route) => route.receiver !== undefined, {
      message: 'the root route needs a receiver',
      path: ['receiver'],
    }),
    receivers: nullMeansEmpty(z.array(receiverSchema).min(1, { message: 'define at least one receiver' }), () => []),
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
    checkNodeGroups(config, groupNames, ctx);
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
  // Last, so that the checks above see the configuration as written, and readers see one list of
  // time intervals and the receivers with global's defaults applied.
  .transform((config) => withAlertmanagerKeysResolved(mergeTimeIntervals(config)));

/** A validated configuration; `time_intervals` holds the parsed entries of both top-level interval lists. */
export type Config = z.infer<typeof configSchema>;
export type NodeGroupConfig = Config['node_groups'][number];
export type ReceiverConfig = Config['receivers'][number];
export type ScaleConfig = ReceiverConfig['scale_configs'][number];
export type PagerdutyConfig = ReceiverConfig['pagerduty_configs'][number];
export type SlackConfig = ReceiverConfig['slack_configs'][number];
export type SnsConfig = ReceiverConfig['sns_configs'][number];
export type WebhookConfig = ReceiverConfig['webhook_configs'][number];
export type { HttpClientConfig } from './http-config';
export type { UnsupportedChannelConfigs } from './receivers';
