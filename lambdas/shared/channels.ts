import type { HttpClientConfig } from './config/http-config';
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
 * A PagerDuty config may instead carry an Events API v1 `service_key`, as in
 * Alertmanager; `credentialKey` says which one a config uses.
 */
export const CREDENTIAL_KEYS = {
  pagerduty: 'routing_key',
  slack: 'api_url',
  webhook: 'signing_key',
} as const satisfies Partial<Record<NotifyChannel, string>>;
export type CredentialChannel = keyof typeof CREDENTIAL_KEYS;

/** A channel credential given one of three ways (inline, `_file`, `_secret`), or none. */
export interface CredentialSource {
  /** The key it is given under (`routing_key`, `service_key`, `api_url`, …), to name it in messages. */
  readonly key?: string | undefined;
  readonly inline?: string | undefined;
  readonly file?: string | undefined;
  readonly secret?: string | undefined;
}

type Fields = Readonly<Record<string, unknown>>;
const given = (fields: Fields, key: string) => [key, `${key}_file`, `${key}_secret`].some((k) => fields[k] !== undefined);

/** Which PagerDuty Events API a config speaks: v1 when it has a `service_key*`, else v2 (`routing_key*`). */
export function pagerdutyEventsApi(config: PagerdutyConfig): 'v1' | 'v2' {
  return given(config as unknown as Fields, 'service_key') ? 'v1' : 'v2';
}

/** The key of a config's credential: `CREDENTIAL_KEYS[channel]`, or `service_key` for a v1 PagerDuty config; none for SNS. */
export function credentialKey(channel: NotifyChannel, config: ChannelConfig): string | undefined {
  if (channel === 'sns') return undefined;
  if (channel === 'pagerduty' && pagerdutyEventsApi(config as PagerdutyConfig) === 'v1') return 'service_key';
  return CREDENTIAL_KEYS[channel];
}

/** Where a channel config takes its credential from; empty for SNS. */
export function credentialSource(channel: NotifyChannel, config: ChannelConfig): CredentialSource {
  const key = credentialKey(channel, config);
  if (key === undefined) return {};
  const fields = config as unknown as Record<string, string | undefined>;
  return { key, inline: fields[key], file: fields[`${key}_file`], secret: fields[`${key}_secret`] };
}

/**
 * Where a webhook config takes its URL from: `url`, or the file `url_file`
 * names (then the validated `url` is empty), as in Alertmanager.
 */
export function webhookUrlSource(config: WebhookConfig): CredentialSource {
  return config.url_file !== undefined ? { key: 'url', file: config.url_file } : { key: 'url', inline: config.url };
}

/** The Secrets Manager names in a channel config's `http_config` (`authorization.credentials_secret`, `basic_auth.password_secret`). */
function httpConfigSecrets(config: ChannelConfig): (string | undefined)[] {
  const http = (config as { http_config?: HttpClientConfig }).http_config;
  return [http?.authorization?.credentials_secret, http?.basic_auth?.password_secret];
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
 * keys of channel configs and of their `http_config`), sorted and without
 * repeats. The stack grants the notifier read access to exactly these; the
 * notifier resolves them at send time.
 */
export function secretNamesIn(config: Pick<Config, 'receivers'>): string[] {
  const names = config.receivers.flatMap((receiver) =>
    receiverChannels(receiver).flatMap(({ channel, config: c }) => [credentialSource(channel, c).secret, ...httpConfigSecrets(c)]),
  );
  return [...new Set(names.filter((n): n is string => n !== undefined))].sort();
}
