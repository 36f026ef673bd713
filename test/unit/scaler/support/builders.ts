import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { Config, NodeGroupConfig, ReceiverConfig } from '../../../../lambdas/shared/config/schema';
import { DetailType, type Alert, type ScaleRequested } from '../../../../lambdas/shared/events';

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
    schedules: [],
    ...overrides,
  };
}

export function receiver(overrides: Partial<ReceiverConfig> & Pick<ReceiverConfig, 'name'>): ReceiverConfig {
  return { scale_configs: [], pagerduty_configs: [], slack_configs: [], sns_configs: [], webhook_configs: [], ...overrides };
}

/** A config with the given node groups, a scale-up receiver that escalates to `oncall`, and `oncall` itself. */
export function configWith(groups: NodeGroupConfig[], options: { dryRun?: boolean; escalateAfter?: number; maxActionAge?: number } = {}): Config {
  return {
    // Requests are built at T0 and tests move the clock on: no request expires unless a test says so.
    settings: { dry_run: options.dryRun ?? false, decision_ttl: 30 * 86_400_000, max_action_age: options.maxActionAge ?? Number.MAX_SAFE_INTEGER },
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

/**
 * A `Scale Requested` detail for `nodeGroup` serving one decision, +2 by
 * default: `fields` are the request's (its `actionId`, `change`, …; `step`
 * sets the decision's action id), `member` the decision's.
 */
export function scaleRequest(
  nodeGroupName: string,
  fields: Partial<Omit<ScaleRequested, 'alerts' | 'decisionIds' | 'nodeGroup'>> & { step?: number } = {},
  member: { decisionId?: string; alert?: Alert } = {},
): ScaleRequested {
  counter += 1;
  const { step = 1, ...request } = fields;
  const decisionId = member.decisionId ?? `decision-${counter}`;
  const alert: Alert = member.alert ?? {
    status: 'firing',
    labels: { alertname: 'GPUQueueDepthHigh', nodegroup: nodeGroupName },
    annotations: {},
    startsAt: new Date(T0).toISOString(),
    generatorURL: '',
    fingerprint: `fp-${counter}`,
  };
  const group = { groupKey: '{}:{}', notificationId: `n-${counter}`, size: 1, externalURL: 'http://am', truncatedAlerts: 0 };
  return {
    actionId: `scale-${counter}`,
    nodeGroup: nodeGroupName,
    receiver: 'scale-up',
    configIndex: 0,
    change: 2,
    cooldownSeconds: 300,
    dryRun: false,
    requestedAt: new Date(T0).toISOString(),
    part: 1,
    parts: 1,
    ...request,
    decisionIds: [decisionId],
    alerts: [{ decisionId, actionId: `${decisionId}/scale-up/scale/0/step${step}`, alert, group }],
  };
}

/** The (first) decision a request serves. */
export const memberOf = (request: ScaleRequested) => request.alerts[0]!;

/** Its decision id and action id, as `decisions.action(...)` takes them. */
export const idsOf = (request: ScaleRequested) => [memberOf(request).decisionId, memberOf(request).actionId] as const;

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

/** The request serving `count` decisions (its first and `count - 1` more of the same group). */
export function withDecisions(request: ScaleRequested, count: number): ScaleRequested {
  const first = memberOf(request);
  const alerts = Array.from({ length: count }, (_, i) =>
    i === 0 ? first : { ...first, decisionId: `${first.decisionId}-${i}`, actionId: first.actionId.replace(first.decisionId, `${first.decisionId}-${i}`), alert: { ...first.alert, fingerprint: `${first.alert.fingerprint}-${i}` } },
  );
  return { ...request, alerts, decisionIds: alerts.map((a) => a.decisionId) };
}

/**
 * A scale-down receiver whose scale config removes the instance the alert
 * names: by node name (`remove_node_label: node`) or by instance id
 * (`remove_instance_label: instance_id`).
 */
export function targetedConfigWith(groups: NodeGroupConfig[], options: { by?: 'node' | 'instance'; dryRun?: boolean; maxActionAge?: number } = {}): Config {
  const base = configWith(groups, options);
  const remove = options.by === 'instance' ? { remove_instance_label: 'instance_id' } : { remove_node_label: 'node' };
  return {
    ...base,
    receivers: [...base.receivers, receiver({ name: 'scale-down', scale_configs: [{ node_group_label: 'nodegroup', change: -1, on: 'firing', cooldown: 900_000, ...remove }] })],
  };
}

/**
 * A `Scale Requested` of the targeted scale-down receiver, one decision per
 * entry of `targets` (a node name, `{ instanceId }`, or `{}` for an alert
 * that lacks the label), as the router coalesces them in one batch.
 */
export function removalRequest(
  nodeGroupName: string,
  targets: readonly (string | { instanceId?: string; nodeName?: string })[],
  fields: Partial<Omit<ScaleRequested, 'alerts' | 'decisionIds' | 'nodeGroup'>> = {},
): ScaleRequested {
  counter += 1;
  const id = counter;
  const alerts = targets.map((target, i) => {
    const remove = typeof target === 'string' ? { nodeName: target } : target;
    const decisionId = `removal-${id}-${i}`;
    const labels: Record<string, string> = { alertname: 'GPUUtilizationLow', nodegroup: nodeGroupName };
    if (remove.nodeName) labels.node = remove.nodeName;
    if (remove.instanceId) labels.instance_id = remove.instanceId;
    const alert: Alert = { status: 'firing', labels, annotations: {}, startsAt: new Date(T0).toISOString(), generatorURL: '', fingerprint: `fp-removal-${id}-${i}` };
    const group = { groupKey: '{}:{}', notificationId: `n-removal-${id}`, size: targets.length, externalURL: 'http://am', truncatedAlerts: 0 };
    return { decisionId, actionId: `${decisionId}/scale-down/scale/0/step1`, alert, group, remove };
  });
  return {
    actionId: `scale-removal-${id}`,
    nodeGroup: nodeGroupName,
    receiver: 'scale-down',
    configIndex: 0,
    change: -1,
    cooldownSeconds: 900,
    dryRun: false,
    requestedAt: new Date(T0).toISOString(),
    part: 1,
    parts: 1,
    ...fields,
    decisionIds: alerts.map((a) => a.decisionId),
    alerts,
  };
}
