// Only the SDK clients the notifier needs, making the calls its first invocation makes (and the page).
import { DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';

const dynamodb = new DynamoDBClient({});
const events = new EventBridgeClient({});
const secrets = new SecretsManagerClient({});
// Built but not called on a PagerDuty delivery, as in the handler.
export const sns = new SNSClient({});

export const handler = async (event: { Records: { messageId: string; body: string }[] }) => {
  const TableName = process.env.TABLE_NAME;
  for (const record of event.Records) {
    const key = { pk: { S: `sdk#delivery#${record.messageId}` } };
    await dynamodb.send(new GetItemCommand({ TableName, Key: key, ConsistentRead: true }));
    const secret = await secrets.send(new GetSecretValueCommand({ SecretId: 'alertscale/pagerduty' }));
    await fetch(String(process.env.BENCH_PAGERDUTY_URL), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ routing_key: secret.SecretString, event_action: 'trigger', dedup_key: record.messageId }) });
    await dynamodb.send(new PutItemCommand({ TableName, Item: { ...key, sent: { BOOL: true } } }));
    await dynamodb.send(new UpdateItemCommand({ TableName, Key: { pk: { S: `sdk#${record.messageId}` } }, UpdateExpression: 'SET outcome = :o', ExpressionAttributeValues: { ':o': { S: 'sent' } } }));
    await events.send(new PutEventsCommand({ Entries: [{ EventBusName: process.env.EVENT_BUS_NAME, Source: 'alertscale', DetailType: 'Notification Sent', Detail: record.body }] }));
  }
  return { batchItemFailures: [] };
};
