import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStack, type BuiltStack, removeAssemblies } from './support';

let built: BuiltStack;
beforeAll(() => {
  built = buildStack();
});
afterAll(removeAssemblies);

type Resource = { Type: string; Properties: Record<string, any> };

function resources(type: string): Record<string, Resource> {
  return built.template.findResources(type) as Record<string, Resource>;
}

/** Logical ids of every queue something uses as a dead-letter queue: redrive, rule target or async Lambda. */
function deadLetterQueueIds(): Set<string> {
  const ids = new Set<string>();
  const getAtt = (arn: unknown) => (arn as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0];
  for (const queue of Object.values(resources('AWS::SQS::Queue'))) {
    const id = getAtt(queue.Properties.RedrivePolicy?.deadLetterTargetArn);
    if (id) ids.add(id);
  }
  for (const rule of Object.values(resources('AWS::Events::Rule'))) {
    for (const target of rule.Properties.Targets ?? []) {
      const id = getAtt(target.DeadLetterConfig?.Arn);
      if (id) ids.add(id);
    }
  }
  for (const fn of Object.values(resources('AWS::Lambda::Function'))) {
    const id = getAtt(fn.Properties.DeadLetterConfig?.TargetArn);
    if (id) ids.add(id);
  }
  return ids;
}

describe('every queue', () => {
  it('is either a dead-letter queue or has one', () => {
    const dlqs = deadLetterQueueIds();
    const withoutDlq = Object.entries(resources('AWS::SQS::Queue'))
      .filter(([id, queue]) => !dlqs.has(id) && queue.Properties.RedrivePolicy === undefined)
      .map(([id]) => id);
    expect(withoutDlq).toEqual([]);
  });

  it('that is a dead-letter queue raises an alarm to the operators at the first message', () => {
    const alarmTopic = built.stack.resolve(built.stack.alarmTopic.topic.topicArn);
    const alarmed = new Set(
      Object.values(resources('AWS::CloudWatch::Alarm'))
        .filter(
          (alarm) =>
            alarm.Properties.Namespace === 'AWS/SQS' &&
            alarm.Properties.MetricName === 'ApproximateNumberOfMessagesVisible' &&
            alarm.Properties.Threshold === 1 &&
            alarm.Properties.ComparisonOperator === 'GreaterThanOrEqualToThreshold' &&
            JSON.stringify(alarm.Properties.AlarmActions) === JSON.stringify([alarmTopic]),
        )
        .map((alarm) => alarm.Properties.Dimensions[0].Value['Fn::GetAtt'][0] as string),
    );
    const dlqs = [...deadLetterQueueIds()];
    expect(dlqs.length).toBeGreaterThanOrEqual(5);
    expect(dlqs.filter((id) => !alarmed.has(id))).toEqual([]);
  });

  it('is encrypted and refuses requests without TLS', () => {
    const queues = resources('AWS::SQS::Queue');
    expect(Object.entries(queues).filter(([, q]) => q.Properties.SqsManagedSseEnabled !== true).map(([id]) => id)).toEqual([]);
    const tlsEnforced = new Set(
      Object.values(resources('AWS::SQS::QueuePolicy'))
        .filter((policy) =>
          policy.Properties.PolicyDocument.Statement.some(
            (s: any) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false',
          ),
        )
        .flatMap((policy) => policy.Properties.Queues.map((q: { Ref: string }) => q.Ref)),
    );
    expect(Object.keys(queues).filter((id) => !tlsEnforced.has(id))).toEqual([]);
  });

  it('that is a dead-letter queue keeps messages for 14 days', () => {
    const queues = resources('AWS::SQS::Queue');
    const short = [...deadLetterQueueIds()].filter((id) => queues[id]!.Properties.MessageRetentionPeriod !== 14 * 86400);
    expect(short).toEqual([]);
  });
});

describe('every function', () => {
  it('runs Node.js 22 on arm64 with active tracing and its own log group', () => {
    const functions = Object.values(resources('AWS::Lambda::Function'));
    expect(functions).toHaveLength(6);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
      });
    }
  });

  it('logs to a group kept for one month', () => {
    const logGroups = resources('AWS::Logs::LogGroup');
    for (const fn of Object.values(resources('AWS::Lambda::Function'))) {
      expect(logGroups[fn.Properties.LoggingConfig.LogGroup.Ref]?.Properties.RetentionInDays).toBe(30);
    }
  });

  it('has a role without AWS managed policies', () => {
    const managed = Object.values(resources('AWS::IAM::Role')).filter((role) => role.Properties.ManagedPolicyArns !== undefined);
    expect(managed).toEqual([]);
  });
});

describe('every IAM policy', () => {
  it('uses Resource * only for actions that have no resource-level permissions (X-Ray, DescribeAutoScalingGroups, DescribeInstances)', () => {
    const wildcardActions = Object.values(resources('AWS::IAM::Policy'))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
      .filter((statement) => statement.Resource === '*' || (Array.isArray(statement.Resource) && statement.Resource.includes('*')))
      .flatMap((statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]));
    expect([...new Set(wildcardActions)].sort()).toEqual([
      'autoscaling:DescribeAutoScalingGroups',
      'ec2:DescribeInstances',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
  });
});

describe('the alarm topic', () => {
  it('is encrypted with a rotated customer managed key that CloudWatch may use', () => {
    const { template, stack } = built;
    template.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'alertscale alarms',
      KmsMasterKeyId: stack.resolve(stack.alarmTopic.key.keyArn),
    });
    const key = Object.values(resources('AWS::KMS::Key'))[0]!;
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.Properties.KeyPolicy.Statement).toContainEqual(
      expect.objectContaining({
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      }),
    );
  });
});
