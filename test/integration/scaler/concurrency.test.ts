import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoNodeGroupStateStore } from '../../../lambdas/adapters/dynamodb/node-group-state-store';
import { LocalPauseSwitch } from '../../../lambdas/local/emulators/local-pause-switch';
import { scalerConsumer } from '../../../lambdas/scaler/consumer';
import { createScaler, type Scaler } from '../../../lambdas/scaler/scaler';
import type { ScaleRequested } from '../../../lambdas/shared/events';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../../lambdas/local/emulators/dynalite';
import type { SQSRecord } from 'aws-lambda';
import { configWith, nodeGroup, scaleRequest, sqsEvent, sqsRecord, idsOf } from '../../unit/scaler/support/builders';
import { RecordingBus } from '../../support/fakes/bus';
import { InMemoryDecisions } from '../../support/fakes/decisions';
import { FakeNodeGroups } from '../../support/fakes/node-groups';
import { MemoryLog } from '../../support/fakes/log';

let dynamo: EmbeddedDynamo;
beforeAll(async () => {
  dynamo = await startEmbeddedDynamo();
});
afterAll(async () => {
  await dynamo?.stop();
});

/** An Auto Scaling fake that takes its time inside every call, so concurrent requests interleave. */
class SlowNodeGroups extends FakeNodeGroups {
  override async describe(asgName: string) {
    await new Promise((resolve) => setImmediate(resolve));
    return super.describe(asgName);
  }
  override async setDesired(asgName: string, desired: number) {
    // Long enough that other requests read the group between a claim and its call, as real Auto Scaling latency allows.
    await new Promise((resolve) => setTimeout(resolve, 5));
    return super.setDesired(asgName, desired);
  }
}

function setup(name: string, options: { max?: number } = {}) {
  const config = configWith([nodeGroup({ name, asg_name: `${name}-nodes`, min: 0, max: options.max ?? 100 })]);
  const nodeGroups = new SlowNodeGroups({ [`${name}-nodes`]: { desired: 2 } });
  const decisions = new InMemoryDecisions();
  const state = new DynamoNodeGroupStateStore(dynamo.client, dynamo.tableName);
  const scaler = createScaler({ config, nodeGroups, state, decisions, bus: new RecordingBus(), pause: new LocalPauseSwitch(), log: new MemoryLog() });
  return { nodeGroups, decisions, state, scaler };
}

/** Delivers every record as its own concurrent invocation, then redelivers the failed ones, as SQS would. */
async function deliverAll(scaler: Scaler, records: SQSRecord[]): Promise<number> {
  const consume = scalerConsumer(scaler, { log: new MemoryLog() });
  let pending = records;
  let rounds = 0;
  while (pending.length > 0) {
    rounds += 1;
    if (rounds > 100) throw new Error(`still ${pending.length} undelivered after 100 rounds`);
    const responses = await Promise.all(pending.map((record) => consume(sqsEvent(record))));
    const failed = new Set(responses.flatMap((response) => response.batchItemFailures.map((failure) => failure.itemIdentifier)));
    pending = pending.filter((record) => failed.has(record.messageId));
  }
  return rounds;
}

const requests = (name: string, count: number, fields: Partial<ScaleRequested>) =>
  Array.from({ length: count }, () => scaleRequest(name, fields));

