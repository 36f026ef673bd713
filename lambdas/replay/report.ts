import type { InputProblem } from './history';

/**
 * What `replay` returns and `alertscale replay --json` prints: the same
 * report the text and HTML show, as data. Times are ISO 8601 (UTC). Fields
 * are only ever added.
 */

/** One thing that happened to an alert: an action's outcome, in time order. */
export interface TimelineRow {
  readonly at: string;
  /** `alertname{label="value",…}` of the (first) alert, with "and N more" when the action served several. */
  readonly alert: string;
  readonly status: 'firing' | 'resolved';
  /** `new` for a new occurrence, `step N` for a still-firing alert's extra step. */
  readonly decision: string;
  /** `scale gpu-a100 +2`, `scale gpu-h100 +2 (fallback from gpu-a100)`, `page pagerduty (oncall)`, `escalate: page …`. */
  readonly action: string;
  /** The stage's outcome: `scaled`, `cooldown`, `muted`, `sent`, … */
  readonly outcome: string;
  /** For scale actions: the node group and its desired capacity before and after. */
  readonly nodeGroup?: string | undefined;
  readonly from?: number | null | undefined;
  readonly to?: number | null | undefined;
  readonly reason?: string | undefined;
}

/** A point of a node group's desired capacity over time: from `at` on, `desired`. */
export interface DesiredPoint {
  readonly at: string;
  readonly desired: number;
}

/** One node group over the whole history. */
export interface NodeGroupSummary {
  readonly name: string;
  /** Desired capacity at the start (`local.desired`, `--start`) and at the end. */
  readonly start: number;
  readonly final: number;
  readonly min: number;
  readonly max: number;
  /** Scaling actions by outcome. */
  readonly actions: Readonly<Record<string, number>>;
  /** Desired capacity × time over the horizon, in node-hours. */
  readonly nodeHours: number;
  /** `hourly_cost` × node-hours, when the group has an `hourly_cost`. */
  readonly cost?: number | undefined;
  readonly series: readonly DesiredPoint[];
}

/** One decision (alert occurrence) as it ended: every action with its final outcome. */
export interface DecisionSummary {
  readonly decisionId: string;
  readonly alert: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly status: 'firing' | 'resolved';
  readonly step: number;
  readonly receivers: readonly string[];
  readonly actions: readonly {
    readonly actionId: string;
    readonly kind: 'scale' | 'notify';
    readonly target: string;
    readonly outcome: string;
    readonly from?: number | null | undefined;
    readonly to?: number | null | undefined;
  }[];
}

export interface ReplayReport {
  /** What was replayed with: the configuration's name. */
  readonly label: string;
  /** The horizon, first to last moment of history. */
  readonly from: string;
  readonly to: string;
  readonly deliveries: {
    /** Webhooks ingest accepted, and those it refused (each also a problem). */
    readonly webhooks: number;
    readonly refused: number;
    /** Alert deliveries (one alert in one webhook), by what dedupe made of them. */
    readonly alerts: number;
    readonly new: number;
    readonly duplicate: number;
    readonly stepped: number;
  };
  readonly timeline: readonly TimelineRow[];
  readonly nodeGroups: readonly NodeGroupSummary[];
  /** Notifications sent (to recorders), per channel. */
  readonly pages: Readonly<Record<string, number>>;
  readonly decisions: readonly DecisionSummary[];
  /** Node groups alerts named (by a scale config's `node_group_label`) that the configuration does not have. */
  readonly unknownNodeGroups: readonly { readonly name: string; readonly alerts: number }[];
  /** Input that could not be used: skipped, each with its file and line. */
  readonly problems: readonly InputProblem[];
  /** Things read that are not history (other detail-types), counted. */
  readonly ignored: number;
  /** Messages a stage failed on through every receive. */
  readonly deadLetters: readonly { readonly queue: string; readonly reason: string }[];
  /** What the stages warned about, each message once with how often. */
  readonly warnings: readonly { readonly message: string; readonly count: number }[];
}

const MS_PER_HOUR = 3_600_000;

/** Desired × time over [from, to] in node-hours, for a series of points (the first at or before `from`). */
export function nodeHoursOf(series: readonly { readonly at: number; readonly desired: number }[], from: number, to: number): number {
  let total = 0;
  series.forEach((point, i) => {
    const start = Math.max(point.at, from);
    const end = Math.min(series[i + 1]?.at ?? to, to);
    if (end > start) total += point.desired * (end - start);
  });
  return total / MS_PER_HOUR;
}

/** An alert as one short line: `GPUQueueDepthHigh{nodegroup="gpu-a100",queue="q0"}`. */
export function describeAlert(labels: Readonly<Record<string, string>>): string {
  const { alertname = '', ...rest } = labels;
  const others = Object.entries(rest)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name}="${value}"`);
  return `${alertname}${others.length > 0 ? `{${others.join(',')}}` : ''}`;
}

/** Rounds for display and for data alike: two decimals. */
export const round2 = (value: number) => Math.round(value * 100) / 100;
