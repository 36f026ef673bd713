import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DetailType, type BusEvent } from '../../../lambdas/shared/events';
import type { PutOutcome } from '../../../lambdas/shared/publish';
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

interface Injected {
  refusedEntries: number;
  failedCalls: number;
}

/**
 * Makes the bus behave as PutEvents does under pressure, for every stage that
 * publishes (ingest, router, scaler, notifier): every other entry is refused
 * once (`FailedEntryCount` > 0, an error code per entry), every fifth call
 * fails outright (throttled) — each event at most once of each, so the
 * publishers' own retries (four attempts) get every event through. The first
 * notification posted with `refusedGroupKey` is refused on every attempt, so
 * that webhook answers 5xx and Alertmanager retries it.
 */
function injectPartialFailures(local: InProcessLocalMode, refusedGroupKey: string): Injected {
  const bus = local.pipeline.bus;
  const putBatch = bus.putBatch.bind(bus);
  const refusedOnce = new WeakSet<BusEvent>();
  const thrownOnce = new WeakSet<BusEvent>();
  let refusedNotification: string | undefined;
  const injected: Injected = { refusedEntries: 0, failedCalls: 0 };
  let calls = 0;
  let entries = 0;
  bus.putBatch = async (events: readonly BusEvent[]): Promise<readonly PutOutcome[]> => {
    if (++calls % 5 === 0 && events.every((event) => !thrownOnce.has(event))) {
      events.forEach((event) => thrownOnce.add(event));
      injected.failedCalls++;
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    }
    const refuseAlways = (event: BusEvent) => {
      const detail = event.detail as { groupKey?: string; notificationId?: string };
      if (detail.groupKey !== refusedGroupKey || event.detailType !== DetailType.Notification) return false;
      refusedNotification ??= detail.notificationId;
      return detail.notificationId === refusedNotification;
    };
    const refuse = events.map((event) => {
      if (refuseAlways(event)) return true;
      if (refusedOnce.has(event) || ++entries % 2 === 1) return false;
      refusedOnce.add(event);
      return true;
    });
    const accepted = await putBatch(events.filter((_, i) => !refuse[i]));
    let next = 0;
    return events.map((_, i) => {
      if (!refuse[i]) return accepted[next++]!;
      injected.refusedEntries++;
      return { ok: false, errorCode: 'ThrottlingException', errorMessage: 'Rate exceeded' } as const;
    });
  };
  return injected;
}

describe('EventBridge partial failures', () => {
  it('are retried entry by entry everywhere, a webhook the bus keeps refusing answers 5xx, and the end state is one decision and one outcome per action', { timeout: 120_000 }, async () => {
    local = await startInProcess({ config: countableConfig(pagerduty.url) });
    const { notifications, occurrences } = storm(10, 10, 'partial');
    const refusedGroupKey = notifications[3]!.groupKey;
    const injected = injectPartialFailures(local, refusedGroupKey);

    const statuses = await postAsReplicas(local, notifications);
    await local.settled(occurrences);

    // Alertmanager got a 5xx for the webhook the bus would not take (and retried it), and never a 4xx.
    expect(statuses.filter((status) => status >= 500)).toEqual([503]);
    expect(statuses.filter((status) => status >= 400 && status < 500)).toEqual([]);
    expect(injected.refusedEntries).toBeGreaterThan(20);
    expect(injected.failedCalls).toBeGreaterThan(5);
    const decisions = await local.decisions();
    expect(decisions.map((d) => d.decisionId).sort()).toEqual(occurrences.map((o) => o.decisionId).sort());
    expect(actedScaleTargets(decisions)).toEqual(['gpu-a', 'gpu-b']);
    expect(new Set(pagerduty.dedupKeys)).toEqual(new Set(occurrences.map((o) => o.dedupKey)));
    expect(await local.deadLetters()).toEqual([]);
  });
});
