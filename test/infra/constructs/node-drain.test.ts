import { aws_events as events, aws_secretsmanager as secretsmanager, aws_sns as sns } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Env } from '../../../lambdas/shared/env';
import { PUBLISHED_BY, patterns } from '../../../lambdas/shared/events';
import { DecisionTable } from '../../../lib/constructs/decision-table';
import { NodeDrain } from '../../../lib/constructs/node-drain';
import { notifierTimeout } from '../../../lib/constructs/notifications';
import { WebhookApi } from '../../../lib/constructs/webhook-api';
import { actionsOf, bareStack, configOf, drainedConfigDocument, exampleConfigDocument, removeAssemblies, roleStatements } from '../support';

afterAll(removeAssemblies);

const HOOK = 'alertscale-drain';

function drainAlone(document: unknown = drainedConfigDocument()) {
  const stack = bareStack();
  const alarmTopic = new sns.Topic(stack, 'Alarms');
  const bus = new events.EventBus(stack, 'Bus');
  const table = new DecisionTable(stack, 'DecisionTable').table;
  const apiToken = new secretsmanager.Secret(stack, 'ApiToken');
  const api = new WebhookApi(stack, 'WebhookApi', { alarmTopic });
  const drain = new NodeDrain(stack, 'Drain', { config: configOf(document), bus, table, apiToken, api, alarmTopic, hookName: HOOK });
  return { stack, bus, table, apiToken, api, drain, template: Template.fromStack(stack) };
}

const asgArn = (name: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':autoscaling:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:autoScalingGroup:*:autoScalingGroupName/${name}`]],
});

let built: ReturnType<typeof drainAlone>;
beforeAll(() => {
  built = drainAlone();
});

