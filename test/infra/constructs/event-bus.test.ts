import { aws_iam as iam } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { ACTION_DETAIL_TYPES } from '../../../lib/bus-access';
import { AlertscaleEventBus } from '../../../lib/constructs/event-bus';
import { bareStack, removeAssemblies } from '../support';

afterAll(removeAssemblies);

const PRODUCER = 'arn:aws:iam::210987654321:role/replayer';

function busAlone(producers?: string[]) {
  const stack = bareStack();
  const bus = new AlertscaleEventBus(stack, 'EventBus', { eventBusName: 'alertscale-test' });
  const role = new iam.Role(stack, 'Publisher', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  bus.allowPublishers({ functionRoles: [role], notificationProducerArns: producers });
  const template = Template.fromStack(stack);
  const policy = Object.values(template.findResources('AWS::Events::EventBus'))[0]!.Properties.Policy;
  return { stack, role, template, policy, roleArn: stack.resolve(role.roleArn) };
}

const busArn = {
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':event-bus/alertscale-test']],
};

describe('AlertscaleEventBus, alone on a stack', () => {
  it('archives the notifications, and nothing derived from them, for 30 days', () => {
    busAlone().template.hasResourceProperties('AWS::Events::Archive', {
      EventPattern: Match.objectEquals({ source: ['alertscale'], 'detail-type': ['Alertmanager Notification'] }),
      RetentionDays: 30,
    });
  });

  it('names the action detail-types: everything a stage but ingest publishes', () => {
    expect(ACTION_DETAIL_TYPES).toEqual([
      'Alert Decided',
      'Scale Requested',
      'Notify Requested',
      'Scaling Action',
      'Notification Sent',
      'Drain Requested',
      'Drain Completed',
    ]);
  });

  it('denies every principal but the function roles the action detail-types, whatever the source', () => {
    const { policy, roleArn } = busAlone();
    expect(policy.Statement).toContainEqual({
      Sid: 'OnlyAlertscaleFunctionsPutActionEvents',
      Effect: 'Deny',
      Principal: '*',
      Action: 'events:PutEvents',
      Resource: busArn,
      Condition: {
        StringEquals: { 'events:detail-type': [...ACTION_DETAIL_TYPES] },
        ArnNotEquals: { 'aws:PrincipalArn': [roleArn] },
      },
    });
  });

  it('denies source alertscale to everyone but the function roles and the named producers', () => {
    const { policy, roleArn } = busAlone([PRODUCER]);
    expect(policy.Statement).toContainEqual({
      Sid: 'OnlyAlertscalePublishersPutAlertscaleEvents',
      Effect: 'Deny',
      Principal: '*',
      Action: 'events:PutEvents',
      Resource: busArn,
      Condition: { StringEquals: { 'events:source': 'alertscale' }, ArnNotEquals: { 'aws:PrincipalArn': [roleArn, PRODUCER] } },
    });
  });

  it('lets a named producer, also of another account, put Alertmanager Notification and nothing else', () => {
    const { policy } = busAlone([PRODUCER]);
    expect(policy.Statement).toContainEqual({
      Sid: 'NotificationProducersPutNotifications',
      Effect: 'Allow',
      Principal: { AWS: PRODUCER },
      Action: 'events:PutEvents',
      Resource: busArn,
      Condition: { StringEquals: { 'events:source': 'alertscale', 'events:detail-type': 'Alertmanager Notification' } },
    });
  });

  it('allows no one anything without producers: the policy is the two denials', () => {
    const { policy } = busAlone();
    expect(policy.Statement.map((s: { Sid: string; Effect: string }) => `${s.Effect} ${s.Sid}`)).toEqual([
      'Deny OnlyAlertscaleFunctionsPutActionEvents',
      'Deny OnlyAlertscalePublishersPutAlertscaleEvents',
    ]);
  });
});
