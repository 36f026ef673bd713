import type { EventEnvelope } from '../local/emulators/local-bus';
import type { SimulatedNodeGroups } from '../local/emulators/simulated-node-groups';
import type { Config } from '../shared/config/schema';
import { DetailType, type AlertDecided, type NotificationSent, type ScaleRequested, type ScalingActionEvent } from '../shared/events';
import { describeAlert, type TimelineRow } from './report';

interface KnownDecision {
  readonly labels: Readonly<Record<string, string>>;
  readonly status: 'firing' | 'resolved';
  step: number;
}

const signed = (n: number) => (n >= 0 ? `+${n}` : `${n}`);

/** The node-group label values an alert names a group by, for the configuration's scale configs. */
function nodeGroupLabels(config: Config): string[] {
  const labels = new Set(config.receivers.flatMap((receiver) => receiver.scale_configs.flatMap((scale) => (scale.node_group_label ? [scale.node_group_label] : []))));
  return [...labels];
}

/**
 * Watches replay's bus as an EventBridge subscriber would — `Alert Decided`,
 * `Scale Requested`, `Scaling Action`, `Notification Sent` — and turns what
 * the stages published into the timeline, and samples each simulated group's
 * desired capacity after every moment of history. It reads the public event
 * contract only: what replay shows is what a subscriber of the live bus sees.
 */
export class ReplayObserver {
  readonly rows: TimelineRow[] = [];
  /** Per node group, its desired capacity from each sampled moment on (epoch ms). */
  readonly series = new Map<string, { at: number; desired: number }[]>();
  readonly pages = new Map<string, number>();
  readonly actions = new Map<string, Map<string, number>>();
  readonly unknownNodeGroups = new Map<string, number>();
  private readonly decisions = new Map<string, KnownDecision>();
  private readonly requests = new Map<string, ScaleRequested>();
  private readonly configured: ReadonlySet<string>;
  private readonly groupLabels: readonly string[];

  constructor(
    config: Config,
    private readonly nodeGroups: SimulatedNodeGroups,
  ) {
    this.configured = new Set(config.node_groups.map((group) => group.name));
    this.groupLabels = nodeGroupLabels(config);
  }

  /** Takes every event put on the bus. */
  readonly observe = (event: EventEnvelope): void => {
    switch (event['detail-type']) {
      case DetailType.AlertDecided:
        return this.decided(event.detail as AlertDecided);
      case DetailType.ScaleRequested: {
        const request = event.detail as ScaleRequested;
        this.requests.set(request.actionId, request);
        return;
      }
      case DetailType.ScalingAction:
        return this.scalingAction(event.detail as ScalingActionEvent);
      case DetailType.NotificationSent:
        return this.notificationSent(event.detail as NotificationSent);
      default:
    }
  };

  /** Notes each group's desired capacity at `at` (epoch ms), when it changed. */
  sample(at: number): void {
    for (const group of this.nodeGroups.snapshot()) {
      const points = this.series.get(group.nodeGroup) ?? [];
      this.series.set(group.nodeGroup, points);
      const last = points[points.length - 1];
      if (last?.desired === group.desired) continue;
      // Changes within one instant show as one step; the very first point stays, it is where the group started.
      if (last?.at === at && points.length > 1) last.desired = group.desired;
      else points.push({ at, desired: group.desired });
    }
  }

  private decided(detail: AlertDecided): void {
    const known = this.decisions.get(detail.decisionId);
    if (known) known.step = detail.step;
    else {
      this.decisions.set(detail.decisionId, { labels: detail.alert.labels, status: detail.alert.status, step: detail.step });
      this.noteUnknownGroups(detail.alert.labels);
    }
    for (const action of detail.actions) {
      // Muted actions and scale actions that name no configured group are news; other skips (a resolve no config acts on) are not.
      const worthARow = action.outcome === 'muted' || (action.outcome === 'skipped' && action.kind === 'scale' && /node group/.test(action.detail ?? ''));
      if (!worthARow) continue;
      this.rows.push({
        at: detail.at,
        alert: describeAlert(detail.alert.labels),
        status: detail.alert.status,
        decision: detail.step === 1 ? 'new' : `step ${detail.step}`,
        action: action.kind === 'scale' ? `scale ${action.target || '(no node group)'}` : `page ${action.target} (${action.receiver})`,
        outcome: action.outcome,
        reason: action.detail,
      });
    }
  }

  private noteUnknownGroups(labels: Readonly<Record<string, string>>): void {
    for (const label of this.groupLabels) {
      const name = labels[label];
      if (name !== undefined && !this.configured.has(name)) this.unknownNodeGroups.set(name, (this.unknownNodeGroups.get(name) ?? 0) + 1);
    }
  }

  private scalingAction(detail: ScalingActionEvent): void {
    const byOutcome = this.actions.get(detail.nodeGroup) ?? new Map<string, number>();
    this.actions.set(detail.nodeGroup, byOutcome);
    byOutcome.set(detail.outcome, (byOutcome.get(detail.outcome) ?? 0) + 1);
    const request = this.requests.get(detail.actionId);
    const step = request?.set !== undefined ? `set ${request.set}` : request?.change !== undefined ? signed(request.change) : '';
    const fallback = request?.fallbackFrom !== undefined ? ` (fallback from ${request.fallbackFrom})` : '';
    this.rows.push({
      ...this.about(detail.decisionIds, detail.at),
      action: `scale ${detail.nodeGroup}${step ? ` ${step}` : ''}${fallback}`,
      outcome: detail.outcome,
      nodeGroup: detail.nodeGroup,
      from: detail.from,
      to: detail.to,
      reason: detail.reason,
    });
  }

  private notificationSent(detail: NotificationSent): void {
    if (detail.outcome === 'sent') this.pages.set(detail.channel, (this.pages.get(detail.channel) ?? 0) + 1);
    const failed = detail.sends.find((send) => send.outcome === 'failed');
    this.rows.push({
      ...this.about(detail.decisionIds, detail.at),
      action: `${detail.reason === 'escalation' ? 'escalate: ' : ''}page ${detail.channel} (${detail.receiver})`,
      outcome: detail.outcome,
      reason: failed?.reason,
    });
  }

  /** The alert and decision columns for an action serving these decisions. */
  private about(decisionIds: readonly string[], at: string): Pick<TimelineRow, 'at' | 'alert' | 'status' | 'decision'> {
    const first = this.decisions.get(decisionIds[0] ?? '');
    const more = decisionIds.length > 1 ? ` and ${decisionIds.length - 1} more` : '';
    const step = Math.max(1, ...decisionIds.map((id) => this.decisions.get(id)?.step ?? 1));
    return {
      at,
      alert: `${first ? describeAlert(first.labels) : '(unknown alert)'}${more}`,
      status: first?.status ?? 'firing',
      decision: step === 1 ? 'new' : `step ${step}`,
    };
  }
}
