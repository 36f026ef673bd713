import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Env } from '../../lambdas/shared/env';
import { DetailType, patterns } from '../../lambdas/shared/events';
import { actionsOf, buildStack, exampleConfigDocument, statementsGranting, statementsOf, type BuiltStack, removeAssemblies } from './support';

const NODE_GROUPS = ['gpu-a100', 'gpu-h100', 'gpu-l4'];

/** The ARN of an Auto Scaling group by name, as the template writes it. */
function asgArnPattern(asgName: string) {
  return {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':autoscaling:',
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        `:autoScalingGroup:*:autoScalingGroupName/${asgName}`,
      ],
    ],
  };
}

let built: BuiltStack;
beforeAll(() => {
  built = buildStack();
});
afterAll(removeAssemblies);

function scaleRules(b: BuiltStack) {
  return Object.values(
    b.template.findResources('AWS::Events::Rule', {
      Properties: { EventPattern: { 'detail-type': [DetailType.ScaleRequested] } },
    }),
  );
}

describe('scale queue', () => {
  it('is a FIFO queue with content-based deduplication and a FIFO dead-letter queue after 3 receives of 2 scaler timeouts each', () => {
    const { template, stack } = built;
    template.hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      ContentBasedDeduplication: true,
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 2 * stack.scaling.scaler.timeout!.toSeconds(),
      RedrivePolicy: { deadLetterTargetArn: stack.resolve(stack.scaling.scaleQueue.deadLetterQueue.queue.queueArn), maxReceiveCount: 3 },
    });
    const dlq = template.findResources('AWS::SQS::Queue', {
      Properties: { FifoQueue: true, RedrivePolicy: Match.absent() },
    });
    expect(Object.keys(dlq)).toHaveLength(1);
  });

  it('feeds the scaler in batches of 10 with partial batch responses and no batching window', () => {
    const { template, stack } = built;
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: stack.resolve(stack.scaling.scaleQueue.queue.queueArn),
      FunctionName: stack.resolve(stack.scaling.scaler.functionName),
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: Match.absent(),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });
});

describe('scale rules', () => {
  it('are one per configured node group', () => {
    expect(scaleRules(built)).toHaveLength(NODE_GROUPS.length);
  });

  it.each(NODE_GROUPS)('send Scale Requested for %s to its own FIFO message group', (nodeGroup) => {
    const { template, stack } = built;
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: stack.resolve(stack.eventBus.bus.eventBusName),
      EventPattern: patterns.scaleRequested(nodeGroup),
      Targets: [
        Match.objectLike({
          Arn: stack.resolve(stack.scaling.scaleQueue.queue.queueArn),
          SqsParameters: { MessageGroupId: nodeGroup },
          RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 600 },
          DeadLetterConfig: { Arn: stack.resolve(stack.eventTargetDeadLetterQueue.queue.queueArn) },
        }),
      ],
    });
  });

  it('follow the configuration: a node group added there gets its rule', () => {
    const document = exampleConfigDocument();
    (document.node_groups as unknown[]).push({ name: 'gpu-b200', asg_name: 'gpu-b200-nodes', min: 0, max: 4, hourly_cost: 1 });
    const withB200 = buildStack({ document });
    expect(scaleRules(withB200)).toHaveLength(NODE_GROUPS.length + 1);
    withB200.template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: patterns.scaleRequested('gpu-b200'),
      Targets: [Match.objectLike({ SqsParameters: { MessageGroupId: 'gpu-b200' } })],
    });
  });

  it('refuse a node group name that cannot be a message group id, naming it', () => {
    const document = exampleConfigDocument();
    (document.node_groups as unknown[]).push({ name: 'gpu b200', asg_name: 'gpu-b200-nodes', min: 0, max: 4, hourly_cost: 1 });
    expect(() => buildStack({ document })).toThrow(
      'node group name "gpu b200" cannot be a FIFO message group id: use 1-128 printable ASCII characters without spaces',
    );
  });
});

