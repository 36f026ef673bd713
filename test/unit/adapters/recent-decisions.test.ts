import { BatchGetItemCommand, DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDecisionStore } from '../../../lambdas/adapters/dynamodb/decision-store';

const dynamodb = mockClient(DynamoDBClient);
const NOW = new Date('2026-12-01T12:00:00Z');
const entry = (id: string, createdAt: string) => ({ recentBucket: { S: 'decision#2026-12-01' }, createdAt: { S: createdAt }, pk: { S: `decision#${id}` } });

describe('listing recent decisions from the keys-only index', () => {
  beforeEach(() => dynamodb.reset());

  it('reads an item the index lists twice only once: BatchGetItem refuses duplicate keys', async () => {
    dynamodb.on(QueryCommand).resolves({ Items: [] });
    dynamodb
      .on(QueryCommand, { ExpressionAttributeValues: { ':bucket': { S: 'decision#2026-12-01' } } })
      .resolves({ Items: [entry('b', '2026-12-01T11:00:05Z'), entry('a', '2026-12-01T11:00:03Z'), entry('b', '2026-12-01T11:00:01Z')] });
    dynamodb.on(BatchGetItemCommand).resolves({ Responses: { alertscale: [] } });

    await new DynamoDecisionStore(new DynamoDBClient({ region: 'us-east-1' }), 'alertscale', () => NOW).listRecent(10, 1);

    const keys = dynamodb.commandCalls(BatchGetItemCommand).flatMap((call) => call.args[0].input.RequestItems!.alertscale!.Keys!.map((key) => key.pk!.S));
    expect(keys).toEqual(['decision#b', 'decision#a']);
  });
});
