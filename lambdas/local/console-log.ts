import type { Log } from '../shared/log';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
type Level = (typeof LEVELS)[number];

/**
 * A readable one-line-per-entry logger for local mode's console. Lambda uses
 * Powertools' JSON logger instead; both satisfy the `Log` port.
 */
export function consoleLog(component: string, level: Level = (process.env.LOG_LEVEL?.toLowerCase() as Level) || 'info'): Log {
  const threshold = Math.max(0, LEVELS.indexOf(level));
  const write = (at: Level) => (message: string, extra?: Record<string, unknown>) => {
    if (LEVELS.indexOf(at) < threshold) return;
    const line = `${new Date().toISOString()} ${at.padEnd(5)} [${component}] ${message}${extra ? ` ${JSON.stringify(extra)}` : ''}`;
    (at === 'error' || at === 'warn' ? process.stderr : process.stdout).write(`${line}\n`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
