import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { cachedBinDir, extractPackages, findOnPath, systemCommandRunner } from '../../support/debian-tools';

/** What apt says when it cannot reach the mirror: no network, no DNS, a proxy in the way. */
const MIRROR_UNREACHABLE = /Failed to fetch|Temporary failure resolving|Could not resolve|Unable to connect|Could not connect|Network is unreachable|Connection timed out/i;

/** Skips with the reason on a developer's machine; under CI=true the same reason fails the test. */
function skipOrFail(context: TestContext, reason: string): never {
  if (process.env.CI === 'true') throw new Error(`${reason} (CI=true requires this test to run)`);
  console.warn(`skipping: ${reason}`);
  return context.skip(reason);
}

describe('extracting a Debian package without root', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'alertscale-apt-download-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('apt-get download and dpkg-deb -x of prometheus-alertmanager give an amtool that runs', { timeout: 180_000 }, async (context) => {
    const absent = ['apt-get', 'dpkg-deb'].filter((binary) => !findOnPath(binary, process.env.PATH ?? ''));
    if (absent.length > 0) skipOrFail(context, `${absent.join(' and ')} not on PATH: not a Debian-family system`);

    const error = await extractPackages(['prometheus-alertmanager'], dir, systemCommandRunner);
    if (error !== undefined && MIRROR_UNREACHABLE.test(error)) skipOrFail(context, `the Debian mirror is unreachable: ${error}`);
    expect(error).toBeUndefined();
    const amtool = join(cachedBinDir(dir, 'prometheus-alertmanager'), 'amtool');
    const { stdout, stderr } = await promisify(execFile)(amtool, ['--version']);

    expect(`${stdout}${stderr}`).toMatch(/^amtool, version \d+\.\d+\.\d+/m);
  });
});
