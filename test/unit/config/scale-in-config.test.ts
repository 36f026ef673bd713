import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfigText } from '../../../lambdas/shared/config/load';

/** A configuration with one node group (its extra keys), a scale-down scale config (its keys) and a control-plane receiver. */
const text = (scale: string, group = '', controlPlane = "webhook_configs: [{ url: 'https://cp.example/drain', signing_key: k }]") => `
node_groups:
  - { name: gpu-a100, asg_name: gpu-a100-nodes, min: 1, max: 16${group} }
route: { receiver: scale-down }
receivers:
  - name: scale-down
    scale_configs: [{ node_group_label: nodegroup, ${scale} }]
  - name: control-plane
    ${controlPlane}
`;

function problemsOf(yaml: string): string[] {
  try {
    parseConfigText(yaml);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((problem) => problem.text.replace(/ \(line \d+, column \d+\)$/, ''));
  }
}

describe('configuration: targeted scale-in', () => {
  it.each([['remove_node_label: node'], ['remove_instance_label: instance_id']])('accepts %s with change: -1', (key) => {
    expect(problemsOf(text(`change: -1, ${key}`))).toEqual([]);
  });

  it('refuses both labels at once', () => {
    expect(problemsOf(text('change: -1, remove_instance_label: instance_id, remove_node_label: node'))).toEqual([
      'receivers[0].scale_configs[0].remove_node_label: set at most one of remove_instance_label and remove_node_label: an alert names its node one way',
    ]);
  });

  it.each([
    ['change: 1', 'remove_node_label removes the one instance each alert names, so it goes with change: -1 (got change: 1)'],
    ['change: -2', 'remove_node_label removes the one instance each alert names, so it goes with change: -1 (got change: -2)'],
    ['set: 2', 'remove_node_label removes the instance an alert names, so it goes with change: -1, not set'],
  ])('refuses a remove label with %s', (step, message) => {
    expect(problemsOf(text(`${step}, remove_node_label: node`))).toEqual([`receivers[0].scale_configs[0].remove_node_label: ${message}`]);
  });
});

describe('configuration: drain', () => {
  it('accepts a drain whose receiver has signed webhooks, with a ten-minute timeout by default', () => {
    const { config } = parseConfigText(text('change: -1', ', drain: { receiver: control-plane }'));
    expect(config.node_groups[0]!.drain).toEqual({ receiver: 'control-plane', timeout: 600_000 });
  });

  it.each([
    ['30s', 30_000],
    ['2h', 7_200_000],
  ])('accepts a timeout of %s, at the bound of a lifecycle hook', (timeout, ms) => {
    expect(parseConfigText(text('change: -1', `, drain: { receiver: control-plane, timeout: ${timeout} }`)).config.node_groups[0]!.drain?.timeout).toBe(ms);
  });

  it.each([
    ['29s', "must be from 30s to 2h, the range of an Auto Scaling lifecycle hook's heartbeat timeout (got 29s)"],
    ['2h1s', "must be from 30s to 2h, the range of an Auto Scaling lifecycle hook's heartbeat timeout (got 2h1s)"],
    ['90500ms', "must be a whole number of seconds (got 1m30s500ms): it becomes the lifecycle hook's HeartbeatTimeout"],
  ])('refuses a timeout of %s', (timeout, message) => {
    expect(problemsOf(text('change: -1', `, drain: { receiver: control-plane, timeout: ${timeout} }`))).toEqual([`node_groups[0].drain.timeout: ${message}`]);
  });

  it('refuses a receiver that does not exist', () => {
    expect(problemsOf(text('change: -1', ', drain: { receiver: nobody }'))).toEqual(['node_groups[0].drain.receiver: no receiver named "nobody"']);
  });

  it('refuses a receiver without webhooks', () => {
    expect(problemsOf(text('change: -1', ', drain: { receiver: scale-down }'))).toEqual([
      'node_groups[0].drain.receiver: receiver "scale-down" has no webhook_configs to send drain requests to',
    ]);
  });

  it('refuses a receiver with a webhook that cannot sign', () => {
    expect(problemsOf(text('change: -1', ', drain: { receiver: control-plane }', "webhook_configs: [{ url: 'https://cp.example/drain' }]"))).toEqual([
      'node_groups[0].drain.receiver: receiver "control-plane" webhook_configs[0] has no signing key (signing_key, signing_key_file or signing_key_secret): drain requests are always signed',
    ]);
  });
});
