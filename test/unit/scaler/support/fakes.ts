import { recordLogLine } from '../../../support/log-sink';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { Config, NodeGroupConfig, ReceiverConfig } from '../../../../lambdas/shared/config/schema';
import { DetailType, type ScaleRequested } from '../../../../lambdas/shared/events';
import type { ActionRecord, DecisionRecord, DecisionStore, Log } from '../../../../lambdas/shared/ports';
import { NodeGroupNotFoundError, type AsgDescription, type NodeGroups } from '../../../../lambdas/scaler/ports';
import { RecordingBus } from '../../../support/recording-bus';

/** Builders and fakes for the scaler's tests. */

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
    settings: { dry_run: options.dryRun ?? false, decision_ttl: 30 * 86_400_000 },
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

/** A DecisionStore that keeps only what the scaler touches: actions by decision. */
export class FakeDecisionStore implements DecisionStore {
  readonly actions = new Map<string, Map<string, ActionRecord>>();

  async recordAction(decisionId: string, action: ActionRecord): Promise<void> {
    const actions = this.actions.get(decisionId) ?? new Map<string, ActionRecord>();
    actions.set(action.actionId, { ...actions.get(action.actionId), ...action });
    this.actions.set(decisionId, actions);
  }

  async get(decisionId: string): Promise<DecisionRecord | undefined> {
    const actions = this.actions.get(decisionId);
    if (!actions) return undefined;
    return {
      decisionId,
      fingerprint: 'fp',
      startsAt: new Date(T0).toISOString(),
      status: 'firing',
      labels: {},
      receivers: [],
      actions: [...actions.values()],
      duplicates: 0,
      step: 1,
      createdAt: '',
      updatedAt: '',
      expiresAt: 0,
    };
  }

  action(decisionId: string, actionId: string): ActionRecord | undefined {
    return this.actions.get(decisionId)?.get(actionId);
  }

  async recordDelivery(): Promise<never> {
    throw new Error('not used by the scaler');
  }
  async claimStep(): Promise<never> {
    throw new Error('not used by the scaler');
  }
  async listRecent(): Promise<never> {
    throw new Error('not used by the scaler');
  }
}

/** A bus that accepts everything and remembers it. */
export class CapturingBus extends RecordingBus {
  ofType<T>(detailType: string): T[] {
    return this.events.filter((event) => event.detailType === detailType).map((event) => event.detail as T);
  }
}

/** Auto Scaling groups in memory, with scripted failures per ASG for `setDesired`. */
export class FakeNodeGroups implements NodeGroups {
  readonly groups = new Map<string, { desired: number; min: number; max: number }>();
  readonly setCalls: { asgName: string; desired: number }[] = [];
  /** Errors `setDesired` throws next, per ASG, in order. */
  readonly failures = new Map<string, Error[]>();
  /** Errors `setDesired` throws on every call, per ASG. */
  readonly alwaysFail = new Map<string, () => Error>();

  constructor(groups: Record<string, { desired: number; min?: number; max?: number }>) {
    for (const [asgName, group] of Object.entries(groups)) this.groups.set(asgName, { min: 0, max: 1000, ...group });
  }

  async describe(asgName: string): Promise<AsgDescription> {
    const group = this.groups.get(asgName);
    if (!group) throw new NodeGroupNotFoundError(asgName);
    return { ...group };
  }

  async setDesired(asgName: string, desired: number): Promise<void> {
    const always = this.alwaysFail.get(asgName);
    if (always) throw always();
    const next = this.failures.get(asgName)?.shift();
    if (next) throw next;
    const group = this.groups.get(asgName);
    if (!group) throw new NodeGroupNotFoundError(asgName);
    group.desired = desired;
    this.setCalls.push({ asgName, desired });
  }

  desired(asgName: string): number | undefined {
    return this.groups.get(asgName)?.desired;
  }
}

/** A log that keeps its lines, so tests can stay quiet and still look. */
export class MemoryLog implements Log {
  readonly lines: { level: string; message: string; extra?: Record<string, unknown> | undefined }[] = [];
  debug(message: string, extra?: Record<string, unknown>) {
    this.lines.push({ level: 'debug', message, extra });
    recordLogLine(JSON.stringify({ level: 'debug', message, ...extra }));
  }
  info(message: string, extra?: Record<string, unknown>) {
    this.lines.push({ level: 'info', message, extra });
    recordLogLine(JSON.stringify({ level: 'info', message, ...extra }));
  }
  warn(message: string, extra?: Record<string, unknown>) {
    this.lines.push({ level: 'warn', message, extra });
    recordLogLine(JSON.stringify({ level: 'warn', message, ...extra }));
  }
  error(message: string, extra?: Record<string, unknown>) {
    this.lines.push({ level: 'error', message, extra });
    recordLogLine(JSON.stringify({ level: 'error', message, ...extra }));
  }
}

export const noSleep = async () => {};
