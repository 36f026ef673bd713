import { aws_events as events, aws_sns as sns, aws_sqs as sqs, aws_ssm as ssm } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patterns } from '../../../lambdas/shared/events';
import { DecisionTable } from '../../../lib/constructs/decision-table';
import { NodeGroupScaling, scaleDeliveryLimits } from '../../../lib/constructs/node-group-scaling';
import { bareStack, configOf, exampleConfigDocument, removeAssemblies, roleStatements } from '../support';

afterAll(removeAssemblies);

function scalingAlone(document: unknown = exampleConfigDocument()) {
  const stack = bareStack();
  const bus = new events.EventBus(stack, 'Bus');
  const table = new DecisionTable(stack, 'DecisionTable').table;
  const alarmTopic = new sns.Topic(stack, 'Alarms');
  const pauseParameter = new ssm.StringParameter(stack, 'Pause', { stringValue: 'off' });
  const eventTargetDeadLetterQueue = new sqs.Queue(stack, 'TargetDlq');
  const scaling = new NodeGroupScaling(stack, 'Scaling', { config: configOf(document), bus, table, alarmTopic, pauseParameter, eventTargetDeadLetterQueue });
  return { stack, bus, table, pauseParameter, scaling, template: Template.fromStack(stack) };
}

function withSettings(settings: Record<string, unknown>) {
  const document = exampleConfigDocument();
  document.settings = { ...(document.settings as object), ...settings };
  return document;
}

let built: ReturnType<typeof scalingAlone>;
beforeAll(() => {
  built = scalingAlone();
});

describe('NodeGroupScaling, alone on a stack', () => {
  it('has one scale rule per configured node group and a launch-failure rule on the default bus', () => {
    const { template } = built;
    const rules = Object.values(template.findResources('AWS::Events::Rule')).map((r) => r.Properties.EventPattern);
    expect(rules).toEqual(
      expect.arrayContaining([
        patterns.scaleRequested('gpu-a100'),
        patterns.scaleRequested('gpu-h100'),
        patterns.scaleRequested('gpu-l4'),
        patterns.launchUnsuccessful(['gpu-a100-nodes', 'gpu-h100-nodes', 'gpu-l4-nodes']),
      ]),
    );
    expect(rules).toHaveLength(4);
  });

  it('has neither the launch-failure rule nor the Auto Scaling change statement without node groups', () => {
    const document = exampleConfigDocument();
    document.node_groups = [];
    document.receivers = [{ name: 'oncall', sns_configs: [{}] }];
    document.route = { receiver: 'oncall' };
    const { template, stack, scaling } = scalingAlone(document);
    template.resourceCountIs('AWS::Events::Rule', 0);
    expect(JSON.stringify(roleStatements(stack, template, scaling.scaler.role!))).not.toContain('SetDesiredCapacity');
  });

  it('times the scaler out at 30 s and hides a received request for 60 s, parking it after 3 receives', () => {
    const { template, stack, scaling } = built;
    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', Timeout: 30 });
    template.hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      VisibilityTimeout: 60,
      RedrivePolicy: { deadLetterTargetArn: stack.resolve(scaling.scaleQueue.deadLetterQueue.queue.queueArn), maxReceiveCount: 3 },
    });
  });

  it('says in the scale dead-letter alarm not to redrive what is in it', () => {
    const { template, stack, scaling } = built;
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [{ Name: 'QueueName', Value: stack.resolve(scaling.scaleQueue.deadLetterQueue.queue.queueName) }],
      AlarmDescription:
        'alertscale: scale requests that failed 3 times are waiting in a dead-letter queue; inspect them for the cause, but do not redrive: they are past max_action_age, and the scaler would only record them as expired',
    });
  });

  it('shares one Auto Scaling policy between the scaler and the launch-failure function', () => {
    const { template, stack, scaling } = built;
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: Match.arrayWith([stack.resolve(scaling.scaler.role!.roleName), stack.resolve(scaling.launchUnsuccessful.role!.roleName)]),
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'ChangeConfiguredNodeGroups' })]) },
    });
  });

  it('refuses a node group name that cannot be a message group id, naming it', () => {
    const document = exampleConfigDocument();
    (document.node_groups as unknown[]).push({ name: 'gpu b200', asg_name: 'gpu-b200-nodes', min: 0, max: 4, hourly_cost: 1 });
    expect(() => scalingAlone(document)).toThrow(
      'node group name "gpu b200" cannot be a FIFO message group id: use 1-128 printable ASCII characters without spaces',
    );
  });

  it('refuses a max_action_age below what EventBridge and SQS can expire, saying what to set', () => {
    expect(() => scalingAlone(withSettings({ max_action_age: '30s' }))).toThrow(
      "settings.max_action_age is 30 s: the scale rules and the scale queue cannot expire anything younger than 60 s (EventBridge's and SQS's minimum); set it to 1m or more",
    );
  });
});

describe('scaleDeliveryLimits', () => {
  it('derives every bound from max_action_age: 10 minutes by default', () => {
    const limits = scaleDeliveryLimits(600_000);
    expect({
      eventAge: limits.delivery.maxEventAge.toSeconds(),
      retries: limits.delivery.retryAttempts,
      retention: limits.queueRetention.toSeconds(),
      launchFailureAge: limits.launchFailureDelivery.maxEventAge.toSeconds(),
      asyncAge: limits.asyncEventAge.toSeconds(),
      asyncRetries: limits.asyncRetryAttempts,
      alarm: limits.ageAlarmAfter.toSeconds(),
    }).toEqual({ eventAge: 600, retries: 10, retention: 600, launchFailureAge: 300, asyncAge: 300, asyncRetries: 2, alarm: 300 });
  });

  it('keeps 60 s, the services\' minimum, for each half when max_action_age is a minute', () => {
    const limits = scaleDeliveryLimits(60_000);
    expect([limits.delivery.maxEventAge, limits.launchFailureDelivery.maxEventAge, limits.asyncEventAge, limits.queueRetention].map((d) => d.toSeconds())).toEqual([60, 60, 60, 60]);
  });

  it("never exceeds what each service allows, so every bound stays at or below max_action_age", () => {
    const limits = scaleDeliveryLimits(3 * 86_400_000);
    expect(limits.delivery.maxEventAge.toSeconds()).toBe(86_400);
    expect(limits.delivery.retryAttempts).toBe(185);
    expect(limits.asyncEventAge.toSeconds()).toBe(6 * 3600);
    expect(limits.queueRetention.toSeconds()).toBe(3 * 86_400);
  });
});
