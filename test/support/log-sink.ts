import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where every log line of a test run goes besides its own logger, so that the
 * global teardown (`test/support/log-scan.global.ts`) can check the whole
 * suite's output for secrets. One file per worker process.
 */
export const LOG_DIR_ENV = 'ALERTSCALE_TEST_LOG_DIR';

export function recordLogLine(line: string): void {
  const dir = process.env[LOG_DIR_ENV];
  if (dir) appendFileSync(join(dir, `${process.pid}.log`), line.endsWith('\n') ? line : `${line}\n`);
}
