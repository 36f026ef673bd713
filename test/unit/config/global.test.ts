import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfigText } from '../../../lambdas/shared/config/load';

const GLOBAL_SLACK = 'https://hooks.slack.com/services/T00000000/B00000000/GLOBALXXXXXXXXXXXXXXXXXX';

describe("global: Alertmanager's channel defaults, a channel's own value first", () => {
  const [teamA, teamB] = loadConfig('test/fixtures/alertmanager-configs/global-slack-pagerduty.yml').config.receivers;

  it('fills slack_api_url, pagerduty_url and http_config into the channels that have none', () => {
    expect(teamA!.slack_configs[0]).toMatchObject({ api_url: GLOBAL_SLACK, http_config: { authorization: { type: 'Bearer', credentials_file: '/etc/alertmanager/secrets/default-token' } } });
    expect(teamA!.pagerduty_configs[0]).toMatchObject({ url: 'https://events.eu.pagerduty.com/v2/enqueue' });
  });

  it("keeps a channel's own api_url, url and http_config, taking http_config as a whole block", () => {
    expect(teamB!.slack_configs[0]).toMatchObject({
      api_url: 'https://hooks.slack.com/services/T00000000/B11111111/TEAMBXXXXXXXXXXXXXXXXXXX',
      http_config: { authorization: { type: 'Bearer', credentials: 'not-a-real-team-b-token' } },
    });
    expect(teamB!.pagerduty_configs[0]).toMatchObject({ url: 'https://events.pagerduty.com/v2/enqueue' });
  });

  it("does not fill in slack_api_url where the channel names its own URL by file or secret", () => {
    const text = `
global: { slack_api_url: '${GLOBAL_SLACK}' }
route: { receiver: r }
receivers:
  - name: r
    slack_configs: [{ api_url_file: /etc/slack-url }, { api_url_secret: alertscale/slack }]
`;
    const slack = parseConfigText(text).config.receivers[0]!.slack_configs;

    expect(slack.map((config) => [config.api_url, config.api_url_file, config.api_url_secret])).toEqual([
      [undefined, '/etc/slack-url', undefined],
      [undefined, undefined, 'alertscale/slack'],
    ]);
  });

  it('passes slack_api_url_file and slack_api_url_secret on the same way', () => {
    const config = (global: string) => parseConfigText(`global: { ${global} }\nroute: { receiver: r }\nreceivers: [{ name: r, slack_configs: [{}] }]\n`).config;

    expect(config('slack_api_url_file: /etc/slack-url').receivers[0]!.slack_configs[0]).toMatchObject({ api_url_file: '/etc/slack-url' });
    expect(config('slack_api_url_secret: alertscale/slack').receivers[0]!.slack_configs[0]).toMatchObject({ api_url_secret: 'alertscale/slack' });
  });

  it('applies http_config to webhooks too, and never to PagerDuty, which ignores it', () => {
    const text = `
global: { http_config: { bearer_token: t } }
route: { receiver: r }
receivers: [{ name: r, webhook_configs: [{ url: 'https://hook.internal/' }], pagerduty_configs: [{ routing_key: k }] }]
`;
    const receiver = parseConfigText(text).config.receivers[0]!;

    expect(receiver.webhook_configs[0]!.http_config).toEqual({ authorization: { type: 'Bearer', credentials: 't' } });
    expect(receiver.pagerduty_configs[0]).not.toHaveProperty('http_config');
  });

  it('defaults to PagerDuty v2 and no http_config without a global block, or with an empty one', () => {
    for (const global of ['', 'global:\n']) {
      const receiver = parseConfigText(`${global}route: { receiver: r }\nreceivers: [{ name: r, pagerduty_configs: [{}], slack_configs: [{}] }]\n`).config.receivers[0]!;

      expect(receiver.pagerduty_configs[0]!.url).toBe('https://events.pagerduty.com/v2/enqueue');
      expect(receiver.slack_configs[0]).not.toHaveProperty('http_config');
    }
  });

  it('refuses two sources of the global Slack URL', () => {
    expect(() => parseConfigText(`global: { slack_api_url: '${GLOBAL_SLACK}', slack_api_url_file: /f }\nroute: { receiver: r }\nreceivers: [{ name: r }]\n`)).toThrow(
      'global: set only one of slack_api_url, slack_api_url_file, slack_api_url_secret; got slack_api_url and slack_api_url_file (line 1, column 1)',
    );
  });
});
