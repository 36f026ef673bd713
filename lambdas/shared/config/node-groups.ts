import { z } from 'zod';
import { durationSchema, formatDuration } from './duration';
import { list, nullMeansAbsent } from './empty';

/**
 * The node groups of the configuration: each an EC2 Auto Scaling group with
 * its guardrails (min, max, rate limits), the schedules that change them
 * with the time of day, budgets in nodes and money, capacity fallbacks, the
 * drain before termination, and how local mode simulates it.
 */

const name = z.string().min(1, { message: 'must not be empty' });
const count = z.number().int().nonnegative();

export const rateLimitSchema = z.strictObject({
  window: durationSchema,
  max_actions: z.number().int().positive(),
});

/** Caps in nodes and in money (per hour, in the unit `hourly_cost` is in); each key optional. */
export const budgetSchema = z
  .strictObject({
    max_nodes: count.optional(),
    max_hourly_cost: z.number().nonnegative().optional(),
  })
  .refine((budget) => budget.max_nodes !== undefined || budget.max_hourly_cost !== undefined, { message: 'set max_nodes, max_hourly_cost or both' });
export type BudgetConfig = z.infer<typeof budgetSchema>;

/**
 * Guardrails that replace the group's min and/or max while any of their time
 * intervals holds; the first schedule that holds wins.
 */
export const scheduleSchema = z
  .strictObject({
    time_intervals: z.array(name).min(1, { message: 'name at least one time interval' }),
    min: count.optional(),
    max: count.optional(),
  })
  .superRefine((schedule, ctx) => {
    if (schedule.min === undefined && schedule.max === undefined) ctx.addIssue({ code: 'custom', message: 'set min, max or both' });
    if (schedule.min !== undefined && schedule.max !== undefined && schedule.min > schedule.max) {
      ctx.addIssue({ code: 'custom', path: ['min'], message: `min ${schedule.min} is above max ${schedule.max}` });
    }
  });
export type ScheduleConfig = z.infer<typeof scheduleSchema>;

/** What an Auto Scaling lifecycle hook's `HeartbeatTimeout` allows, in ms: 30 s to 2 h, in whole seconds. */
export const DRAIN_TIMEOUT_BOUNDS = { min: 30_000, max: 7_200_000 } as const;

/**
 * Drain before termination: a termination lifecycle hook on the group's ASG
 * holds every instance Auto Scaling terminates (ours, anyone's, a rebalance)
 * until `receiver`'s webhooks confirm it was drained, or `timeout` passes.
 */
export const drainSchema = z.strictObject({
  /** The receiver whose `webhook_configs` get the signed "drain requested". */
  receiver: name,
  /** How long an instance waits for the confirmation before its termination continues (the hook's heartbeat timeout). */
  timeout: durationSchema
    .superRefine((ms, ctx) => {
      if (ms % 1000 !== 0) ctx.addIssue({ code: 'custom', message: `must be a whole number of seconds (got ${formatDuration(ms)}): it becomes the lifecycle hook's HeartbeatTimeout` });
      else if (ms < DRAIN_TIMEOUT_BOUNDS.min || ms > DRAIN_TIMEOUT_BOUNDS.max) {
        ctx.addIssue({ code: 'custom', message: `must be from 30s to 2h, the range of an Auto Scaling lifecycle hook's heartbeat timeout (got ${formatDuration(ms)})` });
      }
    })
    .default(600_000),
});
export type DrainConfig = z.infer<typeof drainSchema>;

