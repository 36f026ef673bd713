import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricName } from '../../lambdas/shared/metric-names';
import { buildStack, type BuiltStack, removeAssemblies } from './support';

/** Alarms that reach someone, and the dashboard an operator opens first. */
let built: BuiltStack;
let subscribed: BuiltStack;
const EXISTING = 'arn:aws:sns:eu-west-1:123456789012:oncall';
beforeAll(() => {
  built = buildStack();
  subscribed = buildStack({ stackProps: { alarmEmails: ['oncall@example.com', 'lead@example.com'], alarmTopicArn: EXISTING } });
});
afterAll(removeAssemblies);

type Alarm = { Properties: Record<string, any> };
const alarmsOf = (b: BuiltStack) => Object.values(b.template.findResources('AWS::CloudWatch::Alarm') as Record<string, Alarm>).map((a) => a.Properties);

describe('the alarm set', () => {
  const functions = (b: BuiltStack) => [
    b.stack.ingest.ingest,
    b.stack.reads.reads,
    b.stack.routing.router,
    b.stack.scaling.scaler,
    b.stack.scaling.launchUnsuccessful,
    b.stack.notifications.notifier,
  ];

  it.each(['Errors', 'Throttles'])('has a %s alarm on every function', (metricName) => {
    const alarmed = alarmsOf(built)
      .filter((a) => a.Namespace === 'AWS/Lambda' && a.MetricName === metricName)
      .map((a) => JSON.stringify(a.Dimensions));
    expect(alarmed.sort()).toEqual(
      functions(built)
        .map((fn) => JSON.stringify([{ Name: 'FunctionName', Value: built.stack.resolve(fn.functionName) }]))
        .sort(),
    );
  });

  it('alarms on sustained errors (2 of 3 five-minute periods) and on the first throttle', () => {
    const [errors] = alarmsOf(built).filter((a) => a.MetricName === 'Errors');
    const [throttles] = alarmsOf(built).filter((a) => a.MetricName === 'Throttles');
    expect(errors).toMatchObject({ Period: 300, Threshold: 1, EvaluationPeriods: 3, DatapointsToAlarm: 2 });
    expect(throttles).toMatchObject({ Period: 300, Threshold: 1, EvaluationPeriods: 1 });
  });

  it('has an oldest-message age alarm on every stage queue, at its own threshold', () => {
    const { stack } = built;
    const thresholds = Object.fromEntries(
      alarmsOf(built)
        .filter((a) => a.MetricName === 'ApproximateAgeOfOldestMessage')
        .map((a) => [JSON.stringify(a.Dimensions[0].Value), a.Threshold]),
    );
    expect(thresholds).toEqual({
      [JSON.stringify(stack.resolve(stack.routing.queue.queue.queueName))]: 300,
      [JSON.stringify(stack.resolve(stack.scaling.scaleQueue.queue.queueName))]: 300,
      [JSON.stringify(stack.resolve(stack.notifications.notifyQueue.queue.queueName))]: 900,
    });
  });

  it('notifies the alarm topic from every alarm', () => {
    const topic = built.stack.resolve(built.stack.alarmTopic.topic.topicArn);
    expect(alarmsOf(built).filter((a) => JSON.stringify(a.AlarmActions) !== JSON.stringify([topic]))).toEqual([]);
  });
});

describe('alarm subscriptions', () => {
  it('has no subscriber unless alertscale:alarmEmails or alertscale:alarmTopicArn is given', () => {
    built.template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('subscribes each address of alertscale:alarmEmails to the alarm topic', () => {
    const topic = subscribed.stack.resolve(subscribed.stack.alarmTopic.topic.topicArn);
    const subscriptions = Object.values(subscribed.template.findResources('AWS::SNS::Subscription')).map((s) => s.Properties);
    expect(subscriptions).toEqual([
      { Protocol: 'email', Endpoint: 'oncall@example.com', TopicArn: topic },
      { Protocol: 'email', Endpoint: 'lead@example.com', TopicArn: topic },
    ]);
  });

  it('makes every alarm also notify the topic of alertscale:alarmTopicArn', () => {
    const topic = subscribed.stack.resolve(subscribed.stack.alarmTopic.topic.topicArn);
    const alarms = alarmsOf(subscribed);
    expect(alarms.length).toBeGreaterThan(20);
    expect(alarms.filter((a) => JSON.stringify(a.AlarmActions) !== JSON.stringify([topic, EXISTING]))).toEqual([]);
  });

  it('says so in the outputs: the alarm topic to subscribe more to', () => {
    built.template.hasOutput('AlarmTopicArn', { Value: built.stack.resolve(built.stack.alarmTopic.topic.topicArn) });
  });
});

describe('the dashboard', () => {
  function body(b: BuiltStack): string {
    const dashboard = Object.values(b.template.findResources('AWS::CloudWatch::Dashboard'))[0]!;
    const [, parts] = dashboard.Properties.DashboardBody['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join('');
  }

  it('exists, named after the stack', () => {
    built.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    built.template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'alertscale' });
  });

  it.each([MetricName.NotificationsAccepted, MetricName.AlertDeliveries, MetricName.Decisions, MetricName.ScalingActions, MetricName.Notifications])(
    'has a widget for %s, of this stack',
    (metric) => {
      expect(body(built)).toContain(`MetricName=\\"${metric}\\" stack=\\"Alertscale\\"`);
    },
  );

  it.each(['gpu-a100', 'gpu-h100', 'gpu-l4'])('shows scaling actions by outcome for node group %s', (nodeGroup) => {
    expect(body(built)).toContain(`"title":"Scaling actions by outcome: ${nodeGroup}"`);
    expect(body(built)).toContain(`node_group=\\"${nodeGroup}\\"`);
  });

  it('shows the age of every stage queue and the depth of every dead-letter queue', () => {
    const text = body(built);
    const { stack } = built;
    for (const queue of [stack.routing.queue, stack.scaling.scaleQueue, stack.notifications.notifyQueue]) {
      expect(text).toContain(`"ApproximateAgeOfOldestMessage","QueueName","${JSON.stringify(stack.resolve(queue.queue.queueName))}"`);
      expect(text).toContain(`"ApproximateNumberOfMessagesVisible","QueueName","${JSON.stringify(stack.resolve(queue.deadLetterQueue.queue.queueName))}"`);
    }
    for (const dlq of [stack.eventTargetDeadLetterQueue, stack.scaling.launchUnsuccessfulDeadLetterQueue]) {
      expect(text).toContain(`"ApproximateNumberOfMessagesVisible","QueueName","${JSON.stringify(stack.resolve(dlq.queue.queueName))}"`);
    }
  });

  it('is named in the outputs', () => {
    built.template.hasOutput('DashboardName', { Value: built.stack.resolve(built.stack.dashboard.dashboard.dashboardName) });
  });
});
