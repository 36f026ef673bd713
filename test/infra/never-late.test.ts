import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DetailType, patterns } from '../../lambdas/shared/events';
import { buildStack, exampleConfigDocument, type BuiltStack, removeAssemblies } from './support';

/**
 * Never a late action: nothing on the way to the scaler outlives
 * settings.max_action_age (10 minutes by default), and the routing and notify
 * paths have a stated maximum of six hours.
 */
let built: BuiltStack;
let threeMinutes: BuiltStack;
beforeAll(() => {
  built = buildStack();
  const document = exampleConfigDocument();
  document.settings = { ...(document.settings as object), max_action_age: '3m' };
  threeMinutes = buildStack({ document });
});
afterAll(removeAssemblies);

type Resource = { Properties: Record<string, any> };

function scaleTargets(b: BuiltStack) {
  return Object.values(
    b.template.findResources('AWS::Events::Rule', { Properties: { EventPattern: { 'detail-type': [DetailType.ScaleRequested] } } }) as Record<string, Resource>,
  ).flatMap((rule) => rule.Properties.Targets as { RetryPolicy: { MaximumEventAgeInSeconds: number; MaximumRetryAttempts: number } }[]);
}

function launchFailureTarget(b: BuiltStack) {
  const rule = Object.values(
    b.template.findResources('AWS::Events::Rule', { Properties: { EventPattern: patterns.launchUnsuccessful(['gpu-a100-nodes', 'gpu-h100-nodes', 'gpu-l4-nodes']) } }) as Record<string, Resource>,
  )[0]!;
  return rule.Properties.Targets[0] as { RetryPolicy: { MaximumEventAgeInSeconds: number; MaximumRetryAttempts: number } };
}

function scaleQueue(b: BuiltStack) {
  return b.template.findResources('AWS::SQS::Queue')[b.stack.getLogicalId(b.stack.scaling.scaleQueue.queue.node.defaultChild as never)] as Resource;
}

function asyncInvokeConfig(b: BuiltStack) {
  return Object.values(b.template.findResources('AWS::Lambda::EventInvokeConfig') as Record<string, Resource>);
}

describe.each([
  { name: 'the default max_action_age (10m)', seconds: 600, stack: () => built },
  { name: 'max_action_age: 3m', seconds: 180, stack: () => threeMinutes },
])('with $name', ({ seconds, stack }) => {
  it('no scale rule target retries an event older than max_action_age, nor more than once a minute on average', () => {
    const targets = scaleTargets(stack());
    expect(targets).toHaveLength(3);
    for (const target of targets) {
      expect(target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: seconds, MaximumRetryAttempts: seconds / 60 });
    }
  });

  it('the scale queue keeps no request longer than max_action_age', () => {
    expect(scaleQueue(stack()).Properties.MessageRetentionPeriod).toBe(seconds);
  });

  it("the launch-failure rule target and Lambda's asynchronous retries together never exceed max_action_age: half each", () => {
    const b = stack();
    const target = launchFailureTarget(b).RetryPolicy;
    const [invokeConfig] = asyncInvokeConfig(b).map((c) => c.Properties);
    expect(target).toEqual({ MaximumEventAgeInSeconds: seconds / 2, MaximumRetryAttempts: Math.floor(seconds / 120) });
    expect(invokeConfig).toEqual({
      FunctionName: b.stack.resolve(b.stack.scaling.launchUnsuccessful.functionName),
      Qualifier: '$LATEST',
      MaximumEventAgeInSeconds: seconds / 2,
      MaximumRetryAttempts: 2,
    });
    expect(target.MaximumEventAgeInSeconds + invokeConfig!.MaximumEventAgeInSeconds).toBeLessThanOrEqual(seconds);
  });

  it('the scale queue raises its age alarm at half of max_action_age, while there is time to act', () => {
    const b = stack();
    b.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: b.stack.resolve(b.stack.scaling.scaleQueue.queue.queueName) }],
      Threshold: seconds / 2,
    });
  });
});

describe('notifications', () => {
  it('may be late, but never more than six hours: the routing and notify targets and queues say so', () => {
    const { template, stack } = built;
    for (const pattern of [patterns.notifications, patterns.notifyRequested]) {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: pattern,
        Targets: [Match.objectLike({ RetryPolicy: { MaximumEventAgeInSeconds: 21600, MaximumRetryAttempts: 185 } })],
      });
    }
    const queues = built.template.findResources('AWS::SQS::Queue');
    for (const queue of [stack.routing.queue.queue, stack.notifications.notifyQueue.queue]) {
      expect(queues[stack.getLogicalId(queue.node.defaultChild as never)]!.Properties.MessageRetentionPeriod).toBe(21600);
    }
  });
});

describe('the dead-letter queues on the way to the fleet', () => {
  it('tell the operator not to redrive scale requests: they are expired', () => {
    const descriptions = Object.values(built.template.findResources('AWS::CloudWatch::Alarm') as Record<string, Resource>).map(
      (a) => a.Properties.AlarmDescription as string,
    );
    expect(descriptions).toContain(
      'alertscale: scale requests that failed 3 times are waiting in a dead-letter queue; inspect them for the cause, but do not redrive: they are past max_action_age, and the scaler would only record them as expired',
    );
    expect(descriptions).toContain(
      'alertscale: Auto Scaling launch failures the fallback handler could not process in time are waiting in a dead-letter queue; inspect them for the cause, but do not redrive: a capacity fallback this late would be a late scale-up',
    );
    expect(descriptions.filter((d) => d.startsWith('alertscale: events EventBridge could not deliver'))).toEqual([
      'alertscale: events EventBridge could not deliver to an alertscale queue in time are waiting in a dead-letter queue; inspect them; route a notification again by replaying its window from the bus archive; send a notify request again by sending its message, as it is, to the notify queue (the archive keeps notifications only); scale requests here are past max_action_age, and the scaler would only record them as expired',
    ]);
  });
});
