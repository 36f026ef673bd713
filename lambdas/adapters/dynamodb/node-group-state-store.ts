import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { NodeGroupStateStore } from '../../scaler/ports';
import { emptyState, nodeGroupStateSchema, type NodeGroupState } from '../../scaler/state';

import { conditionalWrite, itemKey, keyOf } from './table';

const KIND = 'nodegroup';

/** A state item that does not parse: written by a newer or broken version. Not retried. */
export class NodeGroupStateError extends Error {
  override readonly name = 'NodeGroupStateError';
}

/**
 * Node-group state items in the single DynamoDB table. One PutItem per write,
 * conditional on the version read (`attribute_not_exists(pk)` for the first),
 * so a write based on a stale read is refused rather than lost. Items have no
 * TTL: a group's cooldowns and backoff must outlive any decision.
 */
export class DynamoNodeGroupStateStore implements NodeGroupStateStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async get(nodeGroup: string): Promise<NodeGroupState> {
    const result = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: keyOf(itemKey.nodeGroup(nodeGroup)), ConsistentRead: true }),
    );
    if (!result.Item) return emptyState();
    const { pk: _pk, kind: _kind, ...fields } = unmarshall(result.Item);
    const parsed = nodeGroupStateSchema.safeParse(fields);
    if (!parsed.success) {
      throw new NodeGroupStateError(`state item of node group "${nodeGroup}" does not parse: ${parsed.error.issues[0]?.message ?? ''}`, {
        cause: parsed.error,
      });
    }
    return parsed.data;
  }

  async put(nodeGroup: string, next: NodeGroupState, expectedVersion: number): Promise<boolean> {
    return conditionalWrite(
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshall({ pk: itemKey.nodeGroup(nodeGroup), kind: KIND, ...next }, { removeUndefinedValues: true }),
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: '#version = :expected',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':expected': { N: String(expectedVersion) } },
              }),
        }),
      ),
    );
  }
}
