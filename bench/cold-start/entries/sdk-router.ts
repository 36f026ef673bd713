// Only the SDK clients the router needs, making the calls its first invocation makes on a batch of
// new alerts: one consistent BatchGetItem of the batch's occurrences, one conditional PutItem per new
// one, and PutEvents in batches of ten (an Alert Decided per occurrence and the coalesced requests).
import { BatchGetItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';

const dynamodb = new DynamoDBClient({});
const events = new EventBridgeClient({});

interface Record {
  readonly messageId: string;
  readonly body: string;
}

const alertsOf = (record: Record) => (JSON.parse(record.body) as { detail: { alerts: { fingerprint: string }[] } }).detail.alerts;

export const handler = async (event: { Records: Record[] }) => {
  const TableName = process.env.TABLE_NAME!;
  const alerts = event.Records.flatMap(alertsOf);
  const keys = alerts.map((alert) => ({ pk: { S: `sdk#${alert.fingerprint}` } }));
  await dynamodb.send(new BatchGetItemCommand({ RequestItems: { [TableName]: { Keys: keys, ConsistentRead: true } } }));
  await Promise.all(
    alerts.map((alert, i) =>
      dynamodb.send(new PutItemCommand({ TableName, Item: { ...keys[i]!, alert: { S: JSON.stringify(alert) } }, ConditionExpression: 'attribute_not_exists(pk)' })),
    ),
  );
  // One Alert Decided per occurrence, and (for the bench's notification) three Scale Requested and one Notify Requested.
  const entries = [...alerts.map((alert) => ({ type: 'Alert Decided', detail: alert })), ...[1, 2, 3].map(() => ({ type: 'Scale Requested', detail: alerts.slice(0, 3) })), { type: 'Notify Requested', detail: alerts.slice(9) }];
  const put = (slice: typeof entries) =>
    events.send(new PutEventsCommand({ Entries: slice.map((e) => ({ EventBusName: process.env.EVENT_BUS_NAME, Source: 'alertscale', DetailType: e.type, Detail: JSON.stringify(e.detail) })) }));
  await Promise.all([put(entries.slice(0, 10)), put(entries.slice(10))]);
  return { batchItemFailures: [] };
};
