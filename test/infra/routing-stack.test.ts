import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Env } from '../../lambdas/shared/env';
import { patterns } from '../../lambdas/shared/events';
import { actionsOf, buildStack, logicalIdOf, statementsGranting, statementsOf, type BuiltStack, removeAssemblies } from './support';

let built: BuiltStack;
beforeAll(() => {
  built = buildStack();
});
afterAll(removeAssemblies);

describe('decision table', () => {
  it('is keyed by the string pk, on demand, with point-in-time recovery, SSE and TTL on expiresAt', () => {
    built.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('is kept when the stack is deleted', () => {
    built.template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
});

describe('alerts rule', () => {
  it('matches exactly the shared alerts pattern on the alertscale bus', () => {
    const { template, stack } = built;
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: stack.resolve(stack.eventBus.bus.eventBusName),
      EventPattern: patterns.notifications,
    });
  });

  it('delivers to the alert queue, retrying for a day, then parking the event in the target dead-letter queue', () => {
    const { template, stack } = built;
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: patterns.notifications,
      Targets: [
        Match.objectLike({
          Arn: stack.resolve(stack.alertQueue.queue.queueArn),
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
          DeadLetterConfig: { Arn: stack.resolve(stack.eventTargetDeadLetterQueue.queue.queueArn) },
        }),
      ],
    });
  });
});

describe('alert queue', () => {
  it('is encrypted, hands a message out again only after six router timeouts, and parks it after 5 receives', () => {
    const { template, stack } = built;
    const timeout = stack.router.timeout!.toSeconds();
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 6 * timeout + 1,
      RedrivePolicy: {
        deadLetterTargetArn: stack.resolve(stack.alertQueue.deadLetterQueue.queue.queueArn),
        maxReceiveCount: 5,
      },
    });
  });

  it('refuses requests without TLS', () => {
    const { template, stack } = built;
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [stack.resolve(stack.alertQueue.queue.queueUrl)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('may receive from the alerts rule only', () => {
    const { template, stack } = built;
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [stack.resolve(stack.alertQueue.queue.queueUrl)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
            Condition: { ArnEquals: { 'aws:SourceArn': stack.resolve(stack.alertsRule.ruleArn) } },
          }),
        ]),
      },
    });
  });

  it('feeds the router in batches of 10 within 1 s, with partial batch responses', () => {
    const { template, stack } = built;
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: stack.resolve(stack.alertQueue.queue.queueArn),
      FunctionName: stack.resolve(stack.router.functionName),
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });
});

describe('router function', () => {
  it('is told the table and the bus through the environment', () => {
    const { template, stack } = built;
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: Match.absent(),
      Description: Match.stringLikeRegexp('router'),
      Environment: {
        Variables: Match.objectLike({
          [Env.TableName]: stack.resolve(stack.table.table.tableName),
          [Env.EventBusName]: stack.resolve(stack.eventBus.bus.eventBusName),
        }),
      },
    });
  });

  it('may read and write the table, and only the table', () => {
    const statements = statementsOf(built, built.stack.router);
    for (const action of ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query']) {
      expect(statementsGranting(statements, action).map((s) => s.Resource)).toEqual([
        [{ 'Fn::GetAtt': [logicalIdOf(built, built.stack.table.table), 'Arn'] }],
      ]);
    }
  });

  it('may put events on the alertscale bus only', () => {
    const statements = statementsGranting(statementsOf(built, built.stack.router), 'events:PutEvents');
    expect(statements.map((s) => s.Resource)).toEqual([built.stack.resolve(built.stack.eventBus.bus.eventBusArn)]);
  });

  it('may consume its own queue only', () => {
    const statements = statementsGranting(statementsOf(built, built.stack.router), 'sqs:DeleteMessage');
    expect(statements.map((s) => s.Resource)).toEqual([built.stack.resolve(built.stack.alertQueue.queue.queueArn)]);
  });

  it('has no secrets, SNS, SSM or Auto Scaling permission', () => {
    const actions = actionsOf(statementsOf(built, built.stack.router));
    expect(actions.filter((a) => /^(secretsmanager|sns|ssm|autoscaling|kms):/.test(a))).toEqual([]);
  });
});
