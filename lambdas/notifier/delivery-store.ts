import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { NotifyChannel } from '../shared/events';

/** One delivery: one channel action of one decision. */
export interface DeliveryKey {
  readonly decisionId: string;
  readonly actionId: string;
}

/** A delivery that went out; once recorded, no redelivery of the request sends it again. */
export interface DeliveryRecord extends DeliveryKey {
  readonly receiver: string;
  readonly channel: NotifyChannel;
  readonly dedupKey: string;
  readonly attempts: number;
  /** ISO time it was sent. */
  readonly sentAt: string;
  /** Epoch seconds; DynamoDB's TTL deletes the item some time after. */
  readonly expiresAt: number;
}

/**
 * The notifier's memory of what it has sent, keyed per channel per decision.
 * Only successful sends are recorded: a transient failure must be retried and
 * a permanent one resolves its message, so neither needs remembering.
 */
export interface DeliveryStore {
  /** The record of a sent delivery, or `undefined` (also when it has expired). */
  find(key: DeliveryKey, now: Date): Promise<DeliveryRecord | undefined>;
  /** Records a sent delivery once; `false` when another attempt recorded it first. */
  recordSent(record: DeliveryRecord, now: Date): Promise<boolean>;
}

/** The item key of a delivery in the single table. */
export function deliveryPk(key: DeliveryKey): string {
  return `delivery#${key.decisionId}#${key.actionId}`;
}

/**
 * `DeliveryStore` on the alertscale DynamoDB table: item `delivery#<decisionId>#<actionId>`,
 * written with a condition so the first sender wins, read strongly consistent
 * so a redelivery right after a send sees it. Costs one read and one write per delivery.
 */
export class DynamoDeliveryStore implements DeliveryStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async find(key: DeliveryKey, now: Date): Promise<DeliveryRecord | undefined> {
    const output = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: { pk: { S: deliveryPk(key) } }, ConsistentRead: true }),
    );
    const item = output.Item;
    if (!item) return undefined;
    const expiresAt = Number(item.expiresAt?.N ?? '0');
    // TTL deletion lags; an expired item counts as absent.
    if (expiresAt <= Math.floor(now.getTime() / 1000)) return undefined;
    return {
      decisionId: item.decisionId?.S ?? key.decisionId,
      actionId: item.actionId?.S ?? key.actionId,
      receiver: item.receiver?.S ?? '',
      channel: (item.channel?.S ?? 'webhook') as NotifyChannel,
      dedupKey: item.dedupKey?.S ?? '',
      attempts: Number(item.attempts?.N ?? '0'),
      sentAt: item.sentAt?.S ?? '',
      expiresAt,
    };
  }

  async recordSent(record: DeliveryRecord, now: Date): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            pk: { S: deliveryPk(record) },
            kind: { S: 'delivery' },
            decisionId: { S: record.decisionId },
            actionId: { S: record.actionId },
            receiver: { S: record.receiver },
            channel: { S: record.channel },
            dedupKey: { S: record.dedupKey },
            attempts: { N: String(record.attempts) },
            sentAt: { S: record.sentAt },
            expiresAt: { N: String(record.expiresAt) },
          },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
          ExpressionAttributeValues: { ':now': { N: String(Math.floor(now.getTime() / 1000)) } },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }
}
