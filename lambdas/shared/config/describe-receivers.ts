import { credentialSource, pagerdutyEventsApi, webhookUrlSource, type CredentialSource } from '../channels';
import { UNSUPPORTED_CHANNELS } from './alertmanager-keys';
import { formatDuration } from './duration';
import { PAGERDUTY_EVENTS_URL } from './receivers';
import { removeLabelOf } from './remove-label';
import type { Config, PagerdutyConfig, ReceiverConfig, ScaleConfig, SlackConfig, SnsConfig, WebhookConfig } from './schema';

/**
 * What alertscale would do with each receiver, one line each, for
 * `alertscale check` to print: `oncall: page PagerDuty (Events API v2 routing
 * key from secret alertscale/pagerduty)`. Credentials are named by where
 * they come from, never shown; a webhook by its origin only, since a URL can
 * carry a token.
 */
export function describeReceivers(config: Pick<Config, 'receivers' | 'settings'>): string[] {
  return config.receivers.map((receiver) => {
    const actions = receiverActions(receiver, config.settings.dry_run);
    return `${receiver.name}: ${actions.length > 0 ? actions.join('; ') : 'nothing (no channel configs)'}`;
  });
}

function receiverActions(receiver: ReceiverConfig, dryRun: boolean): string[] {
  return [
    ...receiver.scale_configs.map((scale) => describeScale(scale, dryRun)),
    ...receiver.pagerduty_configs.map(describePagerduty),
    ...receiver.slack_configs.map(describeSlack),
    ...receiver.sns_configs.map(describeSns),
    ...receiver.webhook_configs.map(describeWebhook),
    ...(receiver.unsupported_channels ?? []).map(
      ({ channel, count }) => `skip ${channel}_configs (${count}): alertscale has no ${UNSUPPORTED_CHANNELS[channel]} channel`,
    ),
  ];
}

function describeScale(scale: ScaleConfig, dryRun: boolean): string {
  const group = scale.node_group ?? `the node group named by label ${scale.node_group_label}`;
  const remove = removeLabelOf(scale);
  const how = remove
    ? `remove the ${remove.kind === 'node' ? 'node' : 'instance'} named by label ${remove.label} from ${group}`
    : scale.set !== undefined
      ? `set ${group} to ${scale.set}`
      : `scale ${group} by ${(scale.change ?? 0) > 0 ? '+' : ''}${scale.change}`;
  const extras = [
    `cooldown ${formatDuration(scale.cooldown)}`,
    ...(scale.escalate_to !== undefined && scale.escalate_after !== undefined ? [`escalate to ${scale.escalate_to} after ${formatDuration(scale.escalate_after)}`] : []),
    ...(dryRun || scale.dry_run ? ['dry run: recorded, not applied'] : []),
  ];
  return `${how} on ${scale.on} (${extras.join('; ')})`;
}

/** "from secret x", "from file /y", "given inline", or that there is none. */
function from(source: CredentialSource): string | undefined {
  if (source.secret !== undefined) return `from secret ${source.secret}`;
  if (source.file !== undefined) return `from file ${source.file}`;
  return source.inline !== undefined ? 'given inline' : undefined;
}

function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'an invalid URL';
  }
}

function describePagerduty(config: PagerdutyConfig): string {
  const api = pagerdutyEventsApi(config);
  const key = from(credentialSource('pagerduty', config));
  const what = api === 'v1' ? 'Events API v1 service key' : 'Events API v2 routing key';
  const where = api === 'v2' && config.url !== PAGERDUTY_EVENTS_URL ? ` at ${origin(config.url)}` : '';
  return key ? `page PagerDuty${where} (${what} ${key})` : `skip PagerDuty: no ${api === 'v1' ? 'service' : 'routing'} key configured`;
}

function describeSlack(config: SlackConfig): string {
  const url = from(credentialSource('slack', config));
  if (!url) return 'skip Slack: no webhook URL (api_url) configured';
  return `post to Slack (webhook URL ${url}${config.channel !== undefined ? `, channel ${config.channel}` : ''})`;
}

function describeSns(config: SnsConfig): string {
  return config.topic_arn !== undefined ? `publish to SNS topic ${config.topic_arn}` : "publish to the stack's SNS topic";
}

function describeWebhook(config: WebhookConfig): string {
  const url = webhookUrlSource(config);
  const target = url.file !== undefined ? `the webhook whose URL is in file ${url.file}` : `webhook ${origin(config.url)}`;
  const key = from(credentialSource('webhook', config));
  return `call ${target} (${key ? `signed, key ${key}` : 'unsigned'})`;
}
