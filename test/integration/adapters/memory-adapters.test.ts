import { describe, expect, it } from 'vitest';
import { DynamoDecisionStore } from '../../../lambdas/adapters/dynamodb/decision-store';
import { DynamoFleetLedger } from '../../../lambdas/adapters/dynamodb/fleet-ledger';
import { DynamoNodeGroupStateStore } from '../../../lambdas/adapters/dynamodb/node-group-state-store';
import { DynamoSendStore } from '../../../lambdas/adapters/dynamodb/send-store';
import { MemoryDecisionStore } from '../../../lambdas/adapters/memory/decision-store';
import { MemoryFleetLedger } from '../../../lambdas/adapters/memory/fleet-ledger';
import { MemoryNodeGroupStateStore } from '../../../lambdas/adapters/memory/node-group-state-store';
import { MemorySendStore } from '../../../lambdas/adapters/memory/send-store';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../../lambdas/local/emulators/dynalite';
import { emptyState } from '../../../lambdas/scaler/state';
import type { ActionRecord, DecisionRecord } from '../../../lambdas/shared/decisions';

/**
 * The in-memory adapters replay runs on claim DynamoDB's conditional
 * semantics: each scenario runs the same calls against both, on dynalite, and
 * the answers (and what is read back) must be the same.
 */

let now = new Date('2026-11-20T10:00:00Z');
const clock = () => now;

/** A dynalite of its own per scenario, so the two stores start equally empty. */
const freshTable = (): Promise<EmbeddedDynamo> => startEmbeddedDynamo();

const decision = (id: string, overrides: Partial<DecisionRecord> = {}): DecisionRecord => ({
  decisionId: id,
  fingerprint: 'fp',
  startsAt: '2026-11-20T09:59:00Z',
  status: 'firing',
  labels: { alertname: 'A' },
  receivers: ['scale-up'],
  actions: [{ actionId: `${id}/scale-up/scale/0/step1`, kind: 'scale', receiver: 'scale-up', target: 'gpu-a100', outcome: 'requested', at: now.toISOString() }],
  step: 1,
  refireAt: new Date(now.getTime() + 300_000).toISOString(),
  createdAt: now.toISOString(),
  updatedAt: now.toISOString(),
  expiresAt: Math.floor(now.getTime() / 1000) + 3600,
  originEventId: 'event-1',
  ...overrides,
});

/** What a decision store answers to one run of calls: every result, then what it holds. */
async function decisionScenario(store: MemoryDecisionStore | DynamoDecisionStore) {
  now = new Date('2026-11-20T10:00:00Z');
  const results: unknown[] = [];
  results.push(await store.create(decision('d1'), now));
  results.push(await store.create(decision('d1', { originEventId: 'event-2' }), now));
  const refireAt = new Date(now.getTime() + 300_000).toISOString();
  const step2: ActionRecord = { actionId: 'd1/scale-up/scale/0/step2', kind: 'scale', receiver: 'scale-up', target: 'gpu-a100', outcome: 'requested', at: now.toISOString() };
  // Too early: refireAt has not passed.
  results.push(await store.claimStep('d1', { expectedRefireAt: refireAt, nextRefireAt: refireAt, step: 2, actions: [step2], eventId: 'event-3' }, now));
  now = new Date(now.getTime() + 300_000);
  // Stale expectation loses, the right one wins once, a second claim of the same step loses.
  results.push(await store.claimStep('d1', { expectedRefireAt: '2026-11-20T10:01:00Z', nextRefireAt: refireAt, step: 2, actions: [step2], eventId: 'event-3' }, now));
  const next = new Date(now.getTime() + 300_000).toISOString();
  results.push(await store.claimStep('d1', { expectedRefireAt: refireAt, nextRefireAt: next, step: 2, actions: [step2], eventId: 'event-3' }, now));
  results.push(await store.claimStep('d1', { expectedRefireAt: refireAt, nextRefireAt: next, step: 2, actions: [step2], eventId: 'event-4' }, now));
  results.push(await store.claimStep('missing', { expectedRefireAt: refireAt, nextRefireAt: next, step: 2, actions: [step2] }, now));
  // An outcome in place keeps its position and the fields not given; a new action goes last; a missing decision takes nothing.
  await store.recordAction('d1', { actionId: 'd1/scale-up/scale/0/step1', kind: 'scale', receiver: 'scale-up', target: 'gpu-a100', outcome: 'scaled', at: now.toISOString(), from: 2, to: 4 });
  await store.recordAction('d1', { actionId: 'd1/escalation/pagerduty/0', kind: 'notify', receiver: 'oncall', target: 'pagerduty', outcome: 'requested', at: now.toISOString() });
  await store.recordAction('missing', { actionId: 'x', kind: 'notify', receiver: 'oncall', target: 'slack', outcome: 'sent', at: now.toISOString() });
  const read = await store.getMany(['d1', 'missing'], now);
  // Expired counts as absent, and may be created again.
  results.push(await store.create(decision('d2', { expiresAt: Math.floor(now.getTime() / 1000) - 1 }), now));
  results.push((await store.getMany(['d2'], now)).size);
  results.push(await store.create(decision('d2', { originEventId: 'event-9' }), now));
  results.push((await store.getMany(['d2'], now)).get('d2')?.originEventId);
  const d1 = read.get('d1');
  return {
    results,
    found: [...read.keys()],
    d1: d1 && { step: d1.step, refireAt: d1.refireAt, stepEventId: d1.stepEventId, actions: d1.actions.map(({ actionId, outcome, from, to }) => ({ actionId, outcome, from, to })) },
    missing: await store.get('missing'),
    recent: (await store.listRecent(10)).map((record) => record.decisionId),
  };
}

