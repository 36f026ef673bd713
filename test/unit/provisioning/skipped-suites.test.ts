import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { needBinary } from '../../support/binaries';
import { readSkippedSuites, SKIPS_FILE_ENV, skippedSuitesSummary, TOOLS_UNAVAILABLE_ENV } from '../../support/skipped-suites';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'alertscale-skips-test-'));
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe('the summary of skipped suites', () => {
  it('is a box with how many suites, for which programs, in which files, why and one install command', () => {
    const summary = skippedSuitesSummary(
      [
        { file: 'test/e2e/alertmanager.test.ts', binary: 'prometheus-alertmanager', installHint: 'apt-get install -y prometheus-alertmanager' },
        { file: 'test/integration/routing/amtool-parity.test.ts', binary: 'amtool', installHint: 'apt-get install -y prometheus-alertmanager' },
        { file: 'test/integration/routing/amtool-parity.test.ts', binary: 'amtool', installHint: 'apt-get install -y prometheus-alertmanager' },
        { file: 'test/integration/prometheus/promtool.test.ts', binary: 'promtool', installHint: 'apt-get install -y prometheus' },
      ],
      'apt-get download failed: E: Failed to fetch',
    );

    expect(summary.split('\n').map((line) => line.slice(2, -2).trimEnd())).toEqual([
      '═'.repeat(summary.indexOf('╗') - 3),
      'SKIPPED: 4 suites need amtool, prometheus-alertmanager, promtool',
      '  test/e2e/alertmanager.test.ts',
      '  test/integration/prometheus/promtool.test.ts',
      '  test/integration/routing/amtool-parity.test.ts',
      'why: apt-get download failed: E: Failed to fetch',
      'install with: apt-get install -y prometheus-alertmanager prometheus',
      '═'.repeat(summary.indexOf('╗') - 3),
    ]);
  });
});

describe('needBinary', () => {
  it('finds a program on the PATH the global setup handed the worker', () => {
    writeFileSync(join(dir, 'promtool'), '#!/bin/sh\n', { mode: 0o755 });
    vi.stubEnv('PATH', `${dir}${delimiter}${process.env.PATH ?? ''}`);
    vi.stubEnv('CI', 'true');

    expect(needBinary('promtool')).toBe(true);
  });

  it('outside CI, skips and records the suite with its test file for the summary at the end of the run', () => {
    const skips = join(dir, 'skips.jsonl');
    vi.stubEnv(SKIPS_FILE_ENV, skips);
    vi.stubEnv('CI', '');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);

    expect(needBinary('alertscale-no-such-program')).toBe(false);
    expect(warn).toHaveBeenCalledWith('skipping: alertscale-no-such-program is not installed; install it with: apt-get install -y alertscale-no-such-program');
    expect(readSkippedSuites(skips)).toEqual([
      { file: 'test/unit/provisioning/skipped-suites.test.ts', binary: 'alertscale-no-such-program', installHint: 'apt-get install -y alertscale-no-such-program' },
    ]);
  });

  it('under CI=true, fails with the install command and why the setup could not provide the program', () => {
    vi.stubEnv('CI', 'true');
    vi.stubEnv(TOOLS_UNAVAILABLE_ENV, 'apt-get is not on PATH (not a Debian-family system)');

    expect(() => needBinary('alertscale-no-such-program', 'apt-get install -y prometheus')).toThrow(
      'alertscale-no-such-program is not installed and CI=true requires it; install it with: apt-get install -y prometheus (the test setup could not provide it: apt-get is not on PATH (not a Debian-family system))',
    );
  });
});
