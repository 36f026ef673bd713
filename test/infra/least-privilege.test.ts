import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLISHED_BY, type Publisher } from '../../lambdas/shared/events';
import type { AlertscaleFunction } from '../../lib/alertscale-function';
import { ACTION_DETAIL_TYPES } from '../../lib/bus-access';
import { TABLE_ACCESS, type TableUser } from '../../lib/table-access';
import { actionsOf, buildStack, drainedConfigDocument, statementsGranting, statementsOf, type BuiltStack, removeAssemblies } from './support';

/**
 * Each function can do its job and nothing more: the exact IAM of every role,
 * the bus policy that keeps other principals from putting alertscale's action
 * events, and the fleet permissions scoped to the configured groups.
 */
let built: BuiltStack;
beforeAll(() => {
  built = buildStack();
});
afterAll(removeAssemblies);

type Role = { name: string; fn: () => AlertscaleFunction; publisher?: Publisher; table?: TableUser };
const ROLES: Role[] = [
  { name: 'ingest', fn: () => built.stack.ingest.ingest, publisher: 'ingest' },
  { name: 'router', fn: () => built.stack.routing.router, publisher: 'router', table: 'router' },
  { name: 'scaler', fn: () => built.stack.scaling.scaler, publisher: 'scaler', table: 'scaler' },
  { name: 'launch-failure', fn: () => built.stack.scaling.launchUnsuccessful, publisher: 'scaler', table: 'launchFailure' },
  { name: 'notifier', fn: () => built.stack.notifications.notifier, publisher: 'notifier', table: 'notifier' },
  { name: 'api', fn: () => built.stack.reads.reads, table: 'api' },
];
const PUBLISHERS = ROLES.filter((r) => r.publisher !== undefined);

