import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SendKey, SendRecord, SendStore } from '../../notifier/ports';
import type { NotifyChannel } from '../../shared/channels';
import { conditionalWrite, isExpired, itemKey, keyOf, whenExpiredCountsAsAbsent } from './table';

/**
 * `SendStore` on the alertscale table: item `sent#<decisionId>#<actionId>`,
 * written with a condition so the first sender wins, read strongly consistent
 * so a redelivery right after a send sees it. Costs one read and one write per send.
 */
export class DynamoSendStore implements SendStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async find(key: SendKey, now: Date): Promise<SendRecord | undefined> {
    const output = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: keyOf(itemKey.sent(key.decisionId, key.actionId)), ConsistentRead: true }),
    );
    const item = output.Item;
    if (!item) return undefined;
    const expiresAt = Number(item.expiresAt?.N ?? '0');
    if (isExpired(expiresAt, now)) return undefined;
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

  async recordSent(record: SendRecord, now: Date): Promise<boolean> {
    return conditionalWrite(
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            ...keyOf(itemKey.sent(record.decisionId, record.actionId)),
            kind: { S: 'sent' },
            decisionId: { S: record.decisionId },
            actionId: { S: record.actionId },
            receiver: { S: record.receiver },
            channel: { S: record.channel },
            dedupKey: { S: record.dedupKey },
            attempts: { N: String(record.attempts) },
            sentAt: { S: record.sentAt },
            expiresAt: { N: String(record.expiresAt) },
          },
          ConditionExpression: whenExpiredCountsAsAbsent.noLiveItem,
          ExpressionAttributeValues: whenExpiredCountsAsAbsent.nowValue(now),
        }),
      ),
    );
  }
}