describe('MemoryDecisionStore', () => {
  it('answers every conditional write and read as the DynamoDB decision store does', async () => {
    const table = await freshTable();
    try {
      const onDynamo = await decisionScenario(new DynamoDecisionStore(table.client, table.tableName, clock));
      const inMemory = await decisionScenario(new MemoryDecisionStore(clock));
      expect(inMemory).toEqual(onDynamo);
    } finally {
      await table.stop();
    }
  });
});

describe('MemoryNodeGroupStateStore and MemoryFleetLedger', () => {
  it('refuse a write based on a stale version, as the DynamoDB stores do', async () => {
    const table = await freshTable();
    const run = async (state: MemoryNodeGroupStateStore | DynamoNodeGroupStateStore, fleet: MemoryFleetLedger | DynamoFleetLedger) => {
      const first = { ...emptyState(), version: 1, recentActions: [1] };
      return [
        await state.put('gpu-a100', first, 0),
        await state.put('gpu-a100', { ...first, version: 2 }, 0),
        await state.put('gpu-a100', { ...first, version: 2, recentActions: [1, 2] }, 1),
        (await state.get('gpu-a100')).recentActions,
        (await state.get('gpu-h100')).version,
        await fleet.put({ version: 1, groups: { a: 1 } }, 0),
        await fleet.put({ version: 1, groups: { a: 9 } }, 0),
        await fleet.get(),
      ];
    };
    try {
      const onDynamo = await run(new DynamoNodeGroupStateStore(table.client, table.tableName), new DynamoFleetLedger(table.client, table.tableName));
      expect(await run(new MemoryNodeGroupStateStore(), new MemoryFleetLedger())).toEqual(onDynamo);
    } finally {
      await table.stop();
    }
  });
});

describe('MemorySendStore', () => {
  it('lets the first send win and counts an expired one as absent, as the DynamoDB send store does', async () => {
    const table = await freshTable();
    const at = new Date('2026-11-20T10:00:00Z');
    const record = (expiresAt: number, dedupKey: string) => ({ decisionId: 'd', actionId: 'a', receiver: 'oncall', channel: 'slack' as const, dedupKey, attempts: 1, sentAt: at.toISOString(), expiresAt });
    const run = async (store: MemorySendStore | DynamoSendStore) => {
      const live = Math.floor(at.getTime() / 1000) + 60;
      return [
        await store.recordSent(record(live, 'first'), at),
        await store.recordSent(record(live, 'second'), at),
        (await store.find({ decisionId: 'd', actionId: 'a' }, at))?.dedupKey,
        await store.find({ decisionId: 'd', actionId: 'a' }, new Date(at.getTime() + 61_000)),
        await store.recordSent(record(live + 3600, 'after expiry'), new Date(at.getTime() + 61_000)),
        (await store.find({ decisionId: 'd', actionId: 'a' }, new Date(at.getTime() + 61_000)))?.dedupKey,
      ];
    };
    try {
      const onDynamo = await run(new DynamoSendStore(table.client, table.tableName));
      expect(await run(new MemorySendStore())).toEqual(onDynamo);
    } finally {
      await table.stop();
    }
  });
});
