import type { Log } from '../../lambdas/shared/log';

/** Bytes and lines a stage's log would hold on AWS. */
export interface LogUsage {
  lines: number;
  bytes: number;
}

/** CloudWatch Logs counts every log event as its UTF-8 message plus 26 bytes. */
export const LOG_EVENT_OVERHEAD_BYTES = 26;
const TIMESTAMP = '2026-12-01T12:00:00.000Z';
const TRACE_ID = '1-5759e988-bd862e3fe1be46a994272793';

/**
 * The bytes one line costs as Powertools' Logger writes it on Lambda (without
 * a Lambda context added, as our handlers log): level, message, timestamp,
 * service, sampling rate and X-Ray trace id, then the extra keys; plus the
 * newline and CloudWatch's per-event overhead.
 */
export function powertoolsLineBytes(service: string, level: string, message: string, extra?: Record<string, unknown>): number {
  const line = JSON.stringify({ level, message, timestamp: TIMESTAMP, service, sampling_rate: 0, xray_trace_id: TRACE_ID, ...extra });
  return Buffer.byteLength(line) + 1 + LOG_EVENT_OVERHEAD_BYTES;
}

/**
 * The bytes of one embedded-metric-format line as Powertools' `singleMetric`
 * writes it for one count (`{"_aws":{…},"service":…,<dimensions>,<name>:<value>}`),
 * plus the newline and CloudWatch's per-event overhead.
 */
export function emfLineBytes(service: string, name: string, value: number, dimensions: Readonly<Record<string, string>> = {}): number {
  const document = {
    _aws: { Timestamp: 1796127800687, CloudWatchMetrics: [{ Namespace: 'alertscale', Dimensions: [['service', ...Object.keys(dimensions)]], Metrics: [{ Name: name, Unit: 'Count' }] }] },
    service,
    ...dimensions,
    [name]: value,
  };
  return Buffer.byteLength(JSON.stringify(document)) + 1 + LOG_EVENT_OVERHEAD_BYTES;
}

/**
 * Loggers for local mode's components that print nothing (logs stay out of
 * the measurement) but count, per component, the bytes each line would take
 * in CloudWatch Logs at Powertools' default level (INFO: debug lines are not
 * written). Set `BENCH_DEBUG` to see errors.
 */
export class LogMeter {
  usage: Record<string, LogUsage> = {};

  /** Forgets what was counted (between phases). */
  reset(): void {
    this.usage = {};
  }

  /** The logger for one component (`ingest`, `router`, …, or `queue` for local mode's own emulators). */
  forComponent(component: string): Log {
    const count = (level: string) => (message: string, extra?: Record<string, unknown>) => {
      const usage = (this.usage[component] ??= { lines: 0, bytes: 0 });
      usage.lines++;
      usage.bytes += powertoolsLineBytes(`alertscale-${component}`, level, message, extra);
      if (level === 'ERROR' && process.env.BENCH_DEBUG) process.stderr.write(`${component}: ${message} ${JSON.stringify(extra)}\n`);
    };
    return { debug: () => undefined, info: count('INFO'), warn: count('WARN'), error: count('ERROR') };
  }
}
