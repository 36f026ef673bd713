import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../lambdas/shared/config/load';

// Each key below is written with nothing after it, as YAML leaves a list whose
// entries are all commented out; Alertmanager reads that as an empty list or map.
describe('configuration: a list or map left empty is empty', () => {
  it('reads routes:, matchers: and match: with nothing after them as empty', () => {
    const { config } = parseConfigText(
      ['route:', '  receiver: oncall', '  routes:', '    - receiver: oncall', '      matchers:', '      match:', '      match_re:', '      routes:', '    # - receiver: gone', 'receivers:', '  - name: oncall', ''].join('\n'),
    );

    expect(config.route.routes).toEqual([{ receiver: 'oncall', matchers: [], match: {}, match_re: {}, routes: [], continue: false }]);
  });

  it('reads every channel list of a receiver left empty as no configs', () => {
    const text = ['route: { receiver: oncall }', 'receivers:', '  - name: oncall', '    scale_configs:', '    pagerduty_configs:', '    slack_configs:', '    sns_configs:', '    webhook_configs:', '    #  - url: https://example.invalid/', ''].join('\n');

    const receiver = parseConfigText(text).config.receivers[0]!;

    expect([receiver.scale_configs, receiver.pagerduty_configs, receiver.slack_configs, receiver.sns_configs, receiver.webhook_configs]).toEqual([[], [], [], [], []]);
  });

  it('reads node_groups:, fallback: and rate_limits: left empty as empty lists (no rate limits, not the defaults)', () => {
    const groups = ['node_groups:', '  - name: a', '    asg_name: a-nodes', '    min: 0', '    max: 1', '    fallback:', '    rate_limits:'];
    const { config } = parseConfigText([...groups, 'route: { receiver: r }', 'receivers: [{ name: r }]', ''].join('\n'));

    expect(config.node_groups[0]).toMatchObject({ fallback: [], rate_limits: [] });
    expect(parseConfigText('node_groups:\nroute: { receiver: r }\nreceivers: [{ name: r }]\n').config.node_groups).toEqual([]);
  });

  it('reads settings: left empty as the default settings', () => {
    const { config } = parseConfigText('settings:\nroute: { receiver: r }\nreceivers: [{ name: r }]\n');

    expect(config.settings).toEqual({ dry_run: false, decision_ttl: 30 * 86_400_000, max_action_age: 600_000 });
  });
});
