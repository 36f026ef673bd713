import type { Log } from '../../lambdas/shared/log';

/**
 * A Log that prints nothing (logs stay out of the measurement) but counts the
 * bytes each line would take as a Powertools JSON line at its default level
 * (INFO), for the CloudWatch Logs line of the cost model. Its methods are own
 * properties, so a copy made with spread (`{ ...log }`) still has them.
 */
export class CountingLog implements Log {
  /** Powertools adds level, timestamp, service, cold_start, function_arn/name/memory/request_id and xray_trace_id. */
  static readonly ENVELOPE_BYTES = 260;
  lines = 0;
  bytes = 0;

  /** Below Powertools' default level: not written on Lambda. */
  readonly debug = (): void => undefined;
  readonly info = (message: string, extra?: Record<string, unknown>): void => this.count(message, extra);
  readonly warn = (message: string, extra?: Record<string, unknown>): void => this.count(message, extra);
  readonly error = (message: string, extra?: Record<string, unknown>): void => {
    if (process.env.BENCH_DEBUG) process.stderr.write(`${message} ${JSON.stringify(extra)}\n`);
    this.count(message, extra);
  };

  private count(message: string, extra?: Record<string, unknown>): void {
    this.lines++;
    this.bytes += CountingLog.ENVELOPE_BYTES + Buffer.byteLength(JSON.stringify({ message, ...extra }));
  }
}
