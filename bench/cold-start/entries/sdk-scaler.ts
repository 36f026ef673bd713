// Only the SDK clients the scaler needs, making the calls its first invocation makes on one scale
// request that acts: the request's decisions (BatchGetItem), the kill switch, the group's state item,
// the ASG, a claim, the scaling call, the commit, the outcome on each decision, one Scaling Action.
import { AutoScalingClient, DescribeAutoScalingGroupsCommand, SetDesiredCapacityCommand } from '@aws-sdk/client-auto-scaling';
import { BatchGetItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

const dynamodb = new DynamoDBClient({});
const autoScaling = new AutoScalingClient({ maxAttempts: 3 });
const events = new EventBridgeClient({});
const ssm = new SSMClient({});

export const handler = async (event: { Records: { messageId: string; body: string }[] }) => {
  const TableName = process.env.TABLE_NAME!;
  for (const record of event.Records) {
    const decisionIds = (JSON.parse(record.body) as { detail: { decisionIds: string[] } }).detail.decisionIds;
    const keys = decisionIds.map((id) => ({ pk: { S: `decision#${id}` } }));
    await dynamodb.send(new BatchGetItemCommand({ RequestItems: { [TableName]: { Keys: keys, ConsistentRead: true } } }));
    await dynamodb.send(new GetItemCommand({ TableName, Key: { pk: { S: 'sdk#group' } }, ConsistentRead: true }));
    await ssm.send(new GetParameterCommand({ Name: process.env.PAUSE_PARAMETER_NAME }));
    const described = await autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['gpu-a100-nodes'] }));
    const desired = described.AutoScalingGroups?.[0]?.DesiredCapacity ?? 0;
    await dynamodb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'sdk#group' }, desired: { N: String(desired + 2) } } }));
    await autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'gpu-a100-nodes', DesiredCapacity: desired + 2, HonorCooldown: false }));
    await dynamodb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'sdk#group' }, desired: { N: String(desired + 2) }, done: { BOOL: true } } }));
    await Promise.all(keys.map((Key) => dynamodb.send(new UpdateItemCommand({ TableName, Key, UpdateExpression: 'SET outcome = :o', ExpressionAttributeValues: { ':o': { S: 'scaled' } } }))));
    await events.send(new PutEventsCommand({ Entries: [{ EventBusName: process.env.EVENT_BUS_NAME, Source: 'alertscale', DetailType: 'Scaling Action', Detail: JSON.stringify({ decisionIds }) }] }));
  }
  return { batchItemFailures: [] };
};
