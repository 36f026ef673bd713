import type { Config } from './schema';

/**
 * Every Secrets Manager secret name the configuration refers to (`*_secret`
 * keys of channel configs), sorted and without repeats. The stack grants the
 * notifier read access to exactly these; the notifier resolves them at send time.
 */
export function secretNamesIn(config: Config): string[] {
  const names = config.receivers.flatMap((receiver) => [
    ...receiver.pagerduty_configs.map((c) => c.routing_key_secret),
    ...receiver.slack_configs.map((c) => c.api_url_secret),
    ...receiver.webhook_configs.map((c) => c.signing_key_secret),
  ]);
  return [...new Set(names.filter((n): n is string => n !== undefined))].sort();
}
