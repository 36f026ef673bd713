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
      IntegrationUri: stack.resolve(stack.ingest.ingest.functionArn),
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
      IntegrationUri: stack.resolve(stack.reads.reads.functionArn),
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

  it("counts the webhook route's 400/401/403/413 answers from the access log, per API, and not a scanner's 404s", () => {
    const { template, stack } = built;
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: stack.resolve(stack.webhookApi.accessLogs.logGroupName),
      FilterPattern:
        '{ ($.routeKey = "POST /alertmanager") && (($.status = 400) || ($.status = 401) || ($.status = 403) || ($.status = 413)) }',
      MetricTransformations: [
        {
          MetricNamespace: 'alertscale',
          MetricName: 'WebhookRejectedRequests',
          MetricValue: '1',
          Dimensions: [{ Key: 'ApiId', Value: '$.apiId' }],
        },
      ],
    });
  });

  it('alarms on 3 or more rejected webhook requests in 2 of 3 five-minute periods, not on one burst', () => {
    const { template, stack } = built;
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'alertscale',
      MetricName: 'WebhookRejectedRequests',
      Dimensions: [{ Name: 'ApiId', Value: stack.resolve(stack.webhookApi.api.apiId) }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 3,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [stack.resolve(stack.alarmTopic.topic.topicArn)],
    });
    const apiGateway4xx = template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: '4xx' } });
    expect(Object.keys(apiGateway4xx)).toEqual([]);
  });

  it("counts the webhook route's 429 answers from the access logs and alarms on the first one", () => {
    const { template, stack } = built;
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: stack.resolve(stack.webhookApi.accessLogs.logGroupName),
      FilterPattern: '{ ($.routeKey = "POST /alertmanager") && ($.status = 429) }',
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
    const statements = statementsGranting(statementsOf(built, built.stack.ingest.ingest), 'events:PutEvents');
    expect(statements.map((s) => s.Resource)).toEqual([built.stack.resolve(built.stack.eventBus.bus.eventBusArn)]);
  });

  it('may read the token secret only', () => {
    const statements = statementsGranting(statementsOf(built, built.stack.ingest.ingest), 'secretsmanager:GetSecretValue');
    expect(statements.map((s) => s.Resource)).toEqual([built.stack.resolve(built.stack.webhookToken.secretArn)]);
  });

  it('has no permission beyond logs, tracing, the bus and the token', () => {
    expect(actionsOf(statementsOf(built, built.stack.ingest.ingest))).toEqual([
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
      Properties: { FunctionName: stack.resolve(stack.ingest.ingest.functionArn) },
    });
    expect(Object.values(permissions).map((p) => p.Properties.Principal)).toEqual(['apigateway.amazonaws.com']);
  });
});

describe('event bus', () => {
  it('is a custom bus named alertscale', () => {
    built.template.hasResourceProperties('AWS::Events::EventBus', { Name: 'alertscale' });
  });

  it('archives the notifications for 30 days', () => {
    const { template, stack } = built;
    template.hasResourceProperties('AWS::Events::Archive', {
      SourceArn: stack.resolve(stack.eventBus.bus.eventBusArn),
      EventPattern: Match.objectEquals({ source: [EVENT_SOURCE], 'detail-type': ['Alertmanager Notification'] }),
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

  it('name the two token secrets, the bus, the table, the kill switch and the dashboard', () => {
    const { template, stack } = built;
    template.hasOutput('WebhookTokenSecretArn', { Value: stack.resolve(stack.webhookToken.secretArn) });
    template.hasOutput('ApiTokenSecretArn', { Value: stack.resolve(stack.apiToken.secretArn) });
    template.hasOutput('DashboardName', { Value: stack.resolve(stack.dashboard.dashboard.dashboardName) });
    template.hasOutput('EventBusName', { Value: stack.resolve(stack.eventBus.bus.eventBusName) });
    template.hasOutput('TableName', { Value: stack.resolve(stack.table.table.tableName) });
    template.hasOutput('PauseParameterName', { Value: stack.resolve(stack.pauseParameter.parameterName) });
  });
});

describe('the api function (reads)', () => {
  it('may only read the table, read the API token, and describe Auto Scaling groups', () => {
    const statements = statementsOf(built, built.stack.reads.reads);
    const writes = actionsOf(statements).filter((action) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(action));
    expect(writes).toEqual([]);
    expect(statementsGranting(statements, 'secretsmanager:GetSecretValue').map((s) => s.Resource)).toEqual([built.stack.resolve(built.stack.apiToken.secretArn)]);
    expect(statementsGranting(statements, 'autoscaling:DescribeAutoScalingGroups').map((s) => s.Resource)).toEqual(['*']);
    expect(actionsOf(statements).filter((action) => action.startsWith('autoscaling:'))).toEqual(['autoscaling:DescribeAutoScalingGroups']);
  });

  it('is told the API token, not the webhook token, through API_TOKEN_SECRET_ARN', () => {
    const { template, stack } = built;
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('alertscale reads'),
      Environment: {
        Variables: Match.objectLike({
          [Env.ApiTokenSecretArn]: stack.resolve(stack.apiToken.secretArn),
          [Env.WebhookTokenSecretArn]: Match.absent(),
        }),
      },
    });
  });
});

describe('the two tokens', () => {
  it('are two generated secrets, and ingest may read only the webhook token', () => {
    const { template, stack } = built;
    template.resourceCountIs('AWS::SecretsManager::Secret', 2);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Description: Match.stringLikeRegexp('Alertmanager'),
      GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true, IncludeSpace: false },
    });
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Description: Match.stringLikeRegexp('operators'),
      GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true, IncludeSpace: false },
    });
    const ingestSecrets = statementsGranting(statementsOf(built, stack.ingest.ingest), 'secretsmanager:GetSecretValue').map((s) => s.Resource);
    expect(ingestSecrets).not.toContainEqual(stack.resolve(stack.apiToken.secretArn));
  });
});

describe('throttling per route', () => {
  it('gives the read routes their own 10 requests/s, bursts of 20, and leaves the webhook on the stage default', () => {
    const { template } = built;
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 },
      RouteSettings: {
        'GET /api/decisions': { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
        'GET /api/node-groups': { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
      },
    });
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
    expect(Object.keys(stage.Properties.RouteSettings)).not.toContain('POST /alertmanager');
  });

  it('takes the read throttle from the stack props', () => {
    const custom = buildStack({ stackProps: { apiThrottlingRateLimit: 2, apiThrottlingBurstLimit: 4 } });
    custom.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      RouteSettings: { 'GET /api/decisions': { ThrottlingRateLimit: 2, ThrottlingBurstLimit: 4 } },
    });
  });

  it('creates the stage after the routes its settings name, as CloudFormation requires', () => {
    const { template, stack } = built;
    const stage = template.findResources('AWS::ApiGatewayV2::Stage')[logicalIdOf(built, stack.webhookApi.stage)]!;
    const routeIds = stack.reads.routes.map((route) => logicalIdOf(built, route));
    expect(stage.DependsOn).toEqual(expect.arrayContaining(routeIds));
  });
});
