// Only the SDK clients the scaler needs, making the calls its first invocation makes.
import { AutoScalingClient, DescribeAutoScalingGroupsCommand, SetDesiredCapacityCommand } from '@aws-sdk/client-auto-scaling';
import { DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

const dynamodb = new DynamoDBClient({});
const autoScaling = new AutoScalingClient({ maxAttempts: 3 });
const events = new EventBridgeClient({});
const ssm = new SSMClient({});

export const handler = async (event: { Records: { messageId: string; body: string }[] }) => {
  const TableName = process.env.TABLE_NAME;
  for (const record of event.Records) {
    await ssm.send(new GetParameterCommand({ Name: process.env.PAUSE_PARAMETER_NAME }));
    await dynamodb.send(new GetItemCommand({ TableName, Key: { pk: { S: 'sdk#group' } }, ConsistentRead: true }));
    const described = await autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['gpu-a100-nodes'] }));
    const desired = described.AutoScalingGroups?.[0]?.DesiredCapacity ?? 0;
    await dynamodb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'sdk#group' }, desired: { N: String(desired + 2) } } }));
    await autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'gpu-a100-nodes', DesiredCapacity: desired + 2, HonorCooldown: false }));
    await dynamodb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'sdk#group' }, desired: { N: String(desired + 2) }, done: { BOOL: true } } }));
    await dynamodb.send(new UpdateItemCommand({ TableName, Key: { pk: { S: `sdk#${record.messageId}` } }, UpdateExpression: 'SET outcome = :o', ExpressionAttributeValues: { ':o': { S: 'scaled' } } }));
    await events.send(new PutEventsCommand({ Entries: [{ EventBusName: process.env.EVENT_BUS_NAME, Source: 'alertscale', DetailType: 'Scaling Action', Detail: record.body }] }));
  }
  return { batchItemFailures: [] };
};