export const nodeGroupSchema = z
  .strictObject({
    name,
    asg_name: name,
    min: count,
    max: count,
    fallback: list(name).default([]),
    /** Caps on scaling actions over sliding windows, besides cooldowns. */
    rate_limits: list(rateLimitSchema).default([
      { window: 3_600_000, max_actions: 3 },
      { window: 86_400_000, max_actions: 10 },
    ]),
    /** How long a group that could not get capacity is skipped. */
    capacity_backoff: durationSchema.default(600_000),
    /** What one node costs per hour, in your own unit: needed only for cost budgets. */
    hourly_cost: z.number().nonnegative().optional(),
    schedules: list(scheduleSchema).default([]),
    /** Caps on this group alone. @default - none */
    budget: nullMeansAbsent(budgetSchema).optional(),
    /** Ask the control plane to drain every instance before it terminates. @default - none: instances terminate at once */
    drain: nullMeansAbsent(drainSchema).optional(),
    local: z
      .strictObject({
        desired: count,
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
    if (value.budget?.max_hourly_cost !== undefined && value.hourly_cost === undefined) {
      ctx.addIssue({ code: 'custom', path: ['budget', 'max_hourly_cost'], message: 'a cost budget needs the group\'s hourly_cost (what one node costs per hour)' });
    }
  });
export type NodeGroupConfig = z.infer<typeof nodeGroupSchema>;

/** A receiver as far as a drain needs it: its webhooks and whether each can sign. */
interface DrainReceiver {
  readonly name: string;
  readonly webhook_configs: readonly { readonly signing_key?: string | undefined; readonly signing_key_file?: string | undefined; readonly signing_key_secret?: string | undefined }[];
}

interface NodeGroupsInConfig {
  readonly node_groups: readonly NodeGroupConfig[];
  readonly settings: { readonly budget?: BudgetConfig | undefined };
  readonly time_intervals?: readonly { readonly name: string }[] | undefined;
  readonly mute_time_intervals?: readonly { readonly name: string }[] | undefined;
  readonly receivers: readonly DrainReceiver[];
}

/**
 * What the node groups' schema alone cannot check: fallbacks and schedules
 * naming what exists, a fleet cost budget's groups all having a cost, and a
 * drain's receiver able to send signed drain requests.
 */
export function checkNodeGroups(config: NodeGroupsInConfig, groupNames: ReadonlySet<string>, ctx: z.RefinementCtx): void {
  const intervals = new Set([...(config.time_intervals ?? []), ...(config.mute_time_intervals ?? [])].map((interval) => interval.name));
  config.node_groups.forEach((group, i) => {
    group.fallback.forEach((fallback, j) => {
      if (!groupNames.has(fallback)) ctx.addIssue({ code: 'custom', path: ['node_groups', i, 'fallback', j], message: `no node group named "${fallback}"` });
    });
    group.schedules.forEach((schedule, j) =>
      schedule.time_intervals.forEach((interval, k) => {
        if (!intervals.has(interval)) {
          ctx.addIssue({ code: 'custom', path: ['node_groups', i, 'schedules', j, 'time_intervals', k], message: `undefined time interval ${JSON.stringify(interval)} used in a schedule` });
        }
      }),
    );
    if (config.settings.budget?.max_hourly_cost !== undefined && group.hourly_cost === undefined) {
      ctx.addIssue({ code: 'custom', path: ['node_groups', i, 'hourly_cost'], message: 'settings.budget.max_hourly_cost needs every node group\'s hourly_cost' });
    }
    if (group.drain) checkDrainReceiver(group.drain.receiver, config.receivers, ['node_groups', i, 'drain', 'receiver'], ctx);
  });
}

/**
 * A drain's receiver must exist and have webhooks, each with a signing key:
 * the control plane drains a node on its word, so it must be able to tell a
 * drain request is alertscale's.
 */
function checkDrainReceiver(name: string, receivers: readonly DrainReceiver[], path: (string | number)[], ctx: z.RefinementCtx): void {
  const receiver = receivers.find((candidate) => candidate.name === name);
  if (!receiver) {
    ctx.addIssue({ code: 'custom', path, message: `no receiver named "${name}"` });
    return;
  }
  if (receiver.webhook_configs.length === 0) {
    ctx.addIssue({ code: 'custom', path, message: `receiver "${name}" has no webhook_configs to send drain requests to` });
    return;
  }
  receiver.webhook_configs.forEach((webhook, j) => {
    if (webhook.signing_key === undefined && webhook.signing_key_file === undefined && webhook.signing_key_secret === undefined) {
      ctx.addIssue({
        code: 'custom',
        path,
        message: `receiver "${name}" webhook_configs[${j}] has no signing key (signing_key, signing_key_file or signing_key_secret): drain requests are always signed`,
      });
    }
  });
}
