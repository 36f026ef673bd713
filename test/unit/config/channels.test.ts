import { describe, expect, it } from 'vitest';
import { credentialKey, credentialSource, pagerdutyEventsApi, secretNamesIn, webhookUrlSource } from '../../../lambdas/shared/channels';
import { parseConfigText } from '../../../lambdas/shared/config/load';

const { config } = parseConfigText(`
route: { receiver: r }
receivers:
  - name: r
    pagerduty_configs:
      - { routing_key_secret: alertscale/pd-v2 }
      - { service_key_secret: alertscale/pd-v1 }
      - { service_key_file: /etc/pd-v1 }
    webhook_configs:
      - url_file: /etc/hook-url
        http_config: { authorization: { credentials_secret: alertscale/hook-token } }
      - url: https://hook.example.com/
        http_config: { basic_auth: { username: u, password_secret: alertscale/hook-password } }
`);
const [v2, v1Secret, v1File] = config.receivers[0]!.pagerduty_configs;
const [fromFile, inline] = config.receivers[0]!.webhook_configs;

describe('channels: where a config takes its credentials from', () => {
  it('reads a PagerDuty config with a service key as Events API v1, and one with a routing key as v2', () => {
    expect([v2, v1Secret, v1File].map((pd) => pagerdutyEventsApi(pd!))).toEqual(['v2', 'v1', 'v1']);
  });

  it('takes the service key as the credential of a v1 PagerDuty config', () => {
    expect(credentialKey('pagerduty', v1File!)).toBe('service_key');
    expect(credentialSource('pagerduty', v1File!)).toEqual({ key: 'service_key', file: '/etc/pd-v1' });
    expect(credentialSource('pagerduty', v2!)).toEqual({ key: 'routing_key', secret: 'alertscale/pd-v2' });
  });

  it("takes a webhook's URL from url, or from the file url_file names", () => {
    expect(webhookUrlSource(fromFile!)).toEqual({ key: 'url', file: '/etc/hook-url' });
    expect(webhookUrlSource(inline!)).toEqual({ key: 'url', inline: 'https://hook.example.com/' });
  });

  it('lists service_key_secret and the http_config secrets among the secrets the notifier needs', () => {
    expect(secretNamesIn(config)).toEqual(['alertscale/hook-password', 'alertscale/hook-token', 'alertscale/pd-v1', 'alertscale/pd-v2']);
  });
});