// 50 writers on one item is far beyond what a FIFO message group delivers; dynalite takes seconds to sort them out.
describe('scaler against DynamoDB: concurrency', { timeout: 120_000 }, () => {
  it('applies 50 concurrent +1 requests exactly once each, with no lost update', async () => {
    const { scaler, nodeGroups, decisions } = setup('concurrent-a');
    const batch = requests('concurrent-a', 50, { change: 1, cooldownSeconds: 0 });

    await deliverAll(scaler, batch.map((request) => sqsRecord(request, { group: 'concurrent-a' })));

    expect(nodeGroups.desired('concurrent-a-nodes')).toBe(52);
    expect(nodeGroups.setCalls.map((call) => call.desired)).toEqual(Array.from({ length: 50 }, (_, i) => i + 3));
    expect(batch.every((request) => decisions.action(...idsOf(request))?.outcome === 'scaled')).toBe(true);
  });

  it('lets exactly one of 50 concurrent requests act inside one cooldown', async () => {
    const { scaler, nodeGroups, decisions } = setup('concurrent-b');
    const batch = requests('concurrent-b', 50, { change: 2, cooldownSeconds: 300 });

    await deliverAll(scaler, batch.map((request) => sqsRecord(request, { group: 'concurrent-b' })));

    const outcomes = batch.map((request) => decisions.action(...idsOf(request))?.outcome);
    expect(nodeGroups.desired('concurrent-b-nodes')).toBe(4);
    expect(outcomes.filter((outcome) => outcome === 'scaled')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'cooldown')).toHaveLength(49);
  });

  it('stops 50 concurrent requests at the guardrail max', async () => {
    const { scaler, nodeGroups } = setup('concurrent-c', { max: 20 });
    const batch = requests('concurrent-c', 50, { change: 1, cooldownSeconds: 0 });

    await deliverAll(scaler, batch.map((request) => sqsRecord(request, { group: 'concurrent-c' })));

    expect(nodeGroups.desired('concurrent-c-nodes')).toBe(20);
    expect(nodeGroups.setCalls).toHaveLength(18);
  });

  it('treats the redelivery of every applied message as a no-op', async () => {
    const { scaler, nodeGroups, state } = setup('concurrent-d');
    const records = requests('concurrent-d', 10, { change: 1, cooldownSeconds: 0 }).map((request) => sqsRecord(request, { group: 'concurrent-d' }));
    await deliverAll(scaler, records);
    const version = (await state.get('concurrent-d')).version;

    await deliverAll(scaler, records);

    expect(nodeGroups.desired('concurrent-d-nodes')).toBe(12);
    expect(nodeGroups.setCalls).toHaveLength(10);
    expect((await state.get('concurrent-d')).version).toBe(version);
  });
});

describe('scaler against DynamoDB: what refusals cost', () => {
  it('records a plain refusal on the decision without rewriting the group state item, and treats its redelivery as a no-op', async () => {
    const { scaler, nodeGroups, decisions, state } = setup('refusals-a');
    const [first, ...rest] = requests('refusals-a', 6, { change: 2, cooldownSeconds: 300 });
    await deliverAll(scaler, [sqsRecord(first!, { group: 'refusals-a' })]);
    const afterScale = await state.get('refusals-a');

    const records = rest.map((request) => sqsRecord(request, { group: 'refusals-a' }));
    await deliverAll(scaler, records);
    await deliverAll(scaler, records);

    expect((await state.get('refusals-a')).version).toBe(afterScale.version);
    expect(rest.map((request) => decisions.action(...idsOf(request))?.outcome)).toEqual(Array(5).fill('cooldown'));
    expect(nodeGroups.setCalls).toHaveLength(1);
  });
});

describe('DynamoNodeGroupStateStore', () => {
  it('refuses a write based on a stale version', async () => {
    const store = new DynamoNodeGroupStateStore(dynamo.client, dynamo.tableName);
    const first = await store.get('store-a');
    await store.put('store-a', { ...first, version: 1 }, 0);

    const stale = await store.put('store-a', { ...first, version: 1, backoffUntil: 5 }, 0);

    expect(stale).toBe(false);
    expect((await store.get('store-a')).backoffUntil).toBeUndefined();
  });

  it('reads back what it wrote', async () => {
    const store = new DynamoNodeGroupStateStore(dynamo.client, dynamo.tableName);
    const written = {
      version: 1,
      lastActionAt: { up: 1000 },
      recentActions: [1000],
      applied: [{ actionId: 'a', outcome: 'scaled' as const, from: 1, to: 3, reason: 'scaled 1 → 3 (+2)', at: 1000 }],
      escalated: [],
    };
    await store.put('store-b', written, 0);

    await expect(store.get('store-b')).resolves.toEqual(written);
  });
});
