import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertscaleStack } from '../../lib/alertscale-stack';
import { configOf } from './support';

/**
 * Two stacks side by side in one account and region: nothing either names
 * physically may be named the same in the other.
 */
const outdir = mkdtempSync(join(tmpdir(), 'alertscale-two-'));
let templates: Record<string, Template>;
beforeAll(() => {
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  const config = configOf();
  const env = { account: '123456789012', region: 'eu-west-1' };
  const staging = new AlertscaleStack(app, 'AlertscaleStaging', { config, env });
  const prod = new AlertscaleStack(app, 'AlertscaleProd', { config, env, namePrefix: 'team-gpu' });
  templates = { AlertscaleStaging: Template.fromStack(staging), AlertscaleProd: Template.fromStack(prod) };
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/**
 * `*Name` properties that are not names in the account: a metric's name, a
 * stage of its own API (`$default`), and an inline policy's name, which is
 * scoped to the role it is attached to.
 */
const NOT_PHYSICAL = new Set(['MetricName', 'StageName', 'PolicyName']);

/** Every top-level `*Name` property of every resource that is a literal string, as `Type.Property=value`. */
function literalNames(template: Template): string[] {
  return Object.values(template.toJSON().Resources as Record<string, { Type: string; Properties?: Record<string, unknown> }>).flatMap(
    (resource) =>
      Object.entries(resource.Properties ?? {})
        .filter(([key, value]) => key.endsWith('Name') && !NOT_PHYSICAL.has(key) && typeof value === 'string')
        .map(([key, value]) => `${resource.Type}.${key}=${value}`),
  );
}

describe('two stacks in one account and region', () => {
  it('each name their bus, kill switch and dashboard after the stack (and prefix)', () => {
    expect(literalNames(templates.AlertscaleStaging!).sort()).toEqual([
      'AWS::ApiGatewayV2::Api.Name=alertscale-staging',
      'AWS::CloudWatch::Dashboard.DashboardName=alertscale-staging',
      'AWS::Events::EventBus.Name=alertscale-staging',
      'AWS::SNS::Topic.DisplayName=alertscale-staging alarms',
      'AWS::SNS::Topic.DisplayName=alertscale-staging notifications',
      'AWS::SSM::Parameter.Name=/alertscale-staging/paused',
    ]);
    expect(literalNames(templates.AlertscaleProd!).sort()).toEqual([
      'AWS::ApiGatewayV2::Api.Name=team-gpu-alertscale-prod',
      'AWS::CloudWatch::Dashboard.DashboardName=team-gpu-alertscale-prod',
      'AWS::Events::EventBus.Name=team-gpu-alertscale-prod',
      'AWS::SNS::Topic.DisplayName=team-gpu-alertscale-prod alarms',
      'AWS::SNS::Topic.DisplayName=team-gpu-alertscale-prod notifications',
      'AWS::SSM::Parameter.Name=/team-gpu-alertscale-prod/paused',
    ]);
  });

  it('share no literal physical name', () => {
    const staging = new Set(literalNames(templates.AlertscaleStaging!));
    expect(literalNames(templates.AlertscaleProd!).filter((name) => staging.has(name))).toEqual([]);
  });

  it('leave every other resource to CloudFormation to name (a topic keeps only its display name)', () => {
    for (const template of Object.values(templates)) {
      for (const type of ['AWS::Lambda::Function', 'AWS::SQS::Queue', 'AWS::SNS::Topic', 'AWS::DynamoDB::Table', 'AWS::IAM::Role', 'AWS::Logs::LogGroup', 'AWS::SecretsManager::Secret', 'AWS::Events::Rule', 'AWS::CloudWatch::Alarm', 'AWS::Events::Archive']) {
        const named = Object.values(template.findResources(type)).filter((r) =>
          Object.keys(r.Properties ?? {}).some(
            (key) => key.endsWith('Name') && !NOT_PHYSICAL.has(key) && key !== 'DisplayName' && typeof r.Properties[key] === 'string',
          ),
        );
        expect(named, type).toEqual([]);
      }
    }
  });

  it("keep their custom metrics apart: the access-log metrics carry the API id, the functions the stack's name", () => {
    for (const [name, template] of Object.entries(templates)) {
      for (const filter of Object.values(template.findResources('AWS::Logs::MetricFilter'))) {
        expect(filter.Properties.MetricTransformations[0].Dimensions).toEqual([{ Key: 'ApiId', Value: '$.apiId' }]);
      }
      for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
        expect(fn.Properties.Environment.Variables.ALERTSCALE_STACK_NAME).toBe(name);
      }
    }
  });
});
