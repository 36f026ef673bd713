import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfigText } from '../../../lambdas/shared/config/load';
import { formatDuration, parseDuration } from '../../../lambdas/shared/config/duration';
import { secretNamesIn } from '../../../lambdas/shared/channels';

const VALID = `
node_groups:
  - { name: gpu-a100, asg_name: gpu-a100-nodes, min: 1, max: 16, fallback: [gpu-h100] }
  - { name: gpu-h100, asg_name: gpu-h100-nodes, min: 0, max: 8 }
route:
  receiver: oncall
  routes:
    - matchers: ['alertname="GPUQueueDepthHigh"']
      receiver: scale-up
receivers:
  - name: scale-up
    scale_configs: [{ node_group_label: nodegroup, change: 2, cooldown: 5m }]
  - name: oncall
    pagerduty_configs: [{ routing_key_secret: alertscale/pagerduty }]
`;

/** The problems a config produces, or [] when it is valid. */
function problemsOf(text: string): readonly string[] {
  try {
    parseConfigText(text);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((problem) => problem.text);
  }
}

describe('configuration: valid files', () => {
  it('accepts the shipped example', () => {
    const { config } = loadConfig('config/alertscale.yml');
    expect(config.node_groups.map((g) => g.name)).toEqual(['gpu-a100', 'gpu-h100', 'gpu-l4']);
    expect(config.receivers.find((r) => r.name === 'scale-up')?.scale_configs[0]).toMatchObject({ change: 2, cooldown: 300_000 });
  });

  it('fills in defaults: PagerDuty URL, send_resolved, cooldown, decision TTL, rate limits', () => {
    const { config } = parseConfigText(VALID);
    expect(config.receivers[1]!.pagerduty_configs[0]).toMatchObject({ url: 'https://events.pagerduty.com/v2/enqueue', send_resolved: true });
    expect(config.settings).toEqual({ dry_run: false, decision_ttl: 30 * 86_400_000, max_action_age: 600_000 });
    expect(config.node_groups[0]!.rate_limits).toEqual([
      { window: 3_600_000, max_actions: 3 },
      { window: 86_400_000, max_actions: 10 },
    ]);
  });

  it("accepts Alertmanager's grouping keys with one warning per file that says why that is fine", () => {
    const text = VALID.replace('  receiver: oncall\n  routes:', '  receiver: oncall\n  group_by: [alertname]\n  group_wait: 30s\n  routes:').replace(
      '      receiver: scale-up\n',
      '      receiver: scale-up\n      group_by: [nodegroup]\n',
    );
    expect(parseConfigText(text).warnings).toEqual([
      'route.group_by: accepted but ignored, as are the other grouping keys in this file (3 in all: group_by, group_wait): Alertmanager has already grouped and timed each notification it sends, and alertscale acts on every alert in it',
    ]);
  });

  it('accepts the deprecated match and match_re maps that real configs still use', () => {
    const text = VALID.replace(`matchers: ['alertname="GPUQueueDepthHigh"']`, `match: { alertname: GPUQueueDepthHigh }\n      match_re: { nodegroup: 'gpu-.*' }`);
    expect(problemsOf(text)).toEqual([]);
  });

  it('lists the Secrets Manager names the notifier needs, once each', () => {
    const { config } = parseConfigText(VALID.replace('  - name: scale-up\n', '  - name: scale-up\n    slack_configs: [{ api_url_secret: alertscale/slack }, { api_url_secret: alertscale/slack }]\n'));
    expect(secretNamesIn(config)).toEqual(['alertscale/pagerduty', 'alertscale/slack']);
  });
});

