import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOG_DIR_ENV } from './log-sink';
import { SUITE_SECRETS } from './secrets';

/**
 * Vitest global setup: gives the run a log directory, and at the end fails the
 * run if any secret of the suite appears in any line any test logged or printed.
 */
export default function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'alertscale-test-logs-'));
  process.env[LOG_DIR_ENV] = dir;
  return () => {
    const lines = readdirSync(dir).flatMap((file) => readFileSync(join(dir, file), 'utf8').split('\n'));
    const leaks = lines.filter((line) => SUITE_SECRETS.some((secret) => line.includes(secret)));
    rmSync(dir, { recursive: true, force: true });
    if (leaks.length > 0) {
      // A throw here is only printed by vitest; the exit code is what fails CI.
      process.stderr.write(`secret scan FAILED: ${leaks.length} log line(s) hold a test secret:\n${leaks.slice(0, 10).join('\n')}\n`);
      process.exitCode = 1;
      return;
    }
    process.stdout.write(`secret scan: ${lines.length} log lines from the whole suite, no test secret in any\n`);
  };
}
