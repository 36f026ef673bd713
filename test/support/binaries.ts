import { execFileSync } from 'node:child_process';

/**
 * Whether a program from Debian's packages is on PATH. Tests that need one
 * use `describe.runIf(needBinary(...))`: in CI (`CI=true`) a missing program
 * is a failure, elsewhere the suite is skipped with a message saying how to
 * install it.
 */
export function needBinary(binary: string, installHint = 'apt-get install -y prometheus-alertmanager'): boolean {
  let found = true;
  try {
    execFileSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' });
  } catch {
    found = false;
  }
  if (!found) {
    if (process.env.CI === 'true') {
      throw new Error(`${binary} is not installed and CI=true requires it; install it with: ${installHint}`);
    }
    console.warn(`skipping: ${binary} is not installed; install it with: ${installHint}`);
  }
  return found;
}
