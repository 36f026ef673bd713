import type { IgnoredKeys } from './key-rules';

/**
 * Every Alertmanager key (0.25 and later) of the channels alertscale has,
 * and of `global` and the top level, that alertscale accepts and does not
 * use, with what alertscale does instead. The schemas accept exactly these
 * besides the keys they honour; the warnings quote these reasons.
 */

const NOT_RENDERED = 'Go templates are not rendered';
const SLACK_MESSAGE = 'alertscale sends its own Block Kit message (status, labels, summary, links)';
const SLACK_APP = 'Slack app tokens are not used; alertscale posts to the incoming webhook in api_url';
const PROXY = 'proxies are not supported; alertscale connects directly';

const same = (reason: string, ...keys: string[]): IgnoredKeys => Object.fromEntries(keys.map((key) => [key, reason]));
const noChannel = (channel: string, ...keys: string[]) => same(`alertscale has no ${channel} channel`, ...keys);

/** `http_config` keys: alertscale's HTTP client sends the credentials and TLS settings, nothing else. */
export const HTTP_CONFIG_IGNORED: IgnoredKeys = {
  oauth2: 'OAuth 2.0 is not supported; requests are sent without its token (authorization with a static token works)',
  ...same(PROXY, 'proxy_url', 'no_proxy', 'proxy_from_environment', 'proxy_connect_header'),
  follow_redirects: 'alertscale never follows redirects, so that a signed body is not replayed elsewhere; a 3xx is recorded as failed',
  enable_http2: "alertscale's HTTP client chooses the protocol itself",
  http_headers: 'custom headers are not sent',
};

/** PagerDuty keys ignored: alertscale builds the event from the alert itself. */
export const PAGERDUTY_IGNORED: IgnoredKeys = {
  description: `${NOT_RENDERED}; alertscale's incident summary is the alert's summary or description annotation, else its name and labels`,
  details: 'alertscale sends its own custom_details (labels, annotations, fingerprint, decision id)',
  links: "alertscale links each alert's generatorURL and its runbook_url and dashboard_url annotations",
  images: 'alertscale attaches no images',
  source: 'alertscale sets source from the instance, node, nodegroup or job label',
  component: 'alertscale sets component from the nodegroup label',
  class: 'alertscale sets class from the alertname label',
  group: 'alertscale sends no group',
  http_config: 'alertscale calls PagerDuty with its own HTTPS client; proxy, TLS and auth settings are not applied',
};

/** PagerDuty keys honoured when literal; a template is dropped for this reason. */
export const PAGERDUTY_LITERAL_ONLY: IgnoredKeys = {
  severity: `${NOT_RENDERED}; alertscale already takes each alert's severity label (critical, error, warning, info or a common alias), else error`,
  client: `${NOT_RENDERED}; alertscale sends client "alertscale"`,
  client_url: `${NOT_RENDERED}; alertscale sends the notification's externalURL`,
};

/** Slack keys ignored: the attachment and app-token keys of Alertmanager's Slack message. */
export const SLACK_IGNORED: IgnoredKeys = {
  ...same(`${NOT_RENDERED}; ${SLACK_MESSAGE}`, 'title', 'title_link', 'pretext', 'text', 'message_text', 'footer', 'fallback', 'color', 'callback_id', 'image_url', 'thumb_url'),
  ...same(`attachments are not sent; ${SLACK_MESSAGE}`, 'fields', 'short_fields', 'mrkdwn_in'),
  actions: "buttons are not sent; alertscale's message links each alert's source, runbook and dashboard",
  ...same(SLACK_APP, 'app_token', 'app_token_file', 'app_url'),
  update_message: 'alertscale posts a new message per notification and never edits an earlier one',
};

/** Slack keys honoured when literal; a template is dropped for this reason. */
export const SLACK_LITERAL_ONLY: IgnoredKeys = {
  channel: `${NOT_RENDERED}; the webhook's own channel is used`,
  username: `${NOT_RENDERED}; the webhook's own name is used`,
  icon_emoji: `${NOT_RENDERED}; the webhook's own icon is used`,
  icon_url: `${NOT_RENDERED}; the webhook's own icon is used`,
};

