import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeProvisioning, provisionDebianTools, systemCommandRunner } from './debian-tools';
import { readSkippedSuites, SKIPS_FILE_ENV, skippedSuitesSummary, TOOLS_UNAVAILABLE_ENV } from './skipped-suites';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
/** Packages extracted without root live here (git-ignored), one directory per package. */
const cacheDir = join(projectRoot, '.cache', 'debian');

/**
 * Vitest global setup: makes sure Alertmanager, amtool and promtool are on the
 * PATH the test workers inherit, installing or extracting Debian's packages
 * when they are missing, and prints one line saying what it did. When that is
 * impossible it says so in a box, the suites that need them are skipped (they
 * fail under CI=true), and at the end of the run a second box counts them.
 */
export default async function setup() {
  const started = Date.now();
  const provisioning = await provisionDebianTools({
    path: process.env.PATH ?? '',
    cacheDir,
    isRoot: process.getuid?.() === 0,
    run: systemCommandRunner,
  });
  process.env.PATH = provisioning.path;
  if (provisioning.kind === 'unavailable') process.env[TOOLS_UNAVAILABLE_ENV] = provisioning.reason;
  process.stdout.write(`${describeProvisioning(provisioning, Date.now() - started, relative(projectRoot, cacheDir))}\n`);

  const skipsDir = mkdtempSync(join(tmpdir(), 'alertscale-test-skips-'));
  const skipsFile = join(skipsDir, 'skips.jsonl');
  process.env[SKIPS_FILE_ENV] = skipsFile;
  return () => {
    const skips = readSkippedSuites(skipsFile);
    rmSync(skipsDir, { recursive: true, force: true });
    if (skips.length > 0) process.stdout.write(`\n${skippedSuitesSummary(skips, process.env[TOOLS_UNAVAILABLE_ENV])}\n`);
  };
}