describe('scaler permissions', () => {
  it('allow DescribeAutoScalingGroups on any group, which has no resource-level permissions', () => {
    const statements = statementsGranting(statementsOf(built, built.stack.scaling.scaler), 'autoscaling:DescribeAutoScalingGroups');
    expect(statements).toEqual([expect.objectContaining({ Effect: 'Allow', Resource: '*' })]);
    expect(statements[0]!.Condition).toBeUndefined();
  });

  it('allow SetDesiredCapacity and TerminateInstanceInAutoScalingGroup only on the configured groups by name, and only while tagged alertscale:managed=true', () => {
    const statements = statementsGranting(statementsOf(built, built.stack.scaling.scaler), 'autoscaling:SetDesiredCapacity');
    expect(statements).toEqual([
      {
        Sid: 'ChangeConfiguredNodeGroups',
        Effect: 'Allow',
        Action: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
        Resource: ['gpu-a100-nodes', 'gpu-h100-nodes', 'gpu-l4-nodes'].map(asgArnPattern),
        Condition: { StringEquals: { 'autoscaling:ResourceTag/alertscale:managed': 'true' } },
      },
    ]);
  });

  it('grant no other Auto Scaling action', () => {
    const statements = statementsOf(built, built.stack.scaling.scaler);
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions.filter((a) => a.startsWith('autoscaling:')).sort()).toEqual([
      'autoscaling:DescribeAutoScalingGroups',
      'autoscaling:SetDesiredCapacity',
      'autoscaling:TerminateInstanceInAutoScalingGroup',
    ]);
  });

  it('allow ec2:DescribeInstances, read-only and on any instance, which has no resource-level permissions, and no other EC2 action', () => {
    const statements = statementsOf(built, built.stack.scaling.scaler);
    expect(statementsGranting(statements, 'ec2:DescribeInstances')).toEqual([{ Sid: 'LookUpNodes', Effect: 'Allow', Action: 'ec2:DescribeInstances', Resource: '*' }]);
    expect(actionsOf(statements).filter((a) => a.startsWith('ec2:'))).toEqual(['ec2:DescribeInstances']);
  });

  it('allow reading the kill-switch parameter only, which the scaler is told through PAUSE_PARAMETER_NAME', () => {
    const { template, stack } = built;
    const statements = statementsGranting(statementsOf(built, stack.scaling.scaler), 'ssm:GetParameter');
    expect(statements.map((s) => s.Resource)).toEqual([stack.resolve(stack.pauseParameter.parameterArn)]);
    expect(actionsOf(statementsOf(built, stack.scaling.scaler)).filter((a) => a.startsWith('ssm:'))).toEqual(['ssm:GetParameter']);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Environment: {
        Variables: Match.objectLike({
          [Env.PauseParameterName]: stack.resolve(stack.pauseParameter.parameterName),
          [Env.TableName]: stack.resolve(stack.table.table.tableName),
          [Env.EventBusName]: stack.resolve(stack.eventBus.bus.eventBusName),
        }),
      },
    });
  });

  it('allow putting events on the alertscale bus only', () => {
    const statements = statementsGranting(statementsOf(built, built.stack.scaling.scaler), 'events:PutEvents');
    expect(statements.map((s) => s.Resource)).toEqual([built.stack.resolve(built.stack.eventBus.bus.eventBusArn)]);
  });
});

describe('kill switch', () => {
  it('is the SSM parameter /alertscale/paused, off at deploy', () => {
    built.template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/alertscale/paused', Type: 'String', Value: 'off' });
  });

  it('is named with the prefix in front of the stack name when one is given', () => {
    const prefixed = buildStack({ stackProps: { namePrefix: 'team-gpu' } });
    prefixed.template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/team-gpu-alertscale/paused' });
  });
});

describe('capacity fallback', () => {
  it('listens on the default bus for exactly the shared launch-unsuccessful pattern', () => {
    const { template } = built;
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: patterns.launchUnsuccessful(['gpu-a100-nodes', 'gpu-h100-nodes', 'gpu-l4-nodes']),
      EventBusName: Match.absent(),
    });
  });

  it("runs the scaler bundle's launchUnsuccessfulHandler, retrying delivery, then parking it in a dead-letter queue", () => {
    const { template, stack } = built;
    const { launchUnsuccessful, launchUnsuccessfulDeadLetterQueue } = stack.scaling;
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: patterns.launchUnsuccessful(['gpu-a100-nodes', 'gpu-h100-nodes', 'gpu-l4-nodes']),
      Targets: [
        Match.objectLike({
          Arn: stack.resolve(launchUnsuccessful.functionArn),
          RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 300 },
          DeadLetterConfig: { Arn: stack.resolve(launchUnsuccessfulDeadLetterQueue.queue.queueArn) },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.launchUnsuccessfulHandler',
      DeadLetterConfig: { TargetArn: stack.resolve(launchUnsuccessfulDeadLetterQueue.queue.queueArn) },
    });
  });

  it('has the same tag-scoped Auto Scaling permissions as the scaler', () => {
    const statements = statementsGranting(statementsOf(built, built.stack.scaling.launchUnsuccessful), 'autoscaling:SetDesiredCapacity');
    expect(statements.map((s) => s.Condition)).toEqual([
      { StringEquals: { 'autoscaling:ResourceTag/alertscale:managed': 'true' } },
    ]);
  });
});
