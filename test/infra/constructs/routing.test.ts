import { aws_events as events, aws_sns as sns, aws_sqs as sqs } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Duration } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patterns } from '../../../lambdas/shared/events';
import { DecisionTable } from '../../../lib/constructs/decision-table';
import { Routing } from '../../../lib/constructs/routing';
import { bareStack, configOf, removeAssemblies, roleStatements } from '../support';

afterAll(removeAssemblies);

function routingAlone(maxNotificationAge?: Duration) {
  const stack = bareStack();
  const bus = new events.EventBus(stack, 'Bus');
  const table = new DecisionTable(stack, 'DecisionTable').table;
  const alarmTopic = new sns.Topic(stack, 'Alarms');
  const eventTargetDeadLetterQueue = new sqs.Queue(stack, 'TargetDlq');
  const routing = new Routing(stack, 'Routing', { config: configOf(), bus, table, alarmTopic, eventTargetDeadLetterQueue, maxNotificationAge });
  return { stack, bus, table, eventTargetDeadLetterQueue, routing, template: Template.fromStack(stack) };
}

let built: ReturnType<typeof routingAlone>;
beforeAll(() => {
  built = routingAlone();
});

describe('Routing, alone on a stack', () => {
  it('has one rule, on the v2 notifications pattern, delivering to its queue for at most six hours', () => {
    const { template, stack, bus, routing, eventTargetDeadLetterQueue } = built;
    template.resourceCountIs('AWS::Events::Rule', 1);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: stack.resolve(bus.eventBusName),
      EventPattern: patterns.notifications,
      Targets: [
        Match.objectLike({
          Arn: stack.resolve(routing.queue.queue.queueArn),
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 21600 },
          DeadLetterConfig: { Arn: stack.resolve(eventTargetDeadLetterQueue.queueArn) },
        }),
      ],
    });
  });

  it('keeps a queued notification six hours, hands it out again after six router timeouts plus the window, and parks it after 5 receives', () => {
    const { template, stack, routing } = built;
    template.hasResourceProperties('AWS::SQS::Queue', {
      MessageRetentionPeriod: 21600,
      VisibilityTimeout: 6 * 30 + 1,
      RedrivePolicy: { deadLetterTargetArn: stack.resolve(routing.queue.deadLetterQueue.queue.queueArn), maxReceiveCount: 5 },
    });
  });

  it('takes a shorter maximum age from the props, for the rule and the queue alike', () => {
    const short = routingAlone(Duration.hours(1));
    short.template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 60, MaximumEventAgeInSeconds: 3600 } })],
    });
    short.template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 3600, RedrivePolicy: Match.anyValue() });
  });

  it('alarms when the oldest notification has waited five minutes', () => {
    const { template, stack, routing } = built;
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: stack.resolve(routing.queue.queue.queueName) }],
      Threshold: 300,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('lets the router put only its own detail-types, and get, batch-get, put and update table items', () => {
    const { template, stack, routing, table } = built;
    const statements = roleStatements(stack, template, routing.router.role!);
    expect(statements).toContainEqual(
      expect.objectContaining({
        Sid: 'PutOwnEvents',
        Condition: {
          StringEquals: { 'events:source': 'alertscale', 'events:detail-type': ['Alert Decided', 'Scale Requested', 'Notify Requested'] },
        },
      }),
    );
    expect(statements).toContainEqual({
      Sid: 'DecisionTable',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      Resource: stack.resolve(table.tableArn),
    });
  });
});
