import type { Config, PagerdutyConfig, ReceiverConfig, SlackConfig, SnsConfig, WebhookConfig } from './config/schema';

/**
 * The notification channels alertscale sends to, and the one place that knows
 * how a receiver spells them: `<channel>_configs` lists, and for each the key
 * of its credential (given inline, as `<key>_file` or as `<key>_secret`). The
 * router plans from it, the scaler escalates through it, the notifier sends
 * by it, and the stack grants the secrets it names.
 */
export const CHANNELS = ['pagerduty', 'slack', 'sns', 'webhook'] as const;
export type NotifyChannel = (typeof CHANNELS)[number];

/** The validated config of each channel (defaults applied, durations in ms). */
export interface ChannelConfigs {
  readonly pagerduty: PagerdutyConfig;
  readonly slack: SlackConfig;
  readonly sns: SnsConfig;
  readonly webhook: WebhookConfig;
}
export type ChannelConfig = ChannelConfigs[NotifyChannel];

/**
 * The credential key of each channel that has one: the PagerDuty routing key,
 * the Slack incoming-webhook URL (the URL is the secret), the control-plane
 * webhook's signing key. SNS needs none: the function's role may publish.
 */
export const CREDENTIAL_KEYS = {
  pagerduty: 'routing_key',
  slack: 'api_url',
  webhook: 'signing_key',
} as const satisfies Partial<Record<NotifyChannel, string>>;
export type CredentialChannel = keyof typeof CREDENTIAL_KEYS;

/** A channel credential given one of three ways (inline, `_file`, `_secret`), or none. */
export interface CredentialSource {
  readonly inline?: string | undefined;
  readonly file?: string | undefined;
  readonly secret?: string | undefined;
}

/** Where a channel config takes its credential from; empty for SNS. */
export function credentialSource(channel: NotifyChannel, config: ChannelConfig): CredentialSource {
  if (channel === 'sns') return {};
  const key = CREDENTIAL_KEYS[channel];
  const fields = config as unknown as Record<string, string | undefined>;
  return { inline: fields[key], file: fields[`${key}_file`], secret: fields[`${key}_secret`] };
}

/** One channel config of a receiver, with its place in the receiver's `<channel>_configs`. */
export interface ReceiverChannel<C extends NotifyChannel = NotifyChannel> {
  readonly channel: C;
  readonly configIndex: number;
  readonly config: ChannelConfigs[C];
}

/** Every channel config of a receiver, channel by channel in `CHANNELS` order, then by index. */
export function receiverChannels(receiver: ReceiverConfig): ReceiverChannel[] {
  return CHANNELS.flatMap((channel) =>
    (receiver[`${channel}_configs`] as readonly ChannelConfig[]).map((config, configIndex) => ({ channel, configIndex, config }) as ReceiverChannel),
  );
}

/** The receiver of that name, if the configuration has it. */
export function findReceiver(config: Pick<Config, 'receivers'>, name: string): ReceiverConfig | undefined {
  return config.receivers.find((receiver) => receiver.name === name);
}

/** The config a notify request names; `undefined` when the configuration no longer has it. */
export function channelConfig<C extends NotifyChannel>(config: Pick<Config, 'receivers'>, receiver: string, channel: C, index: number): ChannelConfigs[C] | undefined {
  const found = findReceiver(config, receiver);
  return found ? (found[`${channel}_configs`] as unknown as readonly ChannelConfigs[C][])[index] : undefined;
}

/**
 * Every Secrets Manager secret name the configuration refers to (`*_secret`
 * keys of channel configs), sorted and without repeats. The stack grants the
 * notifier read access to exactly these; the notifier resolves them at send time.
 */
export function secretNamesIn(config: Pick<Config, 'receivers'>): string[] {
  const names = config.receivers.flatMap((receiver) => receiverChannels(receiver).map(({ channel, config: c }) => credentialSource(channel, c).secret));
  return [...new Set(names.filter((n): n is string => n !== undefined))].sort();
}
