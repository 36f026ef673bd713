import { METRIC, type CounterName, type Metrics } from '../shared/metrics';

/** The Prometheus name and labels of each counter. */
const COUNTERS: Record<CounterName, { readonly name: string; readonly help: string }> = {
  [METRIC.NotificationsAccepted]: { name: 'alertscale_notifications_accepted_total', help: 'Alertmanager webhooks accepted.' },
  [METRIC.AlertDeliveries]: { name: 'alertscale_alert_deliveries_total', help: 'Alerts delivered (one alert in one webhook), by outcome: new, duplicate, stepped.' },
  [METRIC.Decisions]: { name: 'alertscale_decisions_total', help: 'Decisions made: new alert occurrences and extra steps.' },
  [METRIC.ScalingActions]: { name: 'alertscale_scaling_actions_total', help: 'Scale requests handled, by node group and outcome.' },
  [METRIC.Notifications]: { name: 'alertscale_notifications_total', help: 'Notify requests handled, by channel and outcome.' },
};

/** A gauge read at scrape time. */
export interface Gauge {
  readonly name: string;
  readonly help: string;
  readonly samples: () => Promise<readonly { readonly labels: Readonly<Record<string, string>>; readonly value: number }[]>;
}

// The exposition format's escaping of label values: backslash, double quote and newline.
const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labelText = (labels: Readonly<Record<string, string>>) => {
  const entries = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? '' : `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
};

/**
 * Local mode's metrics: the same counters the stages count on AWS (through
 * the metrics port), plus gauges read when scraped, served by `GET /metrics`
 * in Prometheus' text exposition format.
 */
export class PrometheusRegistry implements Metrics {
  private readonly counters = new Map<CounterName, Map<string, { labels: Readonly<Record<string, string>>; value: number }>>();

  constructor(private readonly gauges: readonly Gauge[] = []) {}

  count(name: CounterName, value: number, dimensions: Readonly<Record<string, string>> = {}): void {
    const series = this.counters.get(name) ?? new Map();
    this.counters.set(name, series);
    const key = labelText(dimensions);
    const sample = series.get(key) ?? { labels: dimensions, value: 0 };
    sample.value += value;
    series.set(key, sample);
  }

  /** The value of one counter series (0 when never counted). */
  value(name: CounterName, dimensions: Readonly<Record<string, string>> = {}): number {
    return this.counters.get(name)?.get(labelText(dimensions))?.value ?? 0;
  }

  /** Every counter and gauge in Prometheus' text format (version 0.0.4). */
  async text(): Promise<string> {
    const lines: string[] = [];
    for (const [metric, { name, help }] of Object.entries(COUNTERS) as [CounterName, (typeof COUNTERS)[CounterName]][]) {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
      const series = [...(this.counters.get(metric)?.values() ?? [])];
      if (series.length === 0 && metric === METRIC.Decisions) lines.push(`${name} 0`);
      for (const sample of series) lines.push(`${name}${labelText(sample.labels)} ${sample.value}`);
    }
    for (const gauge of this.gauges) {
      lines.push(`# HELP ${gauge.name} ${gauge.help}`, `# TYPE ${gauge.name} gauge`);
      for (const sample of await gauge.samples()) lines.push(`${gauge.name}${labelText(sample.labels)} ${sample.value}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