/** SNS keys ignored: alertscale publishes to a topic with the AWS SDK and its own message. */
export const SNS_IGNORED: IgnoredKeys = {
  api_url: "alertscale publishes through the AWS SDK's regional endpoint",
  sigv4: "alertscale signs with its own AWS credentials (the function's role on AWS, the default credential chain locally)",
  phone_number: "alertscale publishes to topics only: subscribe the number to the topic (without topic_arn, the stack's NotificationTopic)",
  target_arn: "alertscale publishes to topics only: subscribe the endpoint to the topic (without topic_arn, the stack's NotificationTopic)",
  message: `${NOT_RENDERED}; alertscale sends its own plain-text message (status, alerts, labels, summaries)`,
  attributes: 'message attributes are not sent',
  ...same('alertscale publishes through the AWS SDK; HTTP client settings are not applied', 'http_config', 'use_aws_http_client'),
};

/** SNS keys honoured when literal; a template is dropped for this reason. */
export const SNS_LITERAL_ONLY: IgnoredKeys = {
  topic_arn: `${NOT_RENDERED}; the stack's NotificationTopic is used`,
  subject: `${NOT_RENDERED}; alertscale's subject names the status and the alert`,
};

/** Webhook keys ignored: alertscale's body is its own contract (signed, with the decisions). */
export const WEBHOOK_IGNORED: IgnoredKeys = {
  payload: `${NOT_RENDERED}; alertscale POSTs its own JSON body (the alerts and the decisions taken)`,
};

/** Receiver keys ignored, besides the channels alertscale lacks. */
export const RECEIVER_IGNORED: IgnoredKeys = { labels: 'receiver labels are not used' };

/** `global` keys that mean nothing here; the ones alertscale honours are in the global schema. */
export const GLOBAL_IGNORED: IgnoredKeys = {
  resolve_timeout: 'alertscale does not resolve alerts itself; it acts on the status Alertmanager sends',
  ...noChannel('e-mail', 'smtp_from', 'smtp_smarthost', 'smtp_hello', 'smtp_auth_username', 'smtp_auth_password', 'smtp_auth_password_file'),
  ...noChannel('e-mail', 'smtp_auth_identity', 'smtp_auth_secret', 'smtp_auth_secret_file', 'smtp_require_tls', 'smtp_tls_config', 'smtp_force_implicit_tls'),
  ...same('Slack app tokens are not used; alertscale posts to the incoming webhook in slack_api_url', 'slack_app_token', 'slack_app_token_file', 'slack_app_url'),
  ...noChannel('Jira', 'jira_api_url'),
  ...noChannel('VictorOps', 'victorops_api_key', 'victorops_api_key_file', 'victorops_api_url'),
  ...noChannel('OpsGenie', 'opsgenie_api_key', 'opsgenie_api_key_file', 'opsgenie_api_url'),
  ...noChannel('Rocket.Chat', 'rocketchat_api_url', 'rocketchat_token', 'rocketchat_token_file', 'rocketchat_token_id', 'rocketchat_token_id_file'),
  ...noChannel('WeChat', 'wechat_api_url', 'wechat_api_secret', 'wechat_api_secret_file', 'wechat_api_corp_id'),
  ...noChannel('Telegram', 'telegram_api_url', 'telegram_bot_token', 'telegram_bot_token_file'),
  ...noChannel('Webex', 'webex_api_url'),
  ...noChannel('Mattermost', 'mattermost_webhook_url', 'mattermost_webhook_url_file'),
};

/** Top-level keys that mean nothing here (`inhibit_rules` has its own warning). */
export const TOP_LEVEL_IGNORED: IgnoredKeys = {
  templates: 'not read: alertscale renders no Go templates and sends its own messages',
  tracing: "Alertmanager's tracing settings do not apply; on AWS alertscale's functions trace with X-Ray",
  event_recorder: "Alertmanager's event recorder does not apply; alertscale's decisions and actions are on its event bus",
};

/** Alertmanager's channels alertscale lacks, by `<channel>_configs` prefix, with the name a person knows them by. */
export const UNSUPPORTED_CHANNELS = {
  email: 'e-mail',
  opsgenie: 'OpsGenie',
  victorops: 'VictorOps',
  pushover: 'Pushover',
  telegram: 'Telegram',
  wechat: 'WeChat',
  webex: 'Webex',
  discord: 'Discord',
  msteams: 'Microsoft Teams',
  msteamsv2: 'Microsoft Teams (Workflows)',
  jira: 'Jira',
  rocketchat: 'Rocket.Chat',
  mattermost: 'Mattermost',
  incidentio: 'incident.io',
} as const;
/** A channel alertscale lacks, as the `<channel>` of `<channel>_configs`. */
export type UnsupportedChannel = keyof typeof UNSUPPORTED_CHANNELS;
