import { Validations, aws_iam as iam } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStack, drainedConfigDocument, exampleConfigDocument, type BuiltStack, removeAssemblies } from './support';

/**
 * cdk-nag's AwsSolutions pack over the whole stack. cdk-nag 3 is a CDK policy
 * validation plugin and reads CDK's own acknowledgements; the stack makes them
 * in lib/nag-suppressions.ts, each with its reason. Any other finding, error or
 * warning, fails here.
 */
type Violation = { ruleName: string; severity?: string; violatingResources: { constructPath?: string }[] };

function findings(built: BuiltStack): string[] {
  const report = new AwsSolutionsChecks().validateScope(built.stack);
  return (report.violations as Violation[]).flatMap((v) =>
    v.violatingResources.map((r) => `${v.severity}: ${v.ruleName} at ${r.constructPath}`),
  );
}

describe('cdk-nag AwsSolutions', () => {
  let built: BuiltStack;
  beforeAll(() => {
    built = buildStack();
  });
  afterAll(removeAssemblies);

  it('finds no unacknowledged error or warning in the stack', () => {
    expect(findings(built)).toEqual([]);
  });

  it('finds none either with every channel configured (secrets, extra SNS topics)', () => {
    const document = exampleConfigDocument();
    (document.receivers as unknown[]).push({
      name: 'control-plane',
      webhook_configs: [{ url: 'https://control-plane.internal/alerts', signing_key_secret: 'alertscale/hook' }],
      sns_configs: [{ topic_arn: 'arn:aws:sns:eu-west-1:123456789012:control-plane' }],
    });
    expect(findings(buildStack({ document }))).toEqual([]);
  });

  it('finds none either with drain before termination (lifecycle hooks, the drain and callback functions)', () => {
    expect(findings(buildStack({ document: drainedConfigDocument() }))).toEqual([]);
  });

  it('finds none either in a stack bound to an account and region, where ARNs carry them literally', () => {
    expect(findings(buildStack({ stackProps: { env: { account: '123456789012', region: 'eu-west-1' } } }))).toEqual([]);
  });

  it('gives every acknowledgement a reason', () => {
    const acknowledgements = built.stack.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.entries(m.data as Record<string, { reason?: string } | string>));
    expect(acknowledgements.length).toBeGreaterThan(0);
    const withoutReason = acknowledgements.filter(([, value]) => {
      const reason = typeof value === 'string' ? value : value?.reason;
      return !reason || reason.length < 40;
    });
    expect(withoutReason).toEqual([]);
  });

  it('still reports a wildcard no acknowledgement covers, so the acknowledgements are not blanket', () => {
    const widened = buildStack();
    widened.stack.routing.router.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:Get*'], resources: ['arn:aws:s3:::alertscale-example/*'] }),
    );
    expect(findings(widened)).toEqual([
      'error: AwsSolutions-IAM5[Action::s3:Get*] at Alertscale/Routing/RouterFunctionRole/DefaultPolicy/Resource',
      'error: AwsSolutions-IAM5[Resource::arn:aws:s3:::alertscale-example/*] at Alertscale/Routing/RouterFunctionRole/DefaultPolicy/Resource',
    ]);
  });
});
