// Only the SDK clients the router needs, making the calls its first invocation makes.
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';

const dynamodb = new DynamoDBClient({});
const events = new EventBridgeClient({});

export const handler = async (event: { Records: { messageId: string; body: string }[] }) => {
  for (const record of event.Records) {
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: process.env.TABLE_NAME,
        Key: { pk: { S: `sdk#${record.messageId}` } },
        UpdateExpression: 'SET body = if_not_exists(body, :body) ADD deliveries :one',
        ExpressionAttributeValues: { ':body': { S: record.body }, ':one': { N: '1' } },
        ReturnValues: 'ALL_NEW',
      }),
    );
    await events.send(new PutEventsCommand({ Entries: [{ EventBusName: process.env.EVENT_BUS_NAME, Source: 'alertscale', DetailType: 'Scale Requested', Detail: record.body }] }));
  }
  return { batchItemFailures: [] };
};
