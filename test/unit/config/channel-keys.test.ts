import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../lambdas/shared/config/load';

/** A configuration with one receiver `r` holding `channels`. */
const withReceiver = (channels: Record<string, unknown>) => ({ route: { receiver: 'r' }, receivers: [{ name: 'r', ...channels }] });

/** The problem texts of an invalid document. */
function problemsOf(document: unknown): string[] {
  try {
    parseConfig(document);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => problem.text);
    throw error;
  }
  return [];
}

const warningKeys = (document: unknown) => parseConfig(document).warnings.map((warning) => warning.slice(0, warning.indexOf(':')));

const template = '{{ .CommonLabels.x }}';
const http = { basic_auth: { username: 'u', password: 'p' }, tls_config: { ca_file: '/ca', insecure_skip_verify: false }, proxy_url: 'http://proxy:3128', follow_redirects: true };

// Every key docs/configuration.md documents for the four channels (Alertmanager 0.25 up to today's), one value each.
const EVERY_KEY = {
  pagerduty: {
    send_resolved: true, routing_key: 'k', url: 'https://events.pagerduty.com/v2/enqueue', client: 'c', client_url: 'https://am.example.com', description: template,
    severity: 'warning', source: template, details: { a: template }, images: [{ src: 's', alt: 'a', href: 'h' }], links: [{ href: 'h', text: 't' }],
    component: template, group: template, class: template, http_config: http, timeout: '5s',
  },
  slack: {
    send_resolved: true, api_url: 'https://hooks.slack.com/services/T/B/X', channel: '#c', icon_emoji: ':x:', icon_url: 'https://i.example.com/i.png', link_names: true,
    message_text: template, username: 'u', actions: [{ type: 'button', text: 't', url: 'u' }], callback_id: template, color: template, fallback: template,
    fields: [{ title: 't', value: 'v' }], footer: template, mrkdwn_in: ['text'], pretext: template, short_fields: true, text: template, title: template,
    title_link: template, image_url: template, thumb_url: template, http_config: http, timeout: '5s', update_message: false,
  },
  sns: {
    send_resolved: true, api_url: 'https://sns.eu-west-1.amazonaws.com', sigv4: { region: 'eu-west-1', role_arn: 'arn:aws:iam::1:role/r' },
    topic_arn: 'arn:aws:sns:eu-west-1:1:t', subject: 's', phone_number: '+15555550100', target_arn: 'arn:aws:sns:eu-west-1:1:endpoint/x', message: template,
    attributes: { a: 'b' }, http_config: http, use_aws_http_client: false,
  },
  webhook: { send_resolved: true, url: 'https://hook.example.com/', http_config: http, max_alerts: 5, timeout: '5s', payload: { a: template } },
};

