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
      AttributeDefinitions: Match.arrayWith([{ AttributeName: 'pk', AttributeType: 'S' }]),
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('is kept when the stack is deleted', () => {
    built.template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('has deletion protection on', () => {
    built.template.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true });
  });

  it('has the keys-only recent index, by recentBucket and createdAt', () => {
    built.template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: [
        {
          IndexName: 'recent',
          KeySchema: [
            { AttributeName: 'recentBucket', KeyType: 'HASH' },
            { AttributeName: 'createdAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    });
  });
});

describe('notifications rule', () => {
  it('matches exactly the shared notifications pattern on the alertscale bus', () => {
    const { template, stack } = built;
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: stack.resolve(stack.eventBus.bus.eventBusName),
      EventPattern: patterns.notifications,
    });
  });

  it('is the only rule feeding the router: the v1 alerts pattern is gone', () => {
    const patternsOfRules = Object.values(built.template.findResources('AWS::Events::Rule')).map((rule) => JSON.stringify(rule.Properties.EventPattern));
    expect(patternsOfRules.filter((pattern) => pattern.includes('Alertmanager Alert'))).toEqual([]);
    expect(patternsOfRules.filter((pattern) => pattern.includes('Alertmanager Notification'))).toHaveLength(1);
  });

  it('delivers to the router queue, retrying for at most six hours, then parking the event in the target dead-letter queue', () => {
    const { template, stack } = built;
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: patterns.notifications,
      Targets: [
        Match.objectLike({
          Arn: stack.resolve(stack.routing.queue.queue.queueArn),
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 6 * 3600 },
          DeadLetterConfig: { Arn: stack.resolve(stack.eventTargetDeadLetterQueue.queue.queueArn) },
        }),
      ],
    });
  });
});

describe('router queue', () => {
  it('is encrypted, hands a message out again only after six router timeouts, and parks it after 5 receives', () => {
    const { template, stack } = built;
    const timeout = stack.routing.router.timeout!.toSeconds();
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 6 * timeout + 1,
      RedrivePolicy: {
        deadLetterTargetArn: stack.resolve(stack.routing.queue.deadLetterQueue.queue.queueArn),
        maxReceiveCount: 5,
      },
    });
  });

  it('refuses requests without TLS', () => {
    const { template, stack } = built;
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [stack.resolve(stack.routing.queue.queue.queueUrl)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('keeps a notification at most six hours', () => {
    built.template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: Match.objectLike({ deadLetterTargetArn: built.stack.resolve(built.stack.routing.queue.deadLetterQueue.queue.queueArn) }),
      MessageRetentionPeriod: 6 * 3600,
    });
  });

  it('may receive from the notifications rule only', () => {
    const { template, stack } = built;
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [stack.resolve(stack.routing.queue.queue.queueUrl)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
            Condition: { ArnEquals: { 'aws:SourceArn': stack.resolve(stack.routing.rule.ruleArn) } },
          }),
        ]),
      },
    });
  });

  it('feeds the router in batches of 10 within 1 s, with partial batch responses', () => {
    const { template, stack } = built;
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: stack.resolve(stack.routing.queue.queue.queueArn),
      FunctionName: stack.resolve(stack.routing.router.functionName),
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

  it('may get, batch-get, put and update items of the table, and only the table', () => {
    const statements = statementsOf(built, built.stack.routing.router);
    for (const action of ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']) {
      expect(statementsGranting(statements, action).map((s) => s.Resource)).toEqual([
        { 'Fn::GetAtt': [logicalIdOf(built, built.stack.table.table), 'Arn'] },
      ]);
    }
    expect(actionsOf(statements).filter((a) => a.startsWith('dynamodb:'))).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
  });

  it('may put events on the alertscale bus only', () => {
    const statements = statementsGranting(statementsOf(built, built.stack.routing.router), 'events:PutEvents');
    expect(statements.map((s) => s.Resource)).toEqual([built.stack.resolve(built.stack.eventBus.bus.eventBusArn)]);
  });

  it('may consume its own queue only', () => {
    const statements = statementsGranting(statementsOf(built, built.stack.routing.router), 'sqs:DeleteMessage');
    expect(statements.map((s) => s.Resource)).toEqual([built.stack.resolve(built.stack.routing.queue.queue.queueArn)]);
  });

  it('has no secrets, SNS, SSM or Auto Scaling permission', () => {
    const actions = actionsOf(statementsOf(built, built.stack.routing.router));
    expect(actions.filter((a) => /^(secretsmanager|sns|ssm|autoscaling|kms):/.test(a))).toEqual([]);
  });
});
