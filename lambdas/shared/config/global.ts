import { z } from 'zod';
import { GLOBAL_IGNORED } from './alertmanager-keys';
import { nullMeansAbsent } from './empty';
import { httpConfigSchema } from './http-config';
import { atMostOne, ignoredShape, withoutKeys } from './key-rules';
import { PAGERDUTY_EVENTS_URL, PAGERDUTY_V1_EVENTS_URL, SERVICE_KEYS, type receiverSchema } from './receivers';

/**
 * Alertmanager's `global` block: defaults for the channel configs, applied
 * as Alertmanager applies them — a channel's own value wins, and
 * `http_config` is taken as a whole block, never merged key by key. The
 * validated configuration has the resolved values in each channel config
 * and no `global`, so its readers need not know where a value came from.
 */
export const globalSchema = z
  .strictObject({
    /** Slack's incoming webhook URL for every Slack config that has none. */
    slack_api_url: z.url().optional(),
    slack_api_url_file: z.string().min(1).optional(),
    /** alertscale's own, as on every channel: the URL by Secrets Manager name on AWS. */
    slack_api_url_secret: z.string().min(1).optional(),
    /** Events API v2 endpoint for every PagerDuty config that has no `url`. */
    pagerduty_url: z.url().optional(),
    /** HTTP client settings for every Slack and webhook config that has no `http_config`. */
    http_config: nullMeansAbsent(httpConfigSchema),
    ...ignoredShape(GLOBAL_IGNORED),
  })
  .superRefine((value, ctx) => atMostOne(value, ['slack_api_url', 'slack_api_url_file', 'slack_api_url_secret'], ctx))
  .transform((value) => withoutKeys(value, GLOBAL_IGNORED));

/** A validated `global` block: only the keys alertscale honours. */
export type GlobalConfig = z.output<typeof globalSchema>;
type ReceiverAsWritten = z.output<typeof receiverSchema>;

function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function pagerdutyWithGlobal(config: ReceiverAsWritten['pagerduty_configs'][number], global: GlobalConfig) {
  // Events API v1 has one endpoint; Alertmanager sends there whatever `url` says.
  const v1 = SERVICE_KEYS.some((key) => config[key] !== undefined);
  return { ...config, url: v1 ? PAGERDUTY_V1_EVENTS_URL : (config.url ?? global.pagerduty_url ?? PAGERDUTY_EVENTS_URL) };
}

function slackWithGlobal(config: ReceiverAsWritten['slack_configs'][number], global: GlobalConfig) {
  const own = config.api_url ?? config.api_url_file ?? config.api_url_secret;
  const apiUrl = own !== undefined ? {} : defined({ api_url: global.slack_api_url, api_url_file: global.slack_api_url_file, api_url_secret: global.slack_api_url_secret });
  const httpConfig = config.http_config ?? global.http_config;
  return { ...config, ...apiUrl, ...(httpConfig ? { http_config: httpConfig } : {}) };
}

function webhookWithGlobal(config: ReceiverAsWritten['webhook_configs'][number], global: GlobalConfig) {
  const httpConfig = config.http_config ?? global.http_config;
  return { ...config, ...(httpConfig ? { http_config: httpConfig } : {}) };
}

/** A receiver with `global`'s defaults filled into its PagerDuty, Slack and webhook configs. */
export function receiverWithGlobal(receiver: ReceiverAsWritten, global: GlobalConfig) {
  return {
    ...receiver,
    pagerduty_configs: receiver.pagerduty_configs.map((config) => pagerdutyWithGlobal(config, global)),
    slack_configs: receiver.slack_configs.map((config) => slackWithGlobal(config, global)),
    webhook_configs: receiver.webhook_configs.map((config) => webhookWithGlobal(config, global)),
  };
}