describe('NodeDrain, alone on a stack', () => {
  it('puts a termination lifecycle hook on each drained Auto Scaling group, by name, continuing after its timeout', () => {
    const hooks = Object.values(built.template.findResources('AWS::AutoScaling::LifecycleHook')).map((r) => r.Properties);
    expect(hooks).toEqual([
      { AutoScalingGroupName: 'gpu-a100-nodes', LifecycleHookName: HOOK, LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING', DefaultResult: 'CONTINUE', HeartbeatTimeout: 600 },
      { AutoScalingGroupName: 'gpu-h100-nodes', LifecycleHookName: HOOK, LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING', DefaultResult: 'CONTINUE', HeartbeatTimeout: 120 },
    ]);
  });

  it("takes this hook's lifecycle actions and the terminations of the drained groups only, from the default bus, to the drain function", () => {
    const { template, stack, drain } = built;
    const rules = Object.values(template.findResources('AWS::Events::Rule')).map((r) => r.Properties);
    expect(rules.map((r) => r.EventPattern)).toEqual([
      patterns.terminateLifecycleAction(['gpu-a100-nodes', 'gpu-h100-nodes'], HOOK),
      patterns.instanceTerminated(['gpu-a100-nodes', 'gpu-h100-nodes']),
    ]);
    expect(rules.every((r) => r.EventBusName === undefined)).toBe(true);
    expect(rules.map((r) => r.Targets[0].Arn)).toEqual([stack.resolve(drain.drain.functionArn), stack.resolve(drain.drain.functionArn)]);
  });

  it('retries a lifecycle action delivery no longer than the shortest drain timeout, then parks it', () => {
    const { template, stack, drain } = built;
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: patterns.terminateLifecycleAction(['gpu-a100-nodes', 'gpu-h100-nodes'], HOOK),
      Targets: [Match.objectLike({ RetryPolicy: { MaximumEventAgeInSeconds: 120, MaximumRetryAttempts: 2 }, DeadLetterConfig: { Arn: stack.resolve(drain.deadLetterQueue.queue.queueArn) } })],
    });
  });

  it('routes POST /api/drain/complete to the callback function, under a throttle of its own', () => {
    const { template, stack, drain } = built;
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /api/drain/complete' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', { PayloadFormatVersion: '2.0', IntegrationUri: stack.resolve(drain.callback.functionArn) });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      RouteSettings: Match.objectLike({ 'POST /api/drain/complete': { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 } }),
    });
  });

  it('tells the drain function its hook and the callback URL, and the callback function the API token', () => {
    const { template, stack, drain, apiToken } = built;
    const envOf = (fn: typeof drain.drain) => template.toJSON().Resources[stack.getLogicalId(fn.node.defaultChild as never)].Properties.Environment.Variables;
    expect(envOf(drain.drain)).toMatchObject({ [Env.DrainHookName]: HOOK, [Env.DrainCallbackUrl]: { 'Fn::Join': ['', [expect.anything(), '/api/drain/complete']] } });
    expect(envOf(drain.callback)).toMatchObject({ [Env.ApiTokenSecretArn]: stack.resolve(apiToken.secretArn) });
  });

  it('lets the callback function complete lifecycle actions of the drained groups only, by ARN and managed tag', () => {
    const { stack, template, drain } = built;
    const statements = roleStatements(stack, template, drain.callback.role!);
    expect(statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('autoscaling:')))).toEqual([
      {
        Sid: 'ChangeConfiguredNodeGroups',
        Effect: 'Allow',
        Action: 'autoscaling:CompleteLifecycleAction',
        Resource: ['gpu-a100-nodes', 'gpu-h100-nodes'].map(asgArn),
        Condition: { StringEquals: { 'autoscaling:ResourceTag/alertscale:managed': 'true' } },
      },
    ]);
  });

  it('gives the drain function reads of node names and of exactly its webhooks\' secrets, and no Auto Scaling change', () => {
    const { stack, template, drain } = built;
    const statements = roleStatements(stack, template, drain.drain.role!);
    expect(statements.find((s) => s.Sid === 'LookUpNodeNames')).toEqual({ Sid: 'LookUpNodeNames', Effect: 'Allow', Action: 'ec2:DescribeInstances', Resource: '*' });
    const secrets = statements.find((s) => s.Sid === 'ReadDrainWebhookSecrets')!;
    expect(JSON.stringify(secrets.Resource)).toContain('secret:alertscale/cp-token-??????');
    expect(JSON.stringify(secrets.Resource)).toContain('secret:alertscale/drain-hook-??????');
    expect(JSON.stringify(secrets.Resource)).not.toContain('pagerduty');
    expect(actionsOf(statements).filter((a) => a.startsWith('autoscaling:'))).toEqual([]);
  });

  it('lets each function put only its own detail-types', () => {
    const { stack, template, drain } = built;
    const putOf = (fn: typeof drain.drain) => roleStatements(stack, template, fn.role!).find((s) => s.Sid === 'PutOwnEvents')!.Condition;
    expect(putOf(drain.drain)).toMatchObject({ StringEquals: { 'events:detail-type': [...PUBLISHED_BY.drain] } });
    expect(putOf(drain.callback)).toMatchObject({ StringEquals: { 'events:detail-type': ['Drain Completed'] } });
  });

  it('outlasts the slowest drain webhook: its timeout and retries, as the notifier is sized', () => {
    const document = drainedConfigDocument();
    const controlPlane = (document.receivers as { name: string; webhook_configs?: Record<string, unknown>[] }[]).find((receiver) => receiver.name === 'control-plane')!;
    controlPlane.webhook_configs![0]!.timeout = '60s';
    const slow = drainAlone(document);
    const timeoutOf = ({ template, stack, drain }: typeof built) => template.toJSON().Resources[stack.getLogicalId(drain.drain.node.defaultChild as never)].Properties.Timeout;

    expect(timeoutOf(built)).toBe(180);
    expect(timeoutOf(slow)).toBe(notifierTimeout({ receivers: configOf(document).receivers.filter((receiver) => receiver.name === 'control-plane') }).toSeconds());
    expect(timeoutOf(slow)).toBeGreaterThan(4 * 60);
  });

  it('refuses to be built without a drained node group, and says what to do', () => {
    expect(() => drainAlone(exampleConfigDocument())).toThrow('NodeDrain needs at least one node group with drain; add drain: { receiver, timeout } to one, or leave the construct out');
  });
});
