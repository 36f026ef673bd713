import { aws_secretsmanager as secretsmanager, aws_sns as sns } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { Env } from '../../../lambdas/shared/env';
import { DecisionTable } from '../../../lib/constructs/decision-table';
import { ReadApi } from '../../../lib/constructs/read-api';
import { WebhookApi } from '../../../lib/constructs/webhook-api';
import { actionsOf, bareStack, configOf, removeAssemblies, roleStatements } from '../support';

afterAll(removeAssemblies);

function readApiAlone(throttle?: { rateLimit: number; burstLimit: number }) {
  const stack = bareStack();
  const alarmTopic = new sns.Topic(stack, 'Alarms');
  const table = new DecisionTable(stack, 'DecisionTable').table;
  const apiToken = new secretsmanager.Secret(stack, 'ApiToken');
  const api = new WebhookApi(stack, 'WebhookApi', { alarmTopic });
  const reads = new ReadApi(stack, 'ReadApi', { config: configOf(), table, apiToken, api, alarmTopic, throttle });
  return { stack, table, apiToken, reads, template: Template.fromStack(stack) };
}

describe('ReadApi, alone on a stack', () => {
  it('adds GET /api/decisions and GET /api/node-groups, both to the api function', () => {
    const { template, stack, reads } = readApiAlone();
    const keys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey).sort();
    expect(keys).toEqual(['GET /api/decisions', 'GET /api/node-groups']);
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      PayloadFormatVersion: '2.0',
      IntegrationUri: stack.resolve(reads.reads.functionArn),
    });
  });

  it('throttles its routes at 10 requests/s with bursts of 20 by default, in the stage route settings', () => {
    readApiAlone().template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      RouteSettings: {
        'GET /api/decisions': { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
        'GET /api/node-groups': { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
      },
    });
  });

  it('takes its throttle from the props', () => {
    readApiAlone({ rateLimit: 1, burstLimit: 2 }).template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      RouteSettings: { 'GET /api/node-groups': { ThrottlingRateLimit: 1, ThrottlingBurstLimit: 2 } },
    });
  });

  it('tells the function the API token and the table', () => {
    const { template, stack, apiToken, table } = readApiAlone();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [Env.ApiTokenSecretArn]: stack.resolve(apiToken.secretArn),
          [Env.TableName]: stack.resolve(table.tableName),
        }),
      },
    });
  });

  it('lets the function get, batch-get and query the table and its recent index, read the API token and describe groups', () => {
    const { template, stack, reads, table, apiToken } = readApiAlone();
    const statements = roleStatements(stack, template, reads.reads.role!);
    expect(statements).toContainEqual({
      Sid: 'DecisionTable',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
      Resource: [stack.resolve(table.tableArn), { 'Fn::Join': ['', [stack.resolve(table.tableArn), '/index/recent']] }],
    });
    expect(actionsOf(statements)).toEqual([
      'autoscaling:DescribeAutoScalingGroups',
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:Query',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
    expect(statements.filter((s) => JSON.stringify(s.Action).includes('secretsmanager:')).map((s) => s.Resource)).toEqual([
      stack.resolve(apiToken.secretArn),
    ]);
  });
});
