import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../lambdas/shared/config/load';

// Real alertmanager.yml shapes, pasted whole: each must validate, with exactly these warnings.
const fixture = (name: string) => `test/fixtures/alertmanager-configs/${name}.yml`;

const SLACK_MESSAGE = 'Go templates are not rendered; alertscale sends its own Block Kit message (status, labels, summary, links)';
const GROUPED = 'Alertmanager has already grouped and timed each notification it sends, and alertscale acts on every alert in it';
const RESOLVE_TIMEOUT = 'global.resolve_timeout: alertscale does not resolve alerts itself; it acts on the status Alertmanager sends';
const TEMPLATES = 'templates: not read: alertscale renders no Go templates and sends its own messages';
const inhibitRules = (rules: string) =>
  `inhibit_rules: accepted but not evaluated (${rules}): Alertmanager applies them before it sends a notification, so the alerts alertscale receives have already passed them`;

const expectedWarnings: [string, string[]][] = [
  [
    'kube-prometheus-stack',
    [
      RESOLVE_TIMEOUT,
      inhibitRules('4 rules'),
      `route.group_by: accepted but ignored, as are the other grouping keys in this file (4 in all: group_by, group_wait, group_interval, repeat_interval): ${GROUPED}`,
      TEMPLATES,
    ],
  ],
  [
    'slack-title-text-actions',
    [
      `route.group_by: accepted but ignored: ${GROUPED}`,
      `receivers[0].slack_configs[0].color: ${SLACK_MESSAGE}`,
      `receivers[0].slack_configs[0].title: ${SLACK_MESSAGE}`,
      `receivers[0].slack_configs[0].title_link: ${SLACK_MESSAGE}`,
      `receivers[0].slack_configs[0].text: ${SLACK_MESSAGE}`,
      "receivers[0].slack_configs[0].actions: buttons are not sent; alertscale's message links each alert's source, runbook and dashboard",
    ],
  ],
  [
    'pagerduty-service-key',
    [
      "receivers[0].pagerduty_configs[0].severity: Go templates are not rendered; alertscale already takes each alert's severity label (critical, error, warning, info or a common alias), else error",
      'receivers[0].pagerduty_configs[0].client: Go templates are not rendered; alertscale sends client "alertscale"',
      "receivers[0].pagerduty_configs[0].description: Go templates are not rendered; alertscale's incident summary is the alert's summary or description annotation, else its name and labels",
      'receivers[0].pagerduty_configs[0].details: alertscale sends its own custom_details (labels, annotations, fingerprint, decision id)',
    ],
  ],
  [
    'webhook-http-config',
    [
      'receivers[1].webhook_configs[0].http_config.follow_redirects: alertscale never follows redirects, so that a signed body is not replayed elsewhere; a 3xx is recorded as failed',
      'receivers[1].webhook_configs[1].http_config.proxy_url: proxies are not supported; alertscale connects directly',
    ],
  ],
  ['global-slack-pagerduty', [RESOLVE_TIMEOUT]],
  ['empty-routes', []],
  ['empty-webhook-configs', []],
  [
    'email-opsgenie',
    [
      'global.smtp_smarthost: alertscale has no e-mail channel',
      'global.smtp_from: alertscale has no e-mail channel',
      'global.opsgenie_api_key: alertscale has no OpsGenie channel',
      'receivers[0].email_configs: alertscale has no e-mail channel; its 2 configs are skipped, and recorded as skipped when an alert is routed here',
      'receivers[0].opsgenie_configs: alertscale has no OpsGenie channel; its config is skipped, and recorded as skipped when an alert is routed here',
    ],
  ],
  ['templates-inhibit-rules', [TEMPLATES, inhibitRules('1 rule')]],
];

describe('a pasted alertmanager.yml validates, with a warning for each key alertscale does not use', () => {
  it.each(expectedWarnings)('%s', (name, warnings) => {
    expect(loadConfig(fixture(name)).warnings).toEqual(warnings);
  });

  it('needs no node_groups: a file with only Alertmanager keys has none', () => {
    expect(loadConfig(fixture('kube-prometheus-stack')).config.node_groups).toEqual([]);
  });

  it('keeps none of the keys it ignores in the validated configuration', () => {
    const { config } = loadConfig(fixture('kube-prometheus-stack'));

    expect(Object.keys(config).sort()).toEqual(['node_groups', 'receivers', 'route', 'settings', 'time_intervals']);
  });

  it('honours what the Slack config says literally, and drops the templates', () => {
    const slack = loadConfig(fixture('slack-title-text-actions')).config.receivers[0]!.slack_configs[0];

    expect(slack).toEqual({
      api_url: 'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
      channel: '#alerts',
      username: 'alertmanager',
      icon_url: 'https://avatars3.githubusercontent.com/u/3380462',
      link_names: true,
      send_resolved: true,
      max_alerts: 10,
      timeout: 10_000,
    });
  });

  it('keeps a PagerDuty service key as the credential of an Events API v1 config', () => {
    const pagerduty = loadConfig(fixture('pagerduty-service-key')).config.receivers[0]!.pagerduty_configs[0];

    expect(pagerduty).toEqual({
      service_key_file: '/etc/alertmanager/secrets/pagerduty-service-key',
      url: 'https://events.pagerduty.com/generic/2010-04-15/create_event.json',
      severity: 'error',
      client: 'alertscale',
      client_url: 'https://alertmanager.example.com',
      send_resolved: true,
      timeout: 10_000,
    });
  });

  it('reads bearer tokens, basic auth and TLS settings into http_config', () => {
    const [controlPlane, platform] = loadConfig(fixture('webhook-http-config')).config.receivers;

    expect(controlPlane!.webhook_configs[0]).toMatchObject({
      url: 'https://control-plane.internal/alerts',
      max_alerts: 20,
      http_config: {
        authorization: { type: 'Bearer', credentials_file: '/var/run/secrets/control-plane/token' },
        tls_config: { ca_file: '/etc/ssl/internal-ca.pem', server_name: 'control-plane.internal', insecure_skip_verify: false },
      },
    });
    expect(platform!.webhook_configs.map((hook) => [hook.url, hook.url_file, hook.http_config])).toEqual([
      [
        '',
        '/etc/alertmanager/secrets/platform-hook-url',
        {
          basic_auth: { username: 'alertmanager', password_file: '/etc/alertmanager/secrets/platform-hook-password' },
          tls_config: { cert_file: '/etc/ssl/alertmanager.crt', key_file: '/etc/ssl/alertmanager.key', insecure_skip_verify: true },
        },
      ],
      ['https://ops-bridge.internal/v1/alertmanager', undefined, { authorization: { type: 'Token', credentials: 'not-a-real-token' } }],
    ]);
  });

  it('records the channels alertscale lacks on the receiver, with how many configs each has', () => {
    const receiver = loadConfig(fixture('email-opsgenie')).config.receivers[0]!;

    expect(receiver.unsupported_channels).toEqual([
      { channel: 'email', count: 2 },
      { channel: 'opsgenie', count: 1 },
    ]);
    expect(receiver.webhook_configs).toHaveLength(1);
  });

  it('reads a routes: or webhook_configs: left empty as an empty list', () => {
    expect(loadConfig(fixture('empty-routes')).config.route.routes).toEqual([]);
    expect(loadConfig(fixture('empty-webhook-configs')).config.receivers[0]!.webhook_configs).toEqual([]);
  });
});
