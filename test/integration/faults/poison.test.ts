import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalQueue } from '../../../lambdas/local/emulators/local-queue';
import { DetailType } from '../../../lambdas/shared/events';
import type { Log } from '../../../lambdas/shared/log';
import { countableConfig, fakePagerduty, postAsReplicas, startInProcess, storm, until, type FakePagerduty, type InProcessLocalMode } from './support';

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

const queueNamed = (local: InProcessLocalMode, name: string): LocalQueue => local.pipeline.queues.find((q) => q.name === name)!;

describe('a poison message', () => {
  it('on the alerts queue is parked in the DLQ with its error after five receives, and every other alert is decided', { timeout: 60_000 }, async () => {
    local = await startInProcess({ config: countableConfig(pagerduty.url) });
    const poisonId = queueNamed(local, 'alertscale-alerts').send(JSON.stringify({ 'detail-type': 'Alertmanager Notification', detail: { alerts: 'not alerts' } }));
    const { notifications, occurrences } = storm(6, 10, 'beside-poison');

    expect(await postAsReplicas(local, notifications)).toEqual(Array(12).fill(200));
    await local.settled(occurrences);
    const parked = await until(async () => {
      const letters = await local!.deadLetters();
      return letters.length > 0 ? letters : undefined;
    }, 'the poison message to be parked');

    expect(parked).toEqual([
      expect.objectContaining({ queue: 'alertscale-alerts', messageId: poisonId, receiveCount: 5, error: expect.stringMatching(/could not route record.*is not a valid "Alertmanager Notification" event/) }),
    ]);
    expect((await local.decisions()).map((d) => d.decisionId).sort()).toEqual(occurrences.map((o) => o.decisionId).sort());
  });

  it('is shown in GET /api/dlq with its reason even when every logger is silent: the reason comes from the failure hook, not a log line', { timeout: 60_000 }, async () => {
    const silent: Log = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
    local = await startInProcess({ config: countableConfig(pagerduty.url), log: () => silent });
    const poisonId = queueNamed(local, 'alertscale-scale.fifo').send('{ this is not JSON', 'gpu-a');

    const parked = await until(async () => {
      const letters = await local!.deadLetters();
      return letters.length > 0 ? letters : undefined;
    }, 'the poison message to be parked');

    expect(parked).toEqual([expect.objectContaining({ messageId: poisonId, error: `could not scale record: message ${poisonId} is not JSON` })]);
  });

  it('redriven while still poison is retried and parked again; a redrive naming no queue is refused with 400', { timeout: 60_000 }, async () => {
    local = await startInProcess({ config: countableConfig(pagerduty.url) });
    const alerts = queueNamed(local, 'alertscale-alerts');
    const poisonId = alerts.send('not JSON');
    await until(async () => ((await local!.deadLetters()).length === 1 ? true : undefined), 'the poison message to be parked');
    const receivesBefore = alerts.receives;

    const refused = await fetch(`${local.server.url}/api/dlq/redrive`, { method: 'POST', headers: { authorization: 'Bearer fault-suite-token' }, body: JSON.stringify({ queue: 'nope' }) });
    expect(refused.status).toBe(400);
    expect(await local.redrive({ messageIds: [poisonId] })).toMatchObject({ redriven: 1 });
    await until(async () => ((await local!.deadLetters()).length === 1 ? true : undefined), 'the poison message to be parked again');

    expect(alerts.receives - receivesBefore).toBe(5);
    expect(await local.deadLetters()).toEqual([expect.objectContaining({ messageId: poisonId, receiveCount: 5 })]);
  });

  it('on the FIFO scale queue holds back only its own node group, until it is parked; then that group goes on', { timeout: 60_000 }, async () => {
    local = await startInProcess({ config: countableConfig(pagerduty.url) });
    const scaleQueue = queueNamed(local, 'alertscale-scale.fifo');
    // What the DLQ held when each node group's first Scaling Action went out.
    const parkedAtFirstAction = new Map<string, number>();
    local.pipeline.bus.subscribe((event) => {
      if (event['detail-type'] !== DetailType.ScalingAction) return;
      const { nodeGroup } = event.detail as { nodeGroup: string };
      if (!parkedAtFirstAction.has(nodeGroup)) parkedAtFirstAction.set(nodeGroup, local!.pipeline.deadLetters().length);
    });
    const poisonId = scaleQueue.send('{ this is not JSON', 'gpu-a');
    // Received and failed once: the scale requests that follow queue behind it in its group.
    await until(() => (scaleQueue.receives >= 1 ? true : undefined), 'the poison message to be received', 10_000, 5);
    const { notifications, occurrences } = storm(4, 10, 'behind-poison');

    expect(await postAsReplicas(local, notifications)).toEqual(Array(8).fill(200));
    await local.settled(occurrences);

    // gpu-b never waited for gpu-a's poison (it retries for about three seconds before it is parked).
    expect(parkedAtFirstAction.get('gpu-b')).toBe(0);
    // gpu-a's requests waited behind it, in order, and ran once it was parked (SQS FIFO blocks a group the same way).
    expect(parkedAtFirstAction.get('gpu-a')).toBe(1);
    expect(await local.deadLetters()).toEqual([
      expect.objectContaining({ queue: 'alertscale-scale.fifo', messageId: poisonId, groupId: 'gpu-a', receiveCount: 5, error: expect.stringMatching(/not JSON/) }),
    ]);
  });
});
