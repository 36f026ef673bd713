import { Stack, aws_cloudwatch as cloudwatch, aws_sns as sns } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { AlarmTopic } from '../../../lib/constructs/alarm-topic';
import { bareStack, removeAssemblies } from '../support';

afterAll(removeAssemblies);

const EXISTING = 'arn:aws:sns:eu-west-1:123456789012:oncall';

function alarmOn(stack: Stack, id: string, topic: AlarmTopic) {
  const alarm = new cloudwatch.Alarm(stack, id, {
    metric: new cloudwatch.Metric({ namespace: 'test', metricName: id }),
    threshold: 1,
    evaluationPeriods: 1,
  });
  alarm.addAlarmAction({ bind: () => ({ alarmActionArn: topic.topic.topicArn }) });
  return alarm;
}

describe('AlarmTopic, alone on a stack', () => {
  it('subscribes each e-mail address once', () => {
    const stack = bareStack();
    const topic = new AlarmTopic(stack, 'AlarmTopic', { emails: ['oncall@example.com', 'lead@example.com', 'oncall@example.com'] });
    const template = Template.fromStack(stack);
    const subscriptions = Object.values(template.findResources('AWS::SNS::Subscription')).map((s) => s.Properties);
    expect(subscriptions).toEqual([
      { Protocol: 'email', Endpoint: 'oncall@example.com', TopicArn: stack.resolve(topic.topic.topicArn) },
      { Protocol: 'email', Endpoint: 'lead@example.com', TopicArn: stack.resolve(topic.topic.topicArn) },
    ]);
  });

  it('has no subscriber unless asked', () => {
    const stack = bareStack();
    new AlarmTopic(stack, 'AlarmTopic');
    Template.fromStack(stack).resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('makes every alarm under a scope notify the existing topic as well', () => {
    const stack = bareStack();
    const topic = new AlarmTopic(stack, 'AlarmTopic', { alsoNotify: sns.Topic.fromTopicArn(stack, 'Existing', EXISTING) });
    alarmOn(stack, 'One', topic);
    alarmOn(stack, 'Two', topic);
    topic.coverAlarmsOf(stack);
    const alarms = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties.AlarmActions);
    expect(alarms).toEqual([
      [stack.resolve(topic.topic.topicArn), EXISTING],
      [stack.resolve(topic.topic.topicArn), EXISTING],
    ]);
  });
});