const asgArn = (name: string) => ({
  'Fn::Join': [
    '',
    ['arn:', { Ref: 'AWS::Partition' }, ':autoscaling:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:autoScalingGroup:*:autoScalingGroupName/${name}`],
  ],
});

describe('events:PutEvents', () => {
  it.each(PUBLISHERS)('is granted to the $name function on the bus only, for source alertscale and its own detail-types', ({ fn, publisher }) => {
    const statements = statementsGranting(statementsOf(built, fn()), 'events:PutEvents');
    expect(statements).toEqual([
      {
        Sid: 'PutOwnEvents',
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Resource: built.stack.resolve(built.stack.eventBus.bus.eventBusArn),
        Condition: { StringEquals: { 'events:source': 'alertscale', 'events:detail-type': [...PUBLISHED_BY[publisher!]] } },
      },
    ]);
  });

  it('lets ingest put Alertmanager Notification and nothing else, so it cannot ask for a scale-up', () => {
    const [statement] = statementsGranting(statementsOf(built, built.stack.ingest.ingest), 'events:PutEvents');
    expect((statement!.Condition as { StringEquals: Record<string, unknown> }).StringEquals['events:detail-type']).toEqual([
      'Alertmanager Notification',
    ]);
  });

  it('is not granted to the api function at all', () => {
    expect(statementsGranting(statementsOf(built, built.stack.reads.reads), 'events:PutEvents')).toEqual([]);
  });
});

describe('the bus policy', () => {
  const policyOf = (b: BuiltStack) =>
    Object.values(b.template.findResources('AWS::Events::EventBus'))[0]!.Properties.Policy as {
      Statement: { Sid: string; Effect: string; Principal: unknown; Action: string; Condition: Record<string, Record<string, unknown>> }[];
    };
  const publisherRoleArns = () => PUBLISHERS.map(({ fn }) => built.stack.resolve(fn().role!.roleArn));

  it("denies every other principal alertscale's action detail-types, whatever their source", () => {
    const deny = policyOf(built).Statement.find((s) => s.Sid === 'OnlyAlertscaleFunctionsPutActionEvents')!;
    expect(deny).toMatchObject({ Effect: 'Deny', Principal: '*', Action: 'events:PutEvents' });
    expect(deny.Condition).toEqual({
      StringEquals: { 'events:detail-type': [...ACTION_DETAIL_TYPES] },
      ArnNotEquals: { 'aws:PrincipalArn': publisherRoleArns() },
    });
    expect(ACTION_DETAIL_TYPES).toEqual(
      expect.arrayContaining(['Scale Requested', 'Notify Requested', 'Scaling Action', 'Alert Decided', 'Notification Sent', 'Drain Requested', 'Drain Completed']),
    );
  });

  it('denies source alertscale to everyone but the publishing functions, the api function included', () => {
    const deny = policyOf(built).Statement.find((s) => s.Sid === 'OnlyAlertscalePublishersPutAlertscaleEvents')!;
    expect(deny.Condition).toEqual({ StringEquals: { 'events:source': 'alertscale' }, ArnNotEquals: { 'aws:PrincipalArn': publisherRoleArns() } });
    expect(JSON.stringify(deny)).not.toContain(JSON.stringify(built.stack.resolve(built.stack.reads.reads.role!.roleArn)));
  });

  it('lets the roles of alertscale:notificationProducers put Alertmanager Notification only', () => {
    const producer = 'arn:aws:iam::210987654321:role/replayer';
    const withProducer = buildStack({ stackProps: { notificationProducerRoleArns: [producer] } });
    const statements = policyOf(withProducer).Statement;
    expect(statements.find((s) => s.Sid === 'NotificationProducersPutNotifications')).toMatchObject({
      Effect: 'Allow',
      Principal: { AWS: producer },
      Condition: { StringEquals: { 'events:source': 'alertscale', 'events:detail-type': 'Alertmanager Notification' } },
    });
    const sourceDeny = statements.find((s) => s.Sid === 'OnlyAlertscalePublishersPutAlertscaleEvents')!;
    expect(sourceDeny.Condition.ArnNotEquals!['aws:PrincipalArn']).toContain(producer);
    const actionDeny = statements.find((s) => s.Sid === 'OnlyAlertscaleFunctionsPutActionEvents')!;
    expect(actionDeny.Condition.ArnNotEquals!['aws:PrincipalArn']).not.toContain(producer);
  });
});

describe('the decision table', () => {
  it.each(ROLES.filter((r) => r.table !== undefined))('grants the $name function exactly the actions its code calls', ({ fn, table }) => {
    const statements = statementsOf(built, fn());
    const actions = TABLE_ACCESS[table!].table;
    expect(actionsOf(statements).filter((a) => a.startsWith('dynamodb:'))).toEqual([...actions].sort());
    expect(statementsGranting(statements, actions[0]).map((s) => s.Sid)).toEqual(['DecisionTable']);
  });

  it('lists the actions per function as the code calls them', () => {
    expect(TABLE_ACCESS).toEqual({
      router: { table: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] },
      scaler: { table: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] },
      launchFailure: { table: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] },
      notifier: { table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] },
      api: { table: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'], recentDecisionsIndex: true },
      drain: { table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] },
      drainCallback: { table: ['dynamodb:GetItem', 'dynamodb:UpdateItem'] },
    });
  });

  it('gives the api function its actions on the table and on the recent index', () => {
    const [statement] = statementsGranting(statementsOf(built, built.stack.reads.reads), 'dynamodb:Query');
    const tableArn = built.stack.resolve(built.stack.table.table.tableArn);
    expect(statement!.Resource).toEqual([tableArn, { 'Fn::Join': ['', [tableArn, '/index/recent']] }]);
  });

  it('is not reachable by ingest at all', () => {
    expect(actionsOf(statementsOf(built, built.stack.ingest.ingest)).filter((a) => a.startsWith('dynamodb:'))).toEqual([]);
  });

  it('is granted to no function through scans, deletes, batch writes or streams', () => {
    const everything = ROLES.flatMap(({ fn }) => actionsOf(statementsOf(built, fn())));
    expect(everything.filter((a) => /^dynamodb:(Scan|DeleteItem|BatchWriteItem|DescribeTable|.*Stream.*|GetRecords|GetShardIterator)/.test(a))).toEqual([]);
  });

  it('cannot be deleted while deletion protection is on', () => {
    built.template.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true });
  });
});

describe('the fleet', () => {
  it.each([
    { name: 'scaler', fn: () => built.stack.scaling.scaler },
    { name: 'launch-failure', fn: () => built.stack.scaling.launchUnsuccessful },
  ])('may be changed by the $name function only on the configured groups, by ARN, and only while they carry the managed tag', ({ fn }) => {
    const statements = statementsOf(built, fn()).filter((s) => s.Sid === 'ChangeConfiguredNodeGroups');
    expect(statements).toEqual([
      {
        Sid: 'ChangeConfiguredNodeGroups',
        Effect: 'Allow',
        Action: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
        Resource: ['gpu-a100-nodes', 'gpu-h100-nodes', 'gpu-l4-nodes'].map(asgArn),
        Condition: { StringEquals: { 'autoscaling:ResourceTag/alertscale:managed': 'true' } },
      },
    ]);
  });

  it('may not be changed by any other function', () => {
    for (const fn of [built.stack.ingest.ingest, built.stack.routing.router, built.stack.notifications.notifier, built.stack.reads.reads]) {
      expect(actionsOf(statementsOf(built, fn)).filter((a) => a.startsWith('autoscaling:') && a !== 'autoscaling:DescribeAutoScalingGroups')).toEqual([]);
    }
  });
});