describe('configuration: every kind of bad file names the key path', () => {
  const cases: [string, string, string][] = [
    ['an unknown top-level key', VALID + 'nodegroups: []\n', 'nodegroups: unknown key'],
    // Not email_configs: that is Alertmanager's, so accepted now with a warning.
    ['an unknown key in a receiver', VALID.replace('  - name: oncall\n', '  - name: oncall\n    pager_configs: []\n'), 'receivers[1].pager_configs: unknown key'],
    ['an unknown route key', VALID.replace("      receiver: scale-up\n", '      receiver: scale-up\n      contineu: true\n'), 'route.routes[0].contineu: unknown key'],
    ['a route to a receiver that does not exist', VALID.replace('receiver: scale-up', 'receiver: scale-upp'), 'route.routes[0].receiver: no receiver named "scale-upp"'],
    ['a root route without a receiver', VALID.replace('  receiver: oncall\n', ''), 'route.receiver: the root route needs a receiver'],
    ['a bad matcher', VALID.replace(`'alertname="GPUQueueDepthHigh"'`, `'alertname=="x"'`), 'route.routes[0].matchers[0]: bad matcher'],
    ['a scale config naming an unknown node group', VALID.replace('node_group_label: nodegroup', 'node_group: gpu-b200'), 'receivers[0].scale_configs[0].node_group: no node group named "gpu-b200"'],
    ['a fallback to an unknown node group', VALID.replace('fallback: [gpu-h100]', 'fallback: [gpu-h200]'), 'node_groups[0].fallback[0]: no node group named "gpu-h200"'],
    ['min above max', VALID.replace('min: 1, max: 16', 'min: 20, max: 16'), 'node_groups[0].min: min 20 is above max 16'],
    ['a negative max', VALID.replace('max: 16', 'max: -1'), 'node_groups[0].max: '],
    ['a duration in the wrong format', VALID.replace('cooldown: 5m', 'cooldown: 5 minutes'), 'receivers[0].scale_configs[0].cooldown: "5 minutes" is not a duration'],
    ['both change and set', VALID.replace('change: 2', 'change: 2, set: 4'), 'receivers[0].scale_configs[0]: set exactly one of change and set'],
    ['neither node_group nor node_group_label', VALID.replace('node_group_label: nodegroup, ', ''), 'receivers[0].scale_configs[0]: set exactly one of node_group and node_group_label'],
    ['two sources of a routing key', VALID.replace('routing_key_secret: alertscale/pagerduty', 'routing_key_secret: a, routing_key: b'), 'receivers[1].pagerduty_configs[0]: set only one of routing_key, routing_key_file, routing_key_secret'],
    ['a receiver defined twice', VALID + '  - name: oncall\n', 'receivers[2].name: receiver "oncall" is defined twice'],
    ['a count that is not a number', VALID.replace('change: 2', 'change: two'), 'receivers[0].scale_configs[0].change: '],
    ['matchers on the root route, which Alertmanager refuses', VALID.replace('  receiver: oncall\n', "  receiver: oncall\n  matchers: ['a=b']\n"), 'route: root route must not have any matchers'],
    ['a match_re regex RE2 cannot compile', VALID.replace(`matchers: ['alertname="GPUQueueDepthHigh"']`, "match_re: { alertname: '(unclosed' }"), 'route.routes[0]: '],
    ['no receivers at all', 'route: { receiver: x }\nreceivers: []\n', 'receivers: define at least one receiver'],
  ];

  it.each(cases)('%s', (_name, text, expected) => {
    const problems = problemsOf(text);
    expect(problems.some((problem) => problem.startsWith(expected)), `got:\n${problems.join('\n')}`).toBe(true);
  });

  it('says so when the file is not YAML at all', () => {
    expect(() => parseConfigText('route: [unclosed', 'alertscale.yml')).toThrow(/^alertscale.yml is not valid YAML: /);
  });

  it('says so when the file cannot be read', () => {
    expect(() => loadConfig('/nonexistent/alertscale.yml')).toThrow('cannot read configuration file /nonexistent/alertscale.yml: ENOENT');
  });
});

describe('durations, as Prometheus writes them', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['7d', 604_800_000],
    ['1w', 604_800_000],
    ['250ms', 250],
    ['0', 0],
  ])('parses %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '5', '5 m', '1m1h', '-5m', '1.5h'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('formats milliseconds back in the largest exact units', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m');
  });
});
