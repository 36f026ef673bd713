import { ProvisionedThroughputExceededException, ThrottlingException } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { actedScaleTargets, countableConfig, fakePagerduty, postAsReplicas, startInProcess, storm, type FakePagerduty, type InProcessLocalMode } from './support';

let pagerduty: FakePagerduty;
let local: InProcessLocalMode | undefined;
beforeEach(async () => {
  pagerduty = await fakePagerduty();
});
afterEach(async () => {
  await local?.stop();
  local = undefined;
  await pagerduty.close();
});

describe('DynamoDB throttling', () => {
  it('is absorbed by the SDK retries when it passes: still one decision and one outcome per action', { timeout: 120_000 }, async () => {
    local = await startInProcess({ config: countableConfig(pagerduty.url) });
    // Inside the SDK's retry loop, so the SDK sees a throttled attempt and tries again. Every third call's first
    // attempt, up to a budget that stays inside the SDK's retry quota (it would otherwise stop retrying).
    let calls = 0;
    let injected = 0;
    let retried = 0;
    local.pipeline.dynamo.client.middlewareStack.add(
      (next) => async (args) => {
        const attempt = (args.request as { headers?: Record<string, string> }).headers?.['amz-sdk-request'] ?? '';
        if (attempt.startsWith('attempt=2;')) retried++;
        if (attempt.startsWith('attempt=1;') && ++calls % 3 === 0 && injected < 40) {
          injected++;
          throw new ProvisionedThroughputExceededException({ message: 'The level of configured provisioned throughput for the table was exceeded.', $metadata: { httpStatusCode: 400 } });
        }
        return next(args);
      },
      { step: 'deserialize', name: 'injectThrottling', priority: 'high' },
    );
    const { notifications, occurrences } = storm(10, 10, 'absorbed');

    expect(await postAsReplicas(local, notifications)).toEqual(Array(20).fill(200));
    await local.settled(occurrences);

    expect(injected).toBe(40);
    expect(retried).toBeGreaterThanOrEqual(40);
    const decisions = await local.decisions();
    expect(decisions.map((d) => d.decisionId).sort()).toEqual(occurrences.map((o) => o.decisionId).sort());
    expect(actedScaleTargets(decisions)).toEqual(['gpu-a', 'gpu-b']);
    expect(await local.deadLetters()).toEqual([]);
  });

  it('that outlasts the SDK retries fails the record, and the queue redelivery finishes it exactly once', { timeout: 120_000 }, async () => {
    local = await startInProcess({ config: countableConfig(pagerduty.url) });
    // Before the SDK's retry loop, so the error reaches the router, scaler and notifier as a spent retry budget
    // would. Once per decision item, so a record is failed at most a couple of times: never parked.
    const throttled = new Set<string>();
    local.pipeline.dynamo.client.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { Key?: { pk?: AttributeValue }; Item?: { pk?: AttributeValue } };
        const pk = input.Key?.pk?.S ?? input.Item?.pk?.S;
        if (pk?.startsWith('decision#') && !throttled.has(pk)) {
          throttled.add(pk);
          throw new ThrottlingException({ message: 'Rate of requests exceeds the allowed throughput.', $metadata: { httpStatusCode: 400 } });
        }
        return next(args);
      },
      { step: 'initialize', name: 'injectThrottlingOutsideRetries' },
    );
    const { notifications, occurrences } = storm(10, 10, 'outlasting');

    expect(await postAsReplicas(local, notifications)).toEqual(Array(20).fill(200));
    await local.settled(occurrences);

    expect(throttled.size).toBe(occurrences.length);
    const decisions = await local.decisions();
    expect(decisions.map((d) => d.decisionId).sort()).toEqual(occurrences.map((o) => o.decisionId).sort());
    expect(actedScaleTargets(decisions)).toEqual(['gpu-a', 'gpu-b']);
    expect(await local.deadLetters()).toEqual([]);
  });
});
