/**
 * Every secret value the suite uses: webhook tokens, PagerDuty routing keys,
 * Slack webhook paths, signing keys. The global teardown fails the run if any
 * of them appears in any log line or console output of any test. A test that
 * introduces a secret adds it here.
 */
export const SUITE_SECRETS: readonly string[] = [
  // webhook tokens
  'pause-cli-token',
  'e2e-intervals-token',
  'test-token-7f3a9c',
  'dedupe-test-token',
  'http-test-token',
  'e2e-token-5d1c',
  'e2e-actions-token',
  'storm-token',
  'read-token',
  'fuzz-token',
  'crash-test-token',
  'fault-suite-token',
  // channel credentials
  'e2e-routing-key',
  'pd-routing-key-7f3a9c1e5b2d4f60',
  '/services/T0TEST/B0TEST/slack-webhook-secret-8c1d',
  'hook-signing-key-2b9e4a7d1c6f',
  // notifier: Events API v1, http_config credentials
  'pd-service-key-v1-3e8b0c5a9d2f',
  'cp-bearer-token-6a1f9e3c7b20',
  'cp-basic-password-4d7e2a9b1c',
  // drain request signing keys
  'drain-signing-key-9c4e1a7b3d',
  'e2e-drain-signing-key-5f2c8d',
  'drain-it-signing-key-3b7a1e',
  // drain tokens
  'e2e-drain-token-7a3f',
  'drain-callback-token-2c9e',
];
