import { z } from 'zod';
import {
  PAGERDUTY_IGNORED,
  RECEIVER_IGNORED,
  SLACK_IGNORED,
  SNS_IGNORED,
  UNSUPPORTED_CHANNELS,
  WEBHOOK_IGNORED,
  type UnsupportedChannel,
} from './alertmanager-keys';
import { durationSchema } from './duration';
import { list, nullMeansAbsent } from './empty';
import { httpConfigSchema } from './http-config';
import { atMostOne, ignoredShape, literal, withoutKeys } from './key-rules';
import { scaleConfigSchema } from './scale-config';

/**
 * A receiver and its channel configs, with every key Alertmanager has for
 * the channels alertscale sends to: each is honoured (a field below) or
 * accepted and ignored (`alertmanager-keys.ts`, with a warning), so a
 * receiver can be moved across by copy and paste. Values `global` supplies
 * (PagerDuty `url`, Slack `api_url`, `http_config`) are filled in by the
 * configuration schema once `global` is read; see `global.ts`.
 */

const name = z.string().min(1, { message: 'must not be empty' });
const text = z.string().min(1, { message: 'must not be empty' });
const sendResolved = (fallback: boolean) => z.boolean().default(fallback);

/** alertscale's bound on one send. Alertmanager's `0s` ("no timeout") keeps it too: a send must end within the function's run. */
export const DEFAULT_TIMEOUT_MS = 10_000;
const timeout = durationSchema.transform((ms) => (ms === 0 ? DEFAULT_TIMEOUT_MS : ms)).default(DEFAULT_TIMEOUT_MS);
const httpConfig = nullMeansAbsent(httpConfigSchema);

/** PagerDuty's Events API v2 endpoint, Alertmanager's default `global.pagerduty_url`. */
export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';
/** Where Alertmanager sends Events API v1 (`service_key`) events, whatever `url` says. */
export const PAGERDUTY_V1_EVENTS_URL = 'https://events.pagerduty.com/generic/2010-04-15/create_event.json';

/** The keys of a PagerDuty Events API v2 credential, and of a v1 one; a config has at most one family. */
export const ROUTING_KEYS = ['routing_key', 'routing_key_file', 'routing_key_secret'] as const;
export const SERVICE_KEYS = ['service_key', 'service_key_file', 'service_key_secret'] as const;

/** `pagerduty_configs[]`: a page through PagerDuty's Events API v2, or v1 with a `service_key`. */
export const pagerdutyConfigSchema = z
  .strictObject({
    /** Events API v2 integration key. */
    routing_key: text.optional(),
    routing_key_file: text.optional(),
    routing_key_secret: text.optional(),
    /** Events API v1 ("Prometheus" integration type) key, as Alertmanager has it. */
    service_key: text.optional(),
    service_key_file: text.optional(),
    service_key_secret: text.optional(),
    /** @default - global.pagerduty_url, else PagerDuty's v2 endpoint; never used for v1 */
    url: z.url().optional(),
    send_resolved: sendResolved(true),
    /** Used when the alert has no recognised `severity` label. */
    severity: literal(z.enum(['critical', 'error', 'warning', 'info']).default('error')),
    client: literal(z.string().default('alertscale')),
    client_url: literal(z.string().optional()),
    timeout,
    ...ignoredShape(PAGERDUTY_IGNORED),
  })
  .superRefine((value, ctx) => {
    atMostOne(value, ROUTING_KEYS, ctx);
    atMostOne(value, SERVICE_KEYS, ctx);
    const routing = ROUTING_KEYS.filter((key) => value[key] !== undefined);
    const service = SERVICE_KEYS.filter((key) => value[key] !== undefined);
    if (routing.length > 0 && service.length > 0) {
      ctx.addIssue({ code: 'custom', message: `set a routing key (Events API v2) or a service key (Events API v1), not both; got ${[...routing, ...service].join(' and ')}` });
    }
  })
  .transform((value) => withoutKeys(value, PAGERDUTY_IGNORED));

