import type { Config, PagerdutyConfig, ReceiverConfig, SlackConfig, SnsConfig, WebhookConfig } from '../shared/config/schema';
import type { NotifyChannel } from '../shared/events';

// The notifier's names for the validated channel configs (durations in ms, defaults applied).
export type PagerdutyChannelConfig = PagerdutyConfig;
export type SlackChannelConfig = SlackConfig;
export type SnsChannelConfig = SnsConfig;
export type WebhookChannelConfig = WebhookConfig;
export type ReceiverChannels = ReceiverConfig;
export type ChannelConfig = PagerdutyConfig | SlackConfig | SnsConfig | WebhookConfig;

/** The receivers of a validated configuration, typed for the notifier. */
export function receiversOf(config: Pick<Config, 'receivers'>): readonly ReceiverChannels[] {
  return config.receivers;
}

/** The config a notify request names; `undefined` when the configuration no longer has it. */
export function channelConfig(config: Pick<Config, 'receivers'>, receiver: string, channel: NotifyChannel, index: number): ChannelConfig | undefined {
  const found = receiversOf(config).find((r) => r.name === receiver);
  if (!found) return undefined;
  const configs: readonly ChannelConfig[] = found[`${channel}_configs`];
  return configs[index];
}
