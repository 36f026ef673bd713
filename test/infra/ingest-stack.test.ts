import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Env } from '../../lambdas/shared/env';
import { EVENT_SOURCE } from '../../lambdas/shared/events';
import { actionsOf, buildStack, logicalIdOf, statementsGranting, statementsOf, type BuiltStack, removeAssemblies } from './support';

let built: BuiltStack;
beforeAll(() => {
  built = buildStack();
});
afterAll(removeAssemblies);

describe('webhook API', () => {
  it('routes POST /alertmanager to the ingest function with payload format 2.0', () => {
    const { template, stack } = built;
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /alertmanager' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: stack.resolve(stack.ingest.functionArn),
    });
  });

  it('has the webhook route and the two read routes, and nothing else', () => {
    const keys = Object.values(built.template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey).sort();
    expect(keys).toEqual(['GET /api/decisions', 'GET /api/node-groups', 'POST /alertmanager']);
  });

  it('sends the read routes to the api function, not to ingest', () => {
    const { template, stack } = built;
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: stack.resolve(stack.reads.functionArn),
    });
  });

  it('throttles the default stage far above peak, at 1000 requests/s with bursts of 2000', () => {
    built.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 },
    });
  });

  it('takes the throttle from the stack props', () => {
    const custom = buildStack({ stackProps: { throttlingRateLimit: 5000, throttlingBurstLimit: 9000 } });
    custom.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 5000, ThrottlingBurstLimit: 9000 },
    });
  });

  it('writes JSON access logs with a numeric status and no request headers', () => {
    const { template, stack } = built;
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      AccessLogSettings: {
        DestinationArn: stack.resolve(stack.webhookApi.accessLogs.logGroupArn),
        Format: Match.stringLikeRegexp('"status":\\$context\\.status[,}]'),
      },
    });
    const format = (Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]!.Properties.AccessLogSettings.Format as string);
    expect(() => JSON.parse(format.replaceAll(/\$context\.status/g, '200'))).not.toThrow();
    expect(format).not.toMatch(/header|authorization/i);
  });

  it('alarms on any 4xx answer, since Alertmanager drops what it gets a 4xx for', () => {
    const { template, stack } = built;
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '4xx',
      Dimensions: [{ Name: 'ApiId', Value: stack.resolve(stack.webhookApi.api.apiId) }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [stack.resolve(stack.alarmTopic.topic.topicArn)],
    });
  });

  it('counts 429 answers from the access logs and alarms on the first one', () => {
    const { template, stack } = built;
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: stack.resolve(stack.webhookApi.accessLogs.logGroupName),
      FilterPattern: '{ $.status = 429 }',
      MetricTransformations: [{ MetricNamespace: 'alertscale', MetricName: 'WebhookThrottledRequests', MetricValue: '1' }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'alertscale',
      MetricName: 'WebhookThrottledRequests',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [stack.resolve(stack.alarmTopic.topic.topicArn)],
    });
  });

  it('alarms on 5xx answers', () => {
    built.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      AlarmActions: [built.stack.resolve(built.stack.alarmTopic.topic.topicArn)],
    });
  });
});

describe('webhook token', () => {
  it('is a secret generated at deploy time from letters and digits', () => {
    built.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true, IncludeSpace: false },
    });
  });
});

