import { GetItemCommand, PutItemCommand, UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { DrainRecord, DrainStatus, DrainStore } from '../../drain/ports';
import { conditionalWrite, isExpired, itemKey, keyOf, whenExpiredCountsAsAbsent } from './table';

/**
 * Pending drains in the alertscale table: item `drain#<instanceId>` (an
 * instance terminates once), with a TTL a week past its deadline. Every
 * change is conditional on the drain id and status read, so a confirmation
 * and a termination event that race cannot both end the same drain.
 */
export class DynamoDrainStore implements DrainStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async get(instanceId: string, now: Date): Promise<DrainRecord | undefined> {
    const output = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: keyOf(itemKey.drain(instanceId)), ConsistentRead: true }));
    if (!output.Item) return undefined;
    const { pk: _pk, kind: _kind, ...record } = unmarshall(output.Item) as DrainRecord & { pk: string; kind: string };
    return isExpired(record.expiresAt, now) ? undefined : record;
  }

  async create(record: DrainRecord, now: Date): Promise<boolean> {
    return conditionalWrite(
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshall({ pk: itemKey.drain(record.instanceId), kind: 'drain', ...record }, { removeUndefinedValues: true }),
          // Over an expired item or another lifecycle action's drain, never over this very drain.
          ConditionExpression: `${whenExpiredCountsAsAbsent.noLiveItem} OR drainId <> :drainId`,
          ExpressionAttributeValues: { ...whenExpiredCountsAsAbsent.nowValue(now), ':drainId': { S: record.drainId } },
        }),
      ),
    );
  }

  async markNotified(instanceId: string, drainId: string, at: string): Promise<void> {
    await this.setOnThisDrain(instanceId, drainId, 'notifiedAt', { S: at });
  }

  async noteRound(instanceId: string, drainId: string, rounds: number): Promise<void> {
    await this.setOnThisDrain(instanceId, drainId, 'rounds', { N: String(rounds) });
  }

  /** Sets one attribute while the item is still this drain; another lifecycle action's drain that replaced it is left alone. */
  private async setOnThisDrain(instanceId: string, drainId: string, attribute: 'notifiedAt' | 'rounds', value: AttributeValue): Promise<void> {
    await conditionalWrite(
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: keyOf(itemKey.drain(instanceId)),
          UpdateExpression: `SET ${attribute} = :value`,
          ConditionExpression: 'drainId = :drainId',
          ExpressionAttributeValues: { ':value': value, ':drainId': { S: drainId } },
        }),
      ),
    );
  }

  async transition(instanceId: string, drainId: string, from: DrainStatus, to: DrainStatus, fields: { readonly at?: string; readonly reason?: string }): Promise<boolean> {
    const sets = ['#status = :to', ...(fields.at !== undefined ? ['completedAt = :at'] : []), ...(fields.reason !== undefined ? ['reason = :reason'] : [])];
    // Back to pending (a completion that did not go through): it has not ended after all.
    const removes = to === 'pending' ? ' REMOVE completedAt, reason' : '';
    return conditionalWrite(
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: keyOf(itemKey.drain(instanceId)),
          UpdateExpression: `SET ${sets.join(', ')}${removes}`,
          ConditionExpression: 'drainId = :drainId AND #status = :from',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':drainId': { S: drainId },
            ':from': { S: from },
            ':to': { S: to },
            ...(fields.at !== undefined ? { ':at': { S: fields.at } } : {}),
            ...(fields.reason !== undefined ? { ':reason': { S: fields.reason } } : {}),
          },
        }),
      ),
    );
  }
}
