import { describe, expect, it } from 'vitest';
import { publications, type Contribution } from '../../../lambdas/router/coalesce';
import { planActions } from '../../../lambdas/router/plan';
import { parseConfigText } from '../../../lambdas/shared/config/load';
import { DetailType, type Alert, type ScaleRequested } from '../../../lambdas/shared/events';

const { config } = parseConfigText(`
node_groups:
  - { name: gpu-a100, asg_name: gpu-a100-nodes, min: 1, max: 16 }
route: { receiver: scale-down }
receivers:
  - name: scale-down
    scale_configs: [{ node_group_label: nodegroup, change: -1, remove_node_label: node }]
  - name: untargeted
    scale_configs: [{ node_group_label: nodegroup, change: -1 }]
`);

const NOW = new Date('2026-03-01T02:00:00Z');

/** One new occurrence of GPUUtilizationLow with these labels, routed to `receiver`. */
function contribution(labels: Record<string, string>, index: number, receiver = 'scale-down'): Contribution {
  const alert: Alert = { status: 'firing', labels: { alertname: 'GPUUtilizationLow', nodegroup: 'gpu-a100', ...labels }, annotations: {}, startsAt: '2026-03-01T01:00:00Z', generatorURL: '', fingerprint: `fp-${index}` };
  const decisionId = `d-${index}`;
  const receivers = [{ name: receiver, mute: { muted: false } as const }];
  return {
    delivery: { messageId: `m-${index}`, eventId: `e-${index}`, receivedAt: NOW.toISOString(), alert, group: { groupKey: 'g', notificationId: 'n', externalURL: '', truncatedAlerts: 0, size: 3 }, decisionId, receivers },
    outcome: { kind: 'new', plan: planActions(config, receivers, alert, decisionId, NOW.toISOString()), step: 1 },
  };
}

const scaleRequestsOf = (contributions: Contribution[]) =>
  publications(config, contributions, NOW)
    .filter((p) => p.event.detailType === DetailType.ScaleRequested)
    .map((p) => p.event.detail as ScaleRequested);

describe('coalescing a targeted scale-in', () => {
  it('keeps one request per node group and scale config, with the node each decision names', () => {
    const requests = scaleRequestsOf([contribution({ node: 'ip-10-0-1-7.ec2.internal' }, 1), contribution({ node: 'ip-10-0-1-8.ec2.internal' }, 2), contribution({ node: 'ip-10-0-1-9.ec2.internal' }, 3)]);

    expect(requests).toHaveLength(1);
    expect(requests[0]!.alerts.map((m) => [m.decisionId, m.remove])).toEqual([
      ['d-1', { nodeName: 'ip-10-0-1-7.ec2.internal' }],
      ['d-2', { nodeName: 'ip-10-0-1-8.ec2.internal' }],
      ['d-3', { nodeName: 'ip-10-0-1-9.ec2.internal' }],
    ]);
  });

  it('passes an alert that lacks the label on with an empty target, for the scaler to refuse', () => {
    const [request] = scaleRequestsOf([contribution({}, 1)]);

    expect(request!.alerts[0]!.remove).toEqual({});
  });

  it('names no instance for a scale config without a remove label', () => {
    const [request] = scaleRequestsOf([contribution({ node: 'ip-10-0-1-7.ec2.internal' }, 1, 'untargeted')]);

    expect(request!.alerts[0]).not.toHaveProperty('remove');
  });
});
