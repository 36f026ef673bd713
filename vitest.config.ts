import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // debian-tools installs or extracts Alertmanager, amtool and promtool from Debian's packages when
    // missing; first, so that its summary of skipped suites is the last thing a run prints.
    // Every log line of the suite is scanned for the test secrets at the end (test/support/secrets.ts).
    globalSetup: ['test/support/debian-tools.global.ts', 'test/support/log-scan.global.ts'],
    setupFiles: ['test/support/capture-output.ts'],
    // The SDK warns that Node 20 support ends in 2027; that is known, not a test failure.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', AWS_REGION: 'us-east-1' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
