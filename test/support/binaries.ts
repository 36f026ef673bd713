import { relative } from 'node:path';
import { expect } from 'vitest';
import { DEBIAN_TOOLS, findOnPath } from './debian-tools';
import { recordSkippedSuite, TOOLS_UNAVAILABLE_ENV } from './skipped-suites';

/**
 * Whether a program is on PATH — the PATH the global setup
 * (`debian-tools.global.ts`) handed the workers, with the Debian programs it
 * installed or extracted. Tests that need one use
 * `describe.runIf(needBinary(...))`: in CI (`CI=true`) a missing program is a
 * failure, elsewhere the suite is skipped with a message saying how to install
 * it, and counted in the summary at the end of the run.
 */
export function needBinary(binary: string, installHint = defaultInstallHint(binary)): boolean {
  if (findOnPath(binary, process.env.PATH ?? '')) return true;
  const why = process.env[TOOLS_UNAVAILABLE_ENV];
  const because = why ? ` (the test setup could not provide it: ${why})` : '';
  if (process.env.CI === 'true') {
    throw new Error(`${binary} is not installed and CI=true requires it; install it with: ${installHint}${because}`);
  }
  console.warn(`skipping: ${binary} is not installed; install it with: ${installHint}${because}`);
  recordSkippedSuite({ file: relative(process.cwd(), expect.getState().testPath ?? 'unknown test file'), binary, installHint });
  return false;
}

function defaultInstallHint(binary: string): string {
  const tool = DEBIAN_TOOLS.find((t) => t.binary === binary);
  return `apt-get install -y ${tool?.package ?? binary}`;
}
