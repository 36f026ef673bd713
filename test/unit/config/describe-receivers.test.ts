import { describe, expect, it } from 'vitest';
import { describeReceivers } from '../../../lambdas/shared/config/describe-receivers';
import { loadConfig, parseConfigText } from '../../../lambdas/shared/config/load';

describe('describeReceivers: what alertscale would do with each receiver, one line each', () => {
  it('says it for the shipped example', () => {
    expect(describeReceivers(loadConfig('config/alertscale.yml').config)).toEqual([
      'scale-up: scale the node group named by label nodegroup by +2 on firing (cooldown 5m; escalate to oncall after 30m)',
      'scale-down: remove the node named by label node from the node group named by label nodegroup on firing (cooldown 15m)',
      'quiet: nothing (no channel configs)',
      'oncall: page PagerDuty (Events API v2 routing key from secret alertscale/pagerduty); post to Slack (webhook URL from secret alertscale/slack)',
    ]);
  });

  it('names the instance a targeted scale-in removes by its label', () => {
    const { config } = parseConfigText(`
node_groups: [{ name: gpu-a100, asg_name: a, min: 0, max: 9 }]
route: { receiver: a }
receivers:
  - name: a
    scale_configs: [{ node_group: gpu-a100, change: -1, remove_instance_label: instance_id }]
`);
    expect(describeReceivers(config)).toEqual(['a: remove the instance named by label instance_id from gpu-a100 on firing (cooldown 5m)']);
  });

  it('names scaling by node group, setting a size, dry runs, v1 pages, SNS and skipped channels', () => {
    const { config } = parseConfigText(`
settings: { dry_run: true }
node_groups: [{ name: gpu-a100, asg_name: a, min: 0, max: 9 }]
route: { receiver: a }
receivers:
  - name: a
    scale_configs: [{ node_group: gpu-a100, change: 2 }, { node_group: gpu-a100, set: 0, on: resolved, cooldown: 1h }]
  - name: b
    pagerduty_configs: [{ service_key_file: /etc/pd }, {}]
    sns_configs: [{}, { topic_arn: 'arn:aws:sns:eu-west-1:1:gpu' }]
    email_configs: [{ to: a@example.com }, { to: b@example.com }]
  - name: c
    slack_configs: [{}]
    webhook_configs: [{ url: 'https://cp.example.com/hook?token=t', signing_key_secret: alertscale/hook }]
`);

    expect(describeReceivers(config)).toEqual([
      'a: scale gpu-a100 by +2 on firing (cooldown 5m; dry run: recorded, not applied); set gpu-a100 to 0 on resolved (cooldown 1h; dry run: recorded, not applied)',
      "b: page PagerDuty (Events API v1 service key from file /etc/pd); skip PagerDuty: no routing key configured; publish to the stack's SNS topic; publish to SNS topic arn:aws:sns:eu-west-1:1:gpu; skip email_configs (2): alertscale has no e-mail channel",
      'c: skip Slack: no webhook URL (api_url) configured; call webhook https://cp.example.com (signed, key from secret alertscale/hook)',
    ]);
  });

  it('names where a credential comes from, never the credential, and a webhook by its origin only', () => {
    const { config } = parseConfigText(`
route: { receiver: a }
receivers:
  - name: a
    pagerduty_configs: [{ routing_key: not-a-real-key }]
    webhook_configs: [{ url: 'https://user:pass@cp.example.com/secret-path' }]
`);

    const [line] = describeReceivers(config);

    expect(line).toBe('a: page PagerDuty (Events API v2 routing key given inline); call webhook https://cp.example.com (unsigned)');
    expect(line).not.toMatch(/not-a-real-key|pass|secret-path/);
  });
});
