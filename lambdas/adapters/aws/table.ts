/**
 * The one DynamoDB table of alertscale. Every item is keyed by a string `pk`
 * whose prefix says what it is (`decision#…`, `nodegroup#…`, `delivery#…`), and
 * carries `expiresAt` (epoch seconds) for DynamoDB's TTL where it should expire.
 * Readers ignore items whose `expiresAt` has passed, since TTL deletion can
 * lag by days. The stack (`lib/`) and the local/test setup both use this.
 */
export const TABLE_PARTITION_KEY = 'pk';
export const TABLE_TTL_ATTRIBUTE = 'expiresAt';

/** The CreateTable input for dynalite (local mode and integration tests). */
export function localTableDefinition(tableName: string) {
  return {
    TableName: tableName,
    AttributeDefinitions: [{ AttributeName: TABLE_PARTITION_KEY, AttributeType: 'S' as const }],
    KeySchema: [{ AttributeName: TABLE_PARTITION_KEY, KeyType: 'HASH' as const }],
    BillingMode: 'PAY_PER_REQUEST' as const,
  };
}
