import { z } from 'zod';
import { durationSchema } from './duration';
import { list } from './empty';

/**
 * A receiver and its channel configs (`scale_configs`, `pagerduty_configs`,
 * `slack_configs`, `sns_configs`, `webhook_configs`), with Alertmanager's
 * option names so that a receiver can be moved across by copy and paste.
 */

const name = z.string().min(1, { message: 'must not be empty' });

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
  scale_configs: list(scaleConfigSchema).default([]),
  pagerduty_configs: list(pagerdutyConfigSchema).default([]),
  slack_configs: list(slackConfigSchema).default([]),
  sns_configs: list(snsConfigSchema).default([]),
  webhook_configs: list(webhookConfigSchema).default([]),
});

