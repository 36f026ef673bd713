import { ConditionalCheckFailedException, type AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * The one DynamoDB table of alertscale. Every item is keyed by a string `pk`
 * whose prefix says what it is (`decision#…`, `nodegroup#…`, `sent#…`, `drain#…`), and
 * carries `expiresAt` (epoch seconds) for DynamoDB's TTL where it should
 * expire. TTL deletion lags by up to days, so an item whose `expiresAt` has
 * passed counts as absent: that rule is written here, once, for every adapter.
 * The stack (`lib/`) and local mode's dynalite both create the table from this.
 */
export const TABLE_PARTITION_KEY = 'pk';
export const TABLE_TTL_ATTRIBUTE = 'expiresAt';

/**
 * The sparse index that lists decisions newest first without reading the table:
 * only decision items carry its partition key, the UTC day they were created
 * (`decision#2026-12-01`), sorted by `createdAt`. Keys only, so the index is
 * written once per decision (when it is created), not on every action update.
 */
export const RECENT_DECISIONS_INDEX = { name: 'recent', partitionKey: 'recentBucket', sortKey: 'createdAt' } as const;

/** The partition key of each kind of item. */
export const itemKey = {
  decision: (decisionId: string) => `decision#${decisionId}`,
  nodeGroup: (nodeGroup: string) => `nodegroup#${nodeGroup}`,
  sent: (decisionId: string, actionId: string) => `sent#${decisionId}#${actionId}`,
  fleetLedger: () => 'fleet#ledger',
  drain: (instanceId: string) => `drain#${instanceId}`,
} as const;

/** The `Key` of an item. */
export const keyOf = (pk: string): Record<string, AttributeValue> => ({ [TABLE_PARTITION_KEY]: { S: pk } });

/** Epoch seconds, the unit of `expiresAt`. */
export const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/** Whether an item with this `expiresAt` counts as gone at `now` (TTL may not have deleted it yet). */
export function isExpired(expiresAt: number, now: Date): boolean {
  return expiresAt <= epochSeconds(now);
}

/**
 * The condition expression for "expired counts as absent", with `:nowSeconds`
 * bound by `nowValue(now)`: write only when there is no live item.
 */
export const whenExpiredCountsAsAbsent = {
  noLiveItem: `attribute_not_exists(${TABLE_PARTITION_KEY}) OR ${TABLE_TTL_ATTRIBUTE} <= :nowSeconds`,
  nowValue: (now: Date): Record<string, AttributeValue> => ({ ':nowSeconds': { N: String(epochSeconds(now)) } }),
} as const;

/** A conditional write lost: someone else wrote first (or the condition did not hold). */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as Error | undefined)?.name === 'ConditionalCheckFailedException';
}

/** Runs a conditional write: true when it was written, false when its condition did not hold; any other failure throws. */
export async function conditionalWrite(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** The CreateTable input for dynalite (local mode and integration tests). */
export function localTableDefinition(tableName: string) {
  return {
    TableName: tableName,
    AttributeDefinitions: [
      { AttributeName: TABLE_PARTITION_KEY, AttributeType: 'S' as const },
      { AttributeName: RECENT_DECISIONS_INDEX.partitionKey, AttributeType: 'S' as const },
      { AttributeName: RECENT_DECISIONS_INDEX.sortKey, AttributeType: 'S' as const },
    ],
    KeySchema: [{ AttributeName: TABLE_PARTITION_KEY, KeyType: 'HASH' as const }],
    GlobalSecondaryIndexes: [
      {
        IndexName: RECENT_DECISIONS_INDEX.name,
        KeySchema: [
          { AttributeName: RECENT_DECISIONS_INDEX.partitionKey, KeyType: 'HASH' as const },
          { AttributeName: RECENT_DECISIONS_INDEX.sortKey, KeyType: 'RANGE' as const },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' as const },
      },
    ],
    BillingMode: 'PAY_PER_REQUEST' as const,
  };
}
