import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../../lambdas/local/emulators/dynalite';
import { DynamoSendStore } from '../../../lambdas/adapters/dynamodb/send-store';
import type { SendRecord } from '../../../lambdas/notifier/ports';

let dynamo: EmbeddedDynamo;
let store: DynamoSendStore;
const now = new Date('2026-01-01T10:00:00Z');
const epoch = Math.floor(now.getTime() / 1000);

beforeAll(async () => {
  dynamo = await startEmbeddedDynamo({ tableName: 'delivery-store-tests' });
  store = new DynamoSendStore(dynamo.client, dynamo.tableName);
});

afterAll(async () => {
  await dynamo.stop();
});

let n = 0;
function sent(overrides: Partial<SendRecord> = {}): SendRecord {
  n += 1;
  return { decisionId: `d-${n}`, actionId: `d-${n}:oncall:pagerduty:0`, receiver: 'oncall', channel: 'pagerduty', dedupKey: `k-${n}`, attempts: 2, sentAt: now.toISOString(), expiresAt: epoch + 3600, ...overrides };
}

describe('DynamoSendStore', () => {
  it('finds nothing for a delivery never sent', async () => {
    expect(await store.find({ decisionId: 'never', actionId: 'never' }, now)).toBeUndefined();
  });

  it('finds a sent delivery as it was recorded', async () => {
    const record = sent();

    await store.recordSent(record, now);

    expect(await store.find(record, now)).toEqual(record);
  });

  it('lets only the first of two writers record the same delivery', async () => {
    const record = sent();

    const results = [await store.recordSent(record, now), await store.recordSent({ ...record, dedupKey: 'other' }, now)];

    expect(results).toEqual([true, false]);
    expect((await store.find(record, now))?.dedupKey).toBe(record.dedupKey);
  });

  it('treats a delivery whose expiresAt has passed as absent, and lets it be recorded again', async () => {
    const record = sent({ expiresAt: epoch - 1 });
    await store.recordSent(record, new Date((epoch - 100) * 1000));

    const found = await store.find(record, now);
    const rewritten = await store.recordSent({ ...record, expiresAt: epoch + 60 }, now);

    expect([found, rewritten]).toEqual([undefined, true]);
  });

  it('keys items as sent#<decisionId>#<actionId> with the TTL attribute', async () => {
    const record = sent();
    await store.recordSent(record, now);
    const { GetItemCommand } = await import('@aws-sdk/client-dynamodb');

    const item = await dynamo.client.send(new GetItemCommand({ TableName: dynamo.tableName, Key: { pk: { S: `sent#${record.decisionId}#${record.actionId}` } } }));

    expect(item.Item?.expiresAt).toEqual({ N: String(record.expiresAt) });
  });
});
