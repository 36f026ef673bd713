import { Duration, aws_lambda as lambda, aws_sns as sns } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { QueueConsumer } from '../../../lib/constructs/queue-consumer';
import { bareStack, removeAssemblies } from '../support';

afterAll(removeAssemblies);

function consumerAlone(props: Partial<ConstructorParameters<typeof QueueConsumer>[2]> = {}) {
  const stack = bareStack();
  const consumer = new lambda.Function(stack, 'Consumer', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('export const handler = async () => ({})'),
    timeout: Duration.seconds(30),
  });
  const queue = new QueueConsumer(stack, 'Work', { consumer, purpose: 'test work', alarmTopic: new sns.Topic(stack, 'Alarms'), ...props });
  return { stack, queue, template: Template.fromStack(stack) };
}

describe('QueueConsumer, alone on a stack', () => {
  it("hides a message for six consumer timeouts by default, and leaves its retention to SQS's default", () => {
    const { template } = consumerAlone();
    template.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 180, MessageRetentionPeriod: Match.absent(), RedrivePolicy: Match.anyValue() });
  });

  it('alarms when the oldest message is older than five minutes by default, or the age it is given', () => {
    consumerAlone().template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 300 });
    consumerAlone({ maxExpectedAge: Duration.minutes(2) }).template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: 120,
    });
  });

  it('refuses a visibility timeout shorter than the consumer\'s timeout, saying how long it must be', () => {
    expect(() => consumerAlone({ visibilityTimeout: Duration.seconds(10) })).toThrow(
      "Test/Work: visibilityTimeout 10 s is shorter than the consumer's timeout 30 s; Lambda refuses that event source: make it at least 30 s",
    );
  });

  it('refuses a batching window on a FIFO queue', () => {
    expect(() => consumerAlone({ fifo: true, maxBatchingWindow: Duration.seconds(1) })).toThrow(
      'Test/Work: maxBatchingWindow is not supported on a FIFO queue; remove it',
    );
  });
});