describe('ingest function', () => {
  it('is told the bus and the token secret through the environment', () => {
    const { template, stack } = built;
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Environment: {
        Variables: Match.objectLike({
          [Env.EventBusName]: stack.resolve(stack.eventBus.bus.eventBusName),
          [Env.WebhookTokenSecretArn]: stack.resolve(stack.webhookToken.secretArn),
        }),
      },
    });
  });

  it('may put events on the alertscale bus only', () => {
    const statements = statementsGranting(statementsOf(built, built.stack.ingest), 'events:PutEvents');
    expect(statements.map((s) => s.Resource)).toEqual([built.stack.resolve(built.stack.eventBus.bus.eventBusArn)]);
  });

  it('may read the token secret only', () => {
    const statements = statementsGranting(statementsOf(built, built.stack.ingest), 'secretsmanager:GetSecretValue');
    expect(statements.map((s) => s.Resource)).toEqual([built.stack.resolve(built.stack.webhookToken.secretArn)]);
  });

  it('has no permission beyond logs, tracing, the bus and the token', () => {
    expect(actionsOf(statementsOf(built, built.stack.ingest))).toEqual([
      'events:PutEvents',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
  });

  it('may be invoked by the webhook API only', () => {
    const { template, stack } = built;
    const permissions = template.findResources('AWS::Lambda::Permission', {
      Properties: { FunctionName: stack.resolve(stack.ingest.functionArn) },
    });
    expect(Object.values(permissions).map((p) => p.Properties.Principal)).toEqual(['apigateway.amazonaws.com']);
  });
});

describe('event bus', () => {
  it('is a custom bus named alertscale', () => {
    built.template.hasResourceProperties('AWS::Events::EventBus', { Name: 'alertscale' });
  });

  it('archives every alertscale event for 30 days', () => {
    const { template, stack } = built;
    template.hasResourceProperties('AWS::Events::Archive', {
      SourceArn: stack.resolve(stack.eventBus.bus.eventBusArn),
      EventPattern: { source: [EVENT_SOURCE] },
      RetentionDays: 30,
    });
  });

  it('takes its name from the stack props', () => {
    const custom = buildStack({ stackProps: { eventBusName: 'alertscale-staging' } });
    custom.template.hasResourceProperties('AWS::Events::EventBus', { Name: 'alertscale-staging' });
  });
});

describe('outputs', () => {
  it('give the webhook URL as the API endpoint plus /alertmanager', () => {
    const { template, stack } = built;
    template.hasOutput('WebhookUrl', {
      Value: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalIdOf(built, stack.webhookApi.api), 'ApiEndpoint'] }, '/alertmanager']] },
    });
  });

  it('give a ready-to-paste Alertmanager webhook config that reads the token from a file', () => {
    const output = built.template.findOutputs('AlertmanagerWebhookConfig').AlertmanagerWebhookConfig!;
    const [, parts] = output.Value['Fn::Join'] as [string, unknown[]];
    const text = parts.map((part) => (typeof part === 'string' ? part : '<token>')).join('');
    expect(text).toContain('webhook_configs:\n      - url: <token>/alertmanager\n');
    expect(text).toContain('        send_resolved: true\n        max_alerts: 0\n');
    expect(text).toContain('          authorization:\n            type: Bearer\n            credentials_file: /etc/alertmanager/alertscale-token\n');
    expect(text).toContain('aws secretsmanager get-secret-value --secret-id <token> --query SecretString --output text');
  });

  it('name the token secret, the bus, the table and the kill switch', () => {
    const { template, stack } = built;
    template.hasOutput('WebhookTokenSecretArn', { Value: stack.resolve(stack.webhookToken.secretArn) });
    template.hasOutput('EventBusName', { Value: stack.resolve(stack.eventBus.bus.eventBusName) });
    template.hasOutput('TableName', { Value: stack.resolve(stack.table.table.tableName) });
    template.hasOutput('PauseParameterName', { Value: stack.resolve(stack.pauseParameter.parameterName) });
  });
});

describe('the api function (reads)', () => {
  it('may only read the table, read the token, and describe Auto Scaling groups', () => {
    const statements = statementsOf(built, built.stack.reads);
    const writes = actionsOf(statements).filter((action) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(action));
    expect(writes).toEqual([]);
    expect(statementsGranting(statements, 'secretsmanager:GetSecretValue').map((s) => s.Resource)).toEqual([built.stack.resolve(built.stack.webhookToken.secretArn)]);
    expect(statementsGranting(statements, 'autoscaling:DescribeAutoScalingGroups').map((s) => s.Resource)).toEqual(['*']);
    expect(actionsOf(statements).filter((action) => action.startsWith('autoscaling:'))).toEqual(['autoscaling:DescribeAutoScalingGroups']);
  });
});
