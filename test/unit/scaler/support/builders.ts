import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { Config, NodeGroupConfig, ReceiverConfig } from '../../../../lambdas/shared/config/schema';
import { DetailType, type ScaleRequested } from '../../../../lambdas/shared/events';

/** Builders for the scaler's tests (the fakes are in test/support/fakes). */

export const T0 = Date.parse('2025-01-01T00:00:00.000Z');

/** A node group with the schema's defaults, as a validated config has it. */
export function nodeGroup(overrides: Partial<NodeGroupConfig> & Pick<NodeGroupConfig, 'name'>): NodeGroupConfig {
  return {
    asg_name: `${overrides.name}-nodes`,
    min: 0,
    max: 100,
    fallback: [],
    rate_limits: [],
    capacity_backoff: 600_000,
    ...overrides,
  };
}

export function receiver(overrides: Partial<ReceiverConfig> & Pick<ReceiverConfig, 'name'>): ReceiverConfig {
  return { scale_configs: [], pagerduty_configs: [], slack_configs: [], sns_configs: [], webhook_configs: [], ...overrides };
}

/** A config with the given node groups, a scale-up receiver that escalates to `oncall`, and `oncall` itself. */
export function configWith(groups: NodeGroupConfig[], options: { dryRun?: boolean; escalateAfter?: number } = {}): Config {
  return {
    settings: { dry_run: options.dryRun ?? false, decision_ttl: 30 * 86_400_000, max_action_age: 600_000 },
    node_groups: groups,
    route: { receiver: 'oncall', continue: false },
    time_intervals: [],
    receivers: [
      receiver({
        name: 'scale-up',
        scale_configs: [
          {
            node_group_label: 'nodegroup',
            change: 2,
            on: 'firing',
            cooldown: 300_000,
            ...(options.escalateAfter !== undefined ? { escalate_after: options.escalateAfter, escalate_to: 'oncall' } : {}),
          },
        ],
      }),
      receiver({
        name: 'oncall',
        pagerduty_configs: [{ routing_key: 'k', url: 'https://events.pagerduty.com/v2/enqueue', send_resolved: true, severity: 'error', client: 'alertscale', timeout: 10_000 }],
        slack_configs: [{ api_url: 'https://hooks.slack.invalid/x', send_resolved: false, max_alerts: 10, timeout: 10_000 }],
      }),
    ],
  };
}

let counter = 0;

/** A `Scale Requested` detail for `nodeGroup`, +2 by default. */
export function scaleRequest(nodeGroupName: string, action: Partial<ScaleRequested['action']> = {}, overrides: Partial<ScaleRequested> = {}): ScaleRequested {
  counter += 1;
  const decisionId = overrides.decisionId ?? `decision-${counter}`;
  return {
    decisionId,
    alert: {
      status: 'firing',
      labels: { alertname: 'GPUQueueDepthHigh', nodegroup: nodeGroupName },
      annotations: {},
      startsAt: new Date(T0).toISOString(),
      generatorURL: '',
      fingerprint: `fp-${counter}`,
    },
    group: { groupKey: '{}:{}', notificationId: `n-${counter}`, size: 1, externalURL: 'http://am', truncatedAlerts: 0 },
    action: {
      kind: 'scale',
      actionId: `${decisionId}/scale-up/0/1`,
      receiver: 'scale-up',
      configIndex: 0,
      nodeGroup: nodeGroupName,
      change: 2,
      cooldownSeconds: 300,
      dryRun: false,
      step: 1,
      ...action,
    },
    requestedAt: new Date(T0).toISOString(),
    ...overrides,
  };
}

/** An SQS record as EventBridge's SQS target delivers a bus event. */
export function sqsRecord(detail: unknown, options: { detailType?: string; messageId?: string; group?: string; body?: string } = {}): SQSRecord {
  counter += 1;
  const body = options.body ?? JSON.stringify({ version: '0', id: `evt-${counter}`, 'detail-type': options.detailType ?? DetailType.ScaleRequested, source: 'alertscale', detail });
  return {
    messageId: options.messageId ?? `msg-${counter}`,
    receiptHandle: 'rh',
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 's',
      ApproximateFirstReceiveTimestamp: '0',
      MessageGroupId: options.group ?? 'gpu-a100',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:scale.fifo',
    awsRegion: 'us-east-1',
  } as SQSRecord;
}

export const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

/** A mutable clock. */
export class TestClock {
  constructor(public now = T0) {}
  readonly clock = () => new Date(this.now);
  advance(ms: number): void {
    this.now += ms;
  }
}

export const noSleep = async () => {};
