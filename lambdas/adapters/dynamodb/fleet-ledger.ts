import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { FleetLedger, FleetNodes } from '../../scaler/ports';
import { conditionalWrite, itemKey, keyOf } from './table';

/**
 * The fleet budget's ledger on the alertscale table: one small item,
 * `fleet#ledger`, with each group's node count and a version every write is
 * conditional on (`attribute_not_exists(pk)` for the first), read strongly
 * consistent. No TTL: the counts outlive any decision.
 */
export class DynamoFleetLedger implements FleetLedger {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async get(): Promise<FleetNodes> {
    const result = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: keyOf(itemKey.fleetLedger()), ConsistentRead: true }));
    if (!result.Item) return { version: 0, groups: {} };
    const item = unmarshall(result.Item) as { version?: number; groups?: Record<string, number> };
    return { version: item.version ?? 0, groups: item.groups ?? {} };
  }

  async put(next: FleetNodes, expectedVersion: number): Promise<boolean> {
    return conditionalWrite(
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshall({ pk: itemKey.fleetLedger(), kind: 'fleet', version: next.version, groups: next.groups }),
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: '#version = :expected', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':expected': { N: String(expectedVersion) } } }),
        }),
      ),
    );
  }
}
