import { aws_events as events, aws_secretsmanager as secretsmanager, aws_sns as sns } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { Env } from '../../../lambdas/shared/env';
import { Ingest } from '../../../lib/constructs/ingest';
import { WebhookApi } from '../../../lib/constructs/webhook-api';
import { actionsOf, bareStack, configOf, removeAssemblies, roleStatements } from '../support';

afterAll(removeAssemblies);

function ingestAlone(withApi = false) {
  const stack = bareStack();
  const bus = new events.EventBus(stack, 'Bus');
  const webhookToken = new secretsmanager.Secret(stack, 'Token');
  const alarmTopic = new sns.Topic(stack, 'Alarms');
  const api = withApi ? new WebhookApi(stack, 'SharedApi', { alarmTopic, throttlingRateLimit: 50, throttlingBurstLimit: 100 }) : undefined;
  const ingest = new Ingest(stack, 'Ingest', { config: configOf(), bus, webhookToken, alarmTopic, api });
  return { stack, bus, webhookToken, alarmTopic, ingest, template: Template.fromStack(stack) };
}

describe('Ingest, alone on a stack', () => {
  it('routes POST /alertmanager to its function with payload format 2.0, on an HTTP API of its own by default', () => {
    const { template, stack, ingest } = ingestAlone();
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /alertmanager' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: stack.resolve(ingest.ingest.functionArn),
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 },
    });
  });

  it('adds its route to the API it is given instead of making one', () => {
    const { template, ingest } = ingestAlone(true);
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 } });
    expect(ingest.api.node.id).toBe('SharedApi');
  });

  it('tells the function the bus and the webhook token, and times it out within API Gateway\'s 30 s', () => {
    const { template, stack, bus, webhookToken } = ingestAlone();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 25,
      Environment: {
        Variables: Match.objectLike({
          [Env.EventBusName]: stack.resolve(bus.eventBusName),
          [Env.WebhookTokenSecretArn]: stack.resolve(webhookToken.secretArn),
        }),
      },
    });
  });

  it('lets the function put only Alertmanager Notification, read only the webhook token, and write its own logs', () => {
    const { template, stack, ingest, bus, webhookToken } = ingestAlone();
    const statements = roleStatements(stack, template, ingest.ingest.role!);
    expect(statements).toContainEqual({
      Sid: 'PutOwnEvents',
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Resource: stack.resolve(bus.eventBusArn),
      Condition: { StringEquals: { 'events:source': 'alertscale', 'events:detail-type': ['Alertmanager Notification'] } },
    });
    expect(statements.filter((s) => JSON.stringify(s.Action).includes('secretsmanager:')).map((s) => s.Resource)).toEqual([
      stack.resolve(webhookToken.secretArn),
    ]);
    expect(actionsOf(statements)).toEqual([
      'events:PutEvents',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
  });

  it("alarms on the function's errors and throttles and on the webhook's rejections, 429s and 5xx", () => {
    const { template, stack, alarmTopic } = ingestAlone();
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    expect(alarms.map((a) => a.MetricName).sort()).toEqual(['5xx', 'Errors', 'Throttles', 'WebhookRejectedRequests', 'WebhookThrottledRequests']);
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([stack.resolve(alarmTopic.topicArn)]);
  });
});