describe('the scale queue', () => {
  it('takes messages from the scale rules only: any other SendMessage is denied, whoever sends it', () => {
    const { template, stack } = built;
    const ruleArns = [...stack.scaling.scaleRules.values()].map((rule) => stack.resolve(rule.ruleArn));
    expect(ruleArns).toHaveLength(3);
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [stack.resolve(stack.scaling.scaleQueue.queue.queueUrl)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'OnlyTheScaleRulesSend',
            Effect: 'Deny',
            Principal: '*',
            Action: 'sqs:SendMessage',
            Resource: stack.resolve(stack.scaling.scaleQueue.queue.queueArn),
            Condition: { ArnNotEquals: { 'aws:SourceArn': ruleArns } },
          },
        ]),
      },
    });
  });
});

describe('the kill switch', () => {
  it('may only be read, with GetParameter, and only by the scaler and the launch-failure function', () => {
    const parameterArn = built.stack.resolve(built.stack.pauseParameter.parameterArn);
    for (const { name, fn } of ROLES) {
      const ssm = statementsOf(built, fn()).filter((s) => JSON.stringify(s.Action).includes('ssm:'));
      if (name === 'scaler' || name === 'launch-failure') {
        expect(ssm).toEqual([{ Sid: 'ReadPauseSwitch', Effect: 'Allow', Action: 'ssm:GetParameter', Resource: parameterArn }]);
      } else {
        expect(ssm).toEqual([]);
      }
    }
  });
});

describe('with drain before termination', () => {
  let drained: BuiltStack;
  beforeAll(() => {
    drained = buildStack({ document: drainedConfigDocument() });
  });
  const DRAIN_ROLES: Role[] = [
    { name: 'drain', fn: () => drained.stack.drain!.drain, publisher: 'drain', table: 'drain' },
    { name: 'drain-callback', fn: () => drained.stack.drain!.callback, publisher: 'drainCallback', table: 'drainCallback' },
  ];

  it.each(DRAIN_ROLES)('lets the $name function put only its own detail-types, on the bus only', ({ fn, publisher }) => {
    expect(statementsGranting(statementsOf(drained, fn()), 'events:PutEvents')).toEqual([
      {
        Sid: 'PutOwnEvents',
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Resource: drained.stack.resolve(drained.stack.eventBus.bus.eventBusArn),
        Condition: { StringEquals: { 'events:source': 'alertscale', 'events:detail-type': [...PUBLISHED_BY[publisher!]] } },
      },
    ]);
  });

  it.each(DRAIN_ROLES)('grants the $name function exactly the table actions its code calls', ({ fn, table }) => {
    expect(actionsOf(statementsOf(drained, fn())).filter((a) => a.startsWith('dynamodb:'))).toEqual([...TABLE_ACCESS[table!].table].sort());
  });

  it('lets only the callback function complete lifecycle actions, only on the drained groups, and never change a group', () => {
    const callback = statementsOf(drained, drained.stack.drain!.callback);
    expect(callback.filter((s) => s.Sid === 'ChangeConfiguredNodeGroups')).toEqual([
      {
        Sid: 'ChangeConfiguredNodeGroups',
        Effect: 'Allow',
        Action: 'autoscaling:CompleteLifecycleAction',
        Resource: ['gpu-a100-nodes', 'gpu-h100-nodes'].map(asgArn),
        Condition: { StringEquals: { 'autoscaling:ResourceTag/alertscale:managed': 'true' } },
      },
    ]);
    expect(actionsOf(statementsOf(drained, drained.stack.drain!.drain)).filter((a) => a.startsWith('autoscaling:'))).toEqual([]);
    const others = [drained.stack.scaling.scaler, drained.stack.scaling.launchUnsuccessful, drained.stack.reads.reads, drained.stack.notifications.notifier];
    expect(others.flatMap((fn) => actionsOf(statementsOf(drained, fn))).filter((a) => a === 'autoscaling:CompleteLifecycleAction')).toEqual([]);
  });

  it('counts the drain functions among the publishers the bus policy lets put action events', () => {
    const policy = Object.values(drained.template.findResources('AWS::Events::EventBus'))[0]!.Properties.Policy as { Statement: { Sid: string; Condition: Record<string, Record<string, unknown>> }[] };
    const deny = policy.Statement.find((s) => s.Sid === 'OnlyAlertscaleFunctionsPutActionEvents')!;
    for (const { fn } of DRAIN_ROLES) expect(deny.Condition.ArnNotEquals!['aws:PrincipalArn']).toContainEqual(drained.stack.resolve(fn().role!.roleArn));
  });
});