/** `slack_configs[]`: a message to a Slack incoming webhook. */
export const slackConfigSchema = z
  .strictObject({
    /** The incoming webhook URL (it is its own secret). @default - global.slack_api_url* */
    api_url: z.url().optional(),
    api_url_file: text.optional(),
    api_url_secret: text.optional(),
    channel: literal(z.string().optional()),
    username: literal(z.string().optional()),
    icon_emoji: literal(z.string().optional()),
    icon_url: literal(z.string().optional()),
    /** Slack's `link_names`: turn @names and #channels into links. Absent: false, as in Alertmanager. */
    link_names: z.boolean().optional(),
    send_resolved: sendResolved(false),
    /** Alerts listed in one message before "and N more". */
    max_alerts: z.number().int().positive().default(10),
    timeout,
    /** @default - global.http_config */
    http_config: httpConfig,
    ...ignoredShape(SLACK_IGNORED),
  })
  .superRefine((value, ctx) => atMostOne(value, ['api_url', 'api_url_file', 'api_url_secret'], ctx))
  .transform((value) => withoutKeys(value, SLACK_IGNORED));

/** `sns_configs[]`: a message published to an SNS topic. */
export const snsConfigSchema = z
  .strictObject({
    /** @default - the topic the stack creates */
    topic_arn: literal(z.string().optional()),
    subject: literal(z.string().optional()),
    send_resolved: sendResolved(true),
    ...ignoredShape(SNS_IGNORED),
  })
  .transform((value) => withoutKeys(value, SNS_IGNORED));

/** `webhook_configs[]`: a JSON POST to the control plane (or anything), signed when a signing key is set. */
export const webhookConfigSchema = z
  .strictObject({
    url: z.url().optional(),
    url_file: text.optional(),
    signing_key: text.optional(),
    signing_key_file: text.optional(),
    signing_key_secret: text.optional(),
    send_resolved: sendResolved(true),
    /** Alerts listed in one request; 0 means all, as in Alertmanager. */
    max_alerts: z.number().int().nonnegative().default(0),
    timeout,
    /** @default - global.http_config */
    http_config: httpConfig,
    ...ignoredShape(WEBHOOK_IGNORED),
  })
  .superRefine((value, ctx) => {
    atMostOne(value, ['signing_key', 'signing_key_file', 'signing_key_secret'], ctx);
    atMostOne(value, ['url', 'url_file'], ctx);
    if (value.url === undefined && value.url_file === undefined) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'required: a URL (or url_file)' });
    }
  })
  // `url` stays a string for its readers: empty when the URL is in `url_file`.
  .transform((value) => ({ ...withoutKeys(value, WEBHOOK_IGNORED), url: value.url ?? '' }));

/** A channel alertscale lacks, as the validated receiver records it, so routing can say why it was skipped. */
export interface UnsupportedChannelConfigs {
  readonly channel: UnsupportedChannel;
  /** How many configs the receiver has for it. */
  readonly count: number;
}

const unsupportedShape = Object.fromEntries(Object.keys(UNSUPPORTED_CHANNELS).map((channel) => [`${channel}_configs`, list(z.unknown()).optional()])) as Record<never, never>;
const UNSUPPORTED_KEYS = Object.fromEntries(Object.keys(UNSUPPORTED_CHANNELS).map((channel) => [`${channel}_configs`, channel]));

function unsupportedChannels(receiver: object): UnsupportedChannelConfigs[] {
  return (Object.keys(UNSUPPORTED_CHANNELS) as UnsupportedChannel[]).flatMap((channel) => {
    const configs = (receiver as Record<string, unknown>)[`${channel}_configs`];
    return Array.isArray(configs) && configs.length > 0 ? [{ channel, count: configs.length }] : [];
  });
}

/** `receivers[]`: a name and its channel configs; the channels alertscale lacks are counted in `unsupported_channels`. */
export const receiverSchema = z
  .strictObject({
    name,
    scale_configs: list(scaleConfigSchema).default([]),
    pagerduty_configs: list(pagerdutyConfigSchema).default([]),
    slack_configs: list(slackConfigSchema).default([]),
    sns_configs: list(snsConfigSchema).default([]),
    webhook_configs: list(webhookConfigSchema).default([]),
    ...unsupportedShape,
    ...ignoredShape(RECEIVER_IGNORED),
  })
  .transform((receiver): typeof receiver & { unsupported_channels?: UnsupportedChannelConfigs[] } => {
    const unsupported = unsupportedChannels(receiver);
    return { ...withoutKeys(receiver, { ...RECEIVER_IGNORED, ...UNSUPPORTED_KEYS }), ...(unsupported.length > 0 ? { unsupported_channels: unsupported } : {}) };
  });
