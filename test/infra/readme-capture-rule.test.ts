import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { patterns } from '../../lambdas/shared/events';

/** The README's "Rehearse a change" section. */
const section = () => {
  const readme = readFileSync('README.md', 'utf8');
  const start = readme.indexOf('## Rehearse a change');
  return readme.slice(start, readme.indexOf('\n## ', start + 1));
};

/**
 * The README's CDK snippet, as a module: its imports, and its body inside a
 * stack's constructor (where a reader pastes it). Written under the ignored
 * test-artifacts/ so it resolves aws-cdk-lib as the project does.
 */
async function readmeStack(): Promise<Stack> {
  const code = /```ts\n([\s\S]*?)```/.exec(section())?.[1];
  expect(code).toBeDefined();
  const lines = code!.split('\n');
  const imports = lines.filter((line) => line.startsWith('import '));
  const body = lines.filter((line) => !line.startsWith('import ')).join('\n');
  const dir = resolve('test-artifacts', 'readme');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'capture-rule.ts');
  writeFileSync(file, [`import { App, Stack } from 'aws-cdk-lib';`, ...imports, 'export class CaptureStack extends Stack {', '  constructor() {', "    super(new App(), 'Capture');", body, '  }', '}', ''].join('\n'));
  const { CaptureStack } = (await import(pathToFileURL(file).href)) as { CaptureStack: new () => Stack };
  return new CaptureStack();
}

describe('README: capturing the history on AWS', () => {
  it("synthesizes the CDK example into a rule on the alertscale bus with the router's own notification pattern, to a log group EventBridge may write to", async () => {
    const template = Template.fromStack(await readmeStack());
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: 'alertscale',
      EventPattern: { source: patterns.notifications.source, 'detail-type': patterns.notifications['detail-type'] },
      Targets: [Match.objectLike({ Arn: Match.anyValue() })],
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/aws/events/alertscale-notifications', RetentionInDays: 30 });
    // The log group's resource policy, for events.amazonaws.com: without it EventBridge cannot deliver.
    expect(JSON.stringify(template.findResources('Custom::CloudwatchLogResourcePolicy'))).toContain('events.amazonaws.com');
  });

  it('gives the CLI rule the same pattern, and lets EventBridge write the log group the target names', () => {
    const text = section();
    const pattern = /--event-pattern '([^']+)'/.exec(text)?.[1];
    expect(JSON.parse(pattern!)).toEqual(patterns.notifications);
    const policy = JSON.parse(/--policy-document '([^']+)'/.exec(text)![1]!) as { Statement: { Principal: { Service: string }; Action: string[]; Resource: string }[] };
    const target = /Arn=(arn:aws:logs:[^']+)'/.exec(text)![1]!;
    expect(policy.Statement[0]).toEqual({ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `${target}:*` });
  });
});
