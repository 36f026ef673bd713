import type { Log } from '../../../lambdas/shared/log';
import { recordLogLine } from '../log-sink';

type Level = 'debug' | 'info' | 'warn' | 'error';

/** Every line any `MemoryLog` of this test file wrote (a test file runs in its own worker), for leak checks. */
export const allLogLines: string[] = [];

/** One entry a `MemoryLog` kept. */
export interface LogEntry {
  readonly level: Level;
  readonly message: string;
  readonly extra?: Record<string, unknown>;
}

/**
 * A logger that keeps every entry, for tests that assert on logs (or that
 * nothing secret is in them): `entries` as structured objects, `lines` as
 * text. Every line also goes to the suite-wide secret scan.
 */
export class MemoryLog implements Log {
  readonly entries: LogEntry[] = [];
  readonly lines: string[] = [];

  private write(level: Level, message: string, extra?: Record<string, unknown>): void {
    this.entries.push({ level, message, ...(extra ? { extra } : {}) });
    const line = `${level} ${message}${extra ? ` ${JSON.stringify(extra)}` : ''}`;
    this.lines.push(line);
    allLogLines.push(line);
    recordLogLine(line);
  }

  debug(message: string, extra?: Record<string, unknown>): void {
    this.write('debug', message, extra);
  }
  info(message: string, extra?: Record<string, unknown>): void {
    this.write('info', message, extra);
  }
  warn(message: string, extra?: Record<string, unknown>): void {
    this.write('warn', message, extra);
  }
  error(message: string, extra?: Record<string, unknown>): void {
    this.write('error', message, extra);
  }
}

/** A fresh `MemoryLog`. */
export const memoryLog = (): MemoryLog => new MemoryLog();
