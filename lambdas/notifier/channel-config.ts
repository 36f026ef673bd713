import type { Config } from '../shared/config/schema';
import type { NotifyChannel } from '../shared/events';

/*
 * The channel configs as the notifier reads them, after validation (durations
 * in ms, defaults applied). They mirror `pagerdutyConfigSchema` & co. in
 * lambdas/shared/config/schema.ts, spelled out because those schemas are built
 * by a helper whose inferred type is an index signature of `unknown`.
 */

interface Common {
  readonly send_resolved: boolean;
}

export interface PagerdutyChannelConfig extends Common {
  readonly routing_key?: string | undefined;
  readonly routing_key_file?: string | undefined;
  readonly routing_key_secret?: string | undefined;
  readonly url: string;
  readonly severity: 'critical' | 'error' | 'warning' | 'info';
  readonly client: string;
  readonly client_url?: string | undefined;
  readonly timeout: number;
}

export interface SlackChannelConfig extends Common {
  readonly api_url?: string | undefined;
  readonly api_url_file?: string | undefined;
  readonly api_url_secret?: string | undefined;
  readonly channel?: string | undefined;
  readonly max_alerts: number;
  readonly timeout: number;
}

export interface SnsChannelConfig extends Common {
  readonly topic_arn?: string | undefined;
  readonly subject?: string | undefined;
}

export interface WebhookChannelConfig extends Common {
  readonly url: string;
  readonly signing_key?: string | undefined;
  readonly signing_key_file?: string | undefined;
  readonly signing_key_secret?: string | undefined;
  readonly max_alerts: number;
  readonly timeout: number;
}

/** The channel configs of one receiver, as the notifier reads them. */
export interface ReceiverChannels {
  readonly name: string;
  readonly pagerduty_configs: readonly PagerdutyChannelConfig[];
  readonly slack_configs: readonly SlackChannelConfig[];
  readonly sns_configs: readonly SnsChannelConfig[];
  readonly webhook_configs: readonly WebhookChannelConfig[];
}

export type ChannelConfig = PagerdutyChannelConfig | SlackChannelConfig | SnsChannelConfig | WebhookChannelConfig;

/** The receivers of a validated configuration, typed for the notifier. */
export function receiversOf(config: Pick<Config, 'receivers'>): readonly ReceiverChannels[] {
  return config.receivers as unknown as readonly ReceiverChannels[];
}

/** The config a notify request names; `undefined` when the configuration no longer has it. */
export function channelConfig(config: Pick<Config, 'receivers'>, receiver: string, channel: NotifyChannel, index: number): ChannelConfig | undefined {
  const found = receiversOf(config).find((r) => r.name === receiver);
  if (!found) return undefined;
  const configs: readonly ChannelConfig[] = found[`${channel}_configs`];
  return configs[index];
}