describe('channel configs: every key Alertmanager has is accepted', () => {
  it.each(Object.entries(EVERY_KEY))('%s_configs', (channel, config) => {
    expect(problemsOf(withReceiver({ [`${channel}_configs`]: [config] }))).toEqual([]);
  });

  it('warns once for each ignored key, naming its path, and never for one it honours', () => {
    expect(warningKeys(withReceiver({ pagerduty_configs: [EVERY_KEY.pagerduty] }))).toEqual(
      ['description', 'source', 'details', 'images', 'links', 'component', 'group', 'class', 'http_config'].map((key) => `receivers[0].pagerduty_configs[0].${key}`),
    );
    expect(warningKeys(withReceiver({ webhook_configs: [EVERY_KEY.webhook] }))).toEqual(
      ['http_config.proxy_url', 'http_config.follow_redirects', 'payload'].map((key) => `receivers[0].webhook_configs[0].${key}`),
    );
  });

  it('honours the keys alertscale can use, literally written', () => {
    const { config } = parseConfig(withReceiver({ slack_configs: [EVERY_KEY.slack], sns_configs: [EVERY_KEY.sns] }));

    expect(config.receivers[0]!.slack_configs[0]).toEqual({
      api_url: 'https://hooks.slack.com/services/T/B/X', channel: '#c', username: 'u', icon_emoji: ':x:', icon_url: 'https://i.example.com/i.png', link_names: true,
      send_resolved: true, max_alerts: 10, timeout: 5_000,
      http_config: { basic_auth: { username: 'u', password: 'p' }, tls_config: { ca_file: '/ca', insecure_skip_verify: false } },
    });
    expect(config.receivers[0]!.sns_configs[0]).toEqual({ topic_arn: 'arn:aws:sns:eu-west-1:1:t', subject: 's', send_resolved: true });
  });

  it('drops a Go template where only a literal value is honoured, and says what is used instead', () => {
    const { config, warnings } = parseConfig(withReceiver({ slack_configs: [{ channel: '{{ .CommonLabels.team }}' }], pagerduty_configs: [{ severity: template }] }));

    expect([config.receivers[0]!.slack_configs[0]!.channel, config.receivers[0]!.pagerduty_configs[0]!.severity]).toEqual([undefined, 'error']);
    expect(warnings).toEqual([
      "receivers[0].slack_configs[0].channel: Go templates are not rendered; the webhook's own channel is used",
      "receivers[0].pagerduty_configs[0].severity: Go templates are not rendered; alertscale already takes each alert's severity label (critical, error, warning, info or a common alias), else error",
    ]);
  });

  it("keeps its own bound on a send where Alertmanager's 0s means none", () => {
    const { config, warnings } = parseConfig(withReceiver({ webhook_configs: [{ url: 'https://hook.example.com/', timeout: '0s' }] }));

    expect(config.receivers[0]!.webhook_configs[0]!.timeout).toBe(10_000);
    expect(warnings).toEqual([
      "receivers[0].webhook_configs[0].timeout: 0s means no timeout to Alertmanager; alertscale keeps its 10s default, so that a send ends within the function's run",
    ]);
  });
});

describe('channel configs: what Alertmanager refuses, alertscale refuses', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['a service key and a routing key', { pagerduty_configs: [{ service_key: 'a', routing_key_secret: 'b' }] }, 'receivers[0].pagerduty_configs[0]: set a routing key (Events API v2) or a service key (Events API v1), not both; got routing_key_secret and service_key'],
    ['two sources of a service key', { pagerduty_configs: [{ service_key: 'a', service_key_file: '/b' }] }, 'receivers[0].pagerduty_configs[0]: set only one of service_key, service_key_file, service_key_secret; got service_key and service_key_file'],
    ['a severity PagerDuty does not know', { pagerduty_configs: [{ severity: 'high' }] }, 'receivers[0].pagerduty_configs[0].severity: must be one of critical, error, warning, info; got "high"'],
    ['url and url_file', { webhook_configs: [{ url: 'https://a.example.com/', url_file: '/u' }] }, 'receivers[0].webhook_configs[0]: set only one of url, url_file; got url and url_file'],
    ['two ways to authenticate', { webhook_configs: [{ url: 'https://a.example.com/', http_config: { bearer_token: 't', basic_auth: { username: 'u' } } }] }, 'receivers[0].webhook_configs[0].http_config: set only one way to authenticate; got basic_auth and bearer_token'],
    ['bearer_token and bearer_token_file', { webhook_configs: [{ url: 'https://a.example.com/', http_config: { bearer_token: 't', bearer_token_file: '/t' } }] }, 'receivers[0].webhook_configs[0].http_config: set only one of bearer_token, bearer_token_file; got bearer_token and bearer_token_file'],
    ['authorization of type basic', { slack_configs: [{ http_config: { authorization: { type: 'Basic', credentials: 'x' } } }] }, 'receivers[0].slack_configs[0].http_config.authorization.type: authorization type cannot be "basic"; use basic_auth instead'],
    ['a client certificate without its key', { webhook_configs: [{ url: 'https://a.example.com/', http_config: { tls_config: { cert_file: '/c' } } }] }, 'receivers[0].webhook_configs[0].http_config.tls_config: a client certificate needs its key: set both cert (or cert_file) and key (or key_file)'],
    ['a misspelt http_config key', { webhook_configs: [{ url: 'https://a.example.com/', http_config: { tls_confg: {} } }] }, 'receivers[0].webhook_configs[0].http_config.tls_confg: unknown key; did you mean "tls_config"?'],
  ];

  it.each(cases)('%s', (_name, channels, expected) => {
    expect(problemsOf(withReceiver(channels))).toEqual([expected]);
  });
});
