import type { Log } from '../../lambdas/shared/ports';
import { recordLogLine } from './log-sink';

type Level = 'debug' | 'info' | 'warn' | 'error';

/** A logger that keeps every entry, for tests that assert on logs (or that nothing secret is in them). */
export function memoryLog(): Log & { readonly lines: string[] } {
  const lines: string[] = [];
  const write = (at: Level) => (message: string, extra?: Record<string, unknown>) => {
    const line = `${at} ${message}${extra ? ` ${JSON.stringify(extra)}` : ''}`;
    lines.push(line);
    recordLogLine(line);
  };
  return { lines, debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
