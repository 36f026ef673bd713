import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Env } from '../../lambdas/shared/env';
import { patterns } from '../../lambdas/shared/events';
import { buildStack, exampleConfigDocument, statementsGranting, statementsOf, type BuiltStack, removeAssemblies } from './support';

const CONTROL_PLANE_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:control-plane';

/** The example configuration plus a receiver with a signed webhook and an SNS channel on another topic. */
function documentWithEveryChannel() {
  const document = exampleConfigDocument();
  (document.receivers as unknown[]).push({
    name: 'control-plane',
    webhook_configs: [{ url: 'https://control-plane.internal/alerts', signing_key_secret: 'alertscale/hook' }],
    sns_configs: [{ topic_arn: CONTROL_PLANE_TOPIC }, {}],
  });
  return document;
}

/** The ARN pattern of a secret named `name`, as the template writes it. */
function secretArnPattern(name: string) {
  return {
    'Fn::Join': [
      '',
      ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:secret:${name}-??????`],
    ],
  };
}

let built: BuiltStack;
beforeAll(() => {
  built = buildStack({ document: documentWithEveryChannel() });
});
afterAll(removeAssemblies);

describe('notify rule and queue', () => {
  it('route exactly the shared Notify Requested pattern to the notify queue, retrying for at most six hours, then parking undeliverable events', () => {
    const { template, stack } = built;
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: stack.resolve(stack.eventBus.bus.eventBusName),
      EventPattern: patterns.notifyRequested,
      Targets: [
        Match.objectLike({
          Arn: stack.resolve(stack.notifications.notifyQueue.queue.queueArn),
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 6 * 3600 },
          DeadLetterConfig: { Arn: stack.resolve(stack.eventTargetDeadLetterQueue.queue.queueArn) },
        }),
      ],
    });
  });

  it('is a standard encrypted queue with a dead-letter queue after 5 receives', () => {
    const { template, stack } = built;
    const { notifyQueue, notifier } = stack.notifications;
    template.hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: Match.absent(),
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 6 * notifier.timeout!.toSeconds() + 5,
      RedrivePolicy: { deadLetterTargetArn: stack.resolve(notifyQueue.deadLetterQueue.queue.queueArn), maxReceiveCount: 5 },
    });
  });

  it("feeds the notifier in batches of 10 gathered for 5 s, so one group notification's alerts arrive together", () => {
    const { template, stack } = built;
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: stack.resolve(stack.notifications.notifyQueue.queue.queueArn),
      FunctionName: stack.resolve(stack.notifications.notifier.functionName),
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });
});

describe('notification topic', () => {
  it('is encrypted with the AWS managed SNS key', () => {
    built.template.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'alertscale notifications',
      KmsMasterKeyId: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':alias/aws/sns'])] }),
    });
  });

  it('refuses publishing without TLS', () => {
    const { template, stack } = built;
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [stack.resolve(stack.notifications.topic.topicArn)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('is given to the notifier through SNS_TOPIC_ARN', () => {
    const { template, stack } = built;
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [Env.SnsTopicArn]: stack.resolve(stack.notifications.topic.topicArn),
          [Env.TableName]: stack.resolve(stack.table.table.tableName),
          [Env.EventBusName]: stack.resolve(stack.eventBus.bus.eventBusName),
        }),
      },
    });
  });
});

describe('notifier permissions', () => {
  it('allow GetSecretValue on exactly the secrets the configuration names', () => {
    const statements = statementsGranting(statementsOf(built, built.stack.notifications.notifier), 'secretsmanager:GetSecretValue');
    expect(statements).toEqual([
      {
        Sid: 'ReadChannelSecrets',
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: ['alertscale/hook', 'alertscale/pagerduty', 'alertscale/slack'].map(secretArnPattern),
      },
    ]);
  });

  it('allow no secret at all when the configuration names none', () => {
    const document = exampleConfigDocument();
    document.receivers = [{ name: 'oncall', sns_configs: [{}] }];
    document.route = { receiver: 'oncall' };
    const plain = buildStack({ document });
    const statements = statementsOf(plain, plain.stack.notifications.notifier);
    expect(statements.filter((s) => JSON.stringify(s.Action).includes('secretsmanager:'))).toEqual([]);
  });

  it('allow publishing to the stack topic and the topics sns_configs name, and nowhere else', () => {
    const statements = statementsGranting(statementsOf(built, built.stack.notifications.notifier), 'sns:Publish');
    expect(statements.map((s) => s.Resource)).toEqual([
      built.stack.resolve(built.stack.notifications.topic.topicArn),
      CONTROL_PLANE_TOPIC,
    ]);
  });

  it('allow putting events on the alertscale bus only', () => {
    const statements = statementsGranting(statementsOf(built, built.stack.notifications.notifier), 'events:PutEvents');
    expect(statements.map((s) => s.Resource)).toEqual([built.stack.resolve(built.stack.eventBus.bus.eventBusArn)]);
  });

  it('allow writing delivery records to the table', () => {
    const statements = statementsGranting(statementsOf(built, built.stack.notifications.notifier), 'dynamodb:PutItem');
    expect(statements.map((s) => s.Resource)).toEqual([built.stack.resolve(built.stack.table.table.tableArn)]);
  });

  it('grant no Auto Scaling or SSM action', () => {
    const statements = statementsOf(built, built.stack.notifications.notifier);
    expect(statements.filter((s) => /autoscaling:|ssm:/.test(JSON.stringify(s.Action)))).toEqual([]);
  });
});
