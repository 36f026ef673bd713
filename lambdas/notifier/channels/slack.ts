import type { SlackConfig } from '../../shared/config/schema';
import type { NotifyItem } from '../items';
import { postJson } from '../../adapters/http/http-post';
import { alertTitle, capAlerts, commonAlertName, formatLabels, overallStatus } from '../render';
import { authHeaders, fromHttp, messageId, type ChannelSender } from './sender';

/** A Slack Block Kit block, as much of it as we send. */
export type SlackBlock =
  | { readonly type: 'header'; readonly text: { readonly type: 'plain_text'; readonly text: string; readonly emoji: true } }
  | { readonly type: 'section'; readonly text: { readonly type: 'mrkdwn'; readonly text: string } }
  | { readonly type: 'context'; readonly elements: readonly { readonly type: 'mrkdwn'; readonly text: string }[] };

/** The JSON body POSTed to a Slack incoming webhook. */
export interface SlackMessage {
  /** Shown in notifications and where blocks cannot be. */
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
  readonly channel?: string;
  /** The incoming webhook's fields for who posts: shown instead of the webhook's own name and icon. */
  readonly username?: string;
  readonly icon_emoji?: string;
  readonly icon_url?: string;
  /** Turn @names and #channels in the text into links. */
  readonly link_names?: true;
}

/** The config keys that become fields of the message as written. */
export type SlackMessageConfig = Pick<SlackConfig, 'max_alerts' | 'channel' | 'username' | 'icon_emoji' | 'icon_url' | 'link_names'>;

/** `channel`, `username`, `icon_emoji`, `icon_url` as configured, and `link_names` when true (Alertmanager omits false). */
function posterFields(config: SlackMessageConfig): Pick<SlackMessage, 'channel' | 'username' | 'icon_emoji' | 'icon_url' | 'link_names'> {
  return {
    ...(config.channel !== undefined ? { channel: config.channel } : {}),
    ...(config.username !== undefined ? { username: config.username } : {}),
    ...(config.icon_emoji !== undefined ? { icon_emoji: config.icon_emoji } : {}),
    ...(config.icon_url !== undefined ? { icon_url: config.icon_url } : {}),
    ...(config.link_names === true ? { link_names: true as const } : {}),
  };
}

// Slack's limits: 50 blocks per message, 150 characters in a header, 3000 in a section.
const MAX_BLOCKS = 50;
const MAX_HEADER = 150;
const MAX_SECTION = 3000;

/** Slack mrkdwn needs only these three escaped; anything else is shown as written. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const link = (url: string | undefined, label: string): string | undefined =>
  url !== undefined && /^https?:\/\/[^\s|>]+$/i.test(url) ? `<${url}|${label}>` : undefined;

function alertSection(request: NotifyItem): SlackBlock {
  const { alert, action } = request;
  const status = alert.status === 'firing' ? ':fire: *Firing*' : ':white_check_mark: *Resolved*';
  const name = alert.labels.alertname ? ` — *${escapeMrkdwn(alert.labels.alertname)}*` : '';
  const escalation = action.reason === 'escalation' ? '\n:warning: _Escalated: remediation did not clear it._' : '';
  const labels = formatLabels(alert.labels);
  const links = [link(alert.generatorURL, 'Source'), link(alert.annotations.runbook_url, 'Runbook'), link(alert.annotations.dashboard_url, 'Dashboard')]
    .filter((value) => value !== undefined)
    .join(' · ');
  const text = [
    `${status}${name}${escalation}`,
    escapeMrkdwn(alertTitle(alert)),
    labels ? `\`${escapeMrkdwn(labels)}\`` : undefined,
    links || undefined,
  ]
    .filter((line) => line !== undefined)
    .join('\n');
  return { type: 'section', text: { type: 'mrkdwn', text: text.length > MAX_SECTION ? `${text.slice(0, MAX_SECTION - 1)}…` : text } };
}

/**
 * One Slack message for one Alertmanager group notification: a header with
 * the status and count, one section per alert (status, summary, labels,
 * links) up to `max_alerts`, and "and N more" for the rest. When every alert
 * is resolved, the header says RESOLVED. The config's channel, username,
 * icon and `link_names` go in as Slack's incoming-webhook fields.
 */
export function slackMessage(requests: readonly NotifyItem[], config: SlackMessageConfig): SlackMessage {
  const alerts = requests.map((request) => request.alert);
  const status = overallStatus(alerts);
  const firing = alerts.filter((alert) => alert.status === 'firing').length;
  const name = commonAlertName(alerts) ?? requests[0]?.action.receiver ?? 'alertscale';
  const count = status === 'FIRING' ? firing : alerts.length;
  const heading = `${status === 'FIRING' ? ':fire: FIRING' : ':white_check_mark: RESOLVED'} (${count}) · ${name}`;
  const truncated = Math.max(0, ...requests.map((request) => request.group.truncatedAlerts));
  // Room for the header and the closing context block.
  const { listed, omitted } = capAlerts(requests, Math.min(config.max_alerts, MAX_BLOCKS - 2), truncated);
  const footer = [omitted > 0 ? `and ${omitted} more` : undefined, link(requests[0]?.group.externalURL, 'Alertmanager')].filter(
    (value) => value !== undefined,
  );
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: heading.slice(0, MAX_HEADER), emoji: true } },
    ...listed.map(alertSection),
    ...(footer.length > 0 ? [{ type: 'context' as const, elements: [{ type: 'mrkdwn' as const, text: footer.join(' · ') }] }] : []),
  ];
  const text = `[${status}:${count}] ${name}${omitted > 0 ? ` (and ${omitted} more)` : ''}`;
  return { text, blocks, ...posterFields(config) };
}

/** A Slack incoming webhook: one Block Kit message per group notification. The URL is the credential. */
export const slackSender: ChannelSender<'slack'> = {
  channel: 'slack',
  grouping: 'notification',
  credential: { what: 'api_url', required: true },
  dedupKey: (requests) => messageId('slack', requests),
  async send({ requests, config, credential, http: auth, dedupKey }, { http }) {
    const apiUrl = credential ?? '';
    const body = JSON.stringify(slackMessage(requests, config));
    const headers = () => authHeaders(auth);
    return fromHttp(await postJson({ url: apiUrl, body, headers, timeoutMs: config.timeout, secrets: [apiUrl, ...(auth?.secrets ?? [])] }, http), dedupKey);
  },
};
