import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/alertscale-function';
import { Env } from '../../lambdas/shared/env';
import { buildStack, drainedConfigDocument, type BuiltStack, removeAssemblies } from './support';

/**
 * The one test file that bundles for real, with esbuild from node_modules (no
 * Docker), as `cdk synth` does; the other infra tests skip bundling for speed.
 */
let built: BuiltStack;
let outdir: string;
beforeAll(() => {
  // With drain, so that every function the stack can have is bundled, the drain's two included.
  built = buildStack({ bundle: true, document: drainedConfigDocument() });
  outdir = built.app.outdir;
}, 180_000);
afterAll(removeAssemblies);

/** Each function, the Lambda handler setting it must have, and whether it reads the embedded configuration. */
const FUNCTIONS = [
  { name: 'ingest', handler: 'index.handler', embedsConfig: false },
  { name: 'router', handler: 'index.handler', embedsConfig: true },
  { name: 'scaler', handler: 'index.handler', embedsConfig: true },
  { name: 'launch-unsuccessful', handler: 'index.launchUnsuccessfulHandler', embedsConfig: true },
  { name: 'notifier', handler: 'index.handler', embedsConfig: true },
  { name: 'api', handler: 'index.handler', embedsConfig: true },
  { name: 'drain', handler: 'index.handler', embedsConfig: true },
  { name: 'drain-callback', handler: 'index.handler', embedsConfig: false },
] as const;
type FunctionName = (typeof FUNCTIONS)[number]['name'];

function bundleOf(name: FunctionName): { file: string; handler: string } {
  const { stack } = built;
  const fn = {
    ingest: stack.ingest.ingest,
    router: stack.routing.router,
    scaler: stack.scaling.scaler,
    'launch-unsuccessful': stack.scaling.launchUnsuccessful,
    notifier: stack.notifications.notifier,
    api: stack.reads.reads,
    drain: stack.drain!.drain,
    'drain-callback': stack.drain!.callback,
  }[name];
  const resource = built.template.toJSON().Resources[stack.getLogicalId(fn.node.defaultChild as never)];
  return { file: join(outdir, resource.Metadata['aws:asset:path'], 'index.mjs'), handler: resource.Properties.Handler };
}

/**
 * Loads a bundle in a fresh Node process (as Lambda would) and reports the type
 * of one export. The nodejs22.x runtime provides the AWS SDK the bundles leave
 * out; here the project's node_modules stands in for it.
 */
function exportType(file: string, name: string): string {
  const runtimeModules = join(dirname(file), 'node_modules');
  if (!existsSync(runtimeModules)) symlinkSync(join(PROJECT_ROOT, 'node_modules'), runtimeModules, 'dir');
  const env = {
    ...process.env,
    [Env.EventBusName]: 'alertscale',
    [Env.TableName]: 'alertscale-table',
    [Env.WebhookTokenSecretArn]: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:token-AbCdEf',
    [Env.ApiTokenSecretArn]: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:api-token-AbCdEf',
    [Env.PauseParameterName]: '/alertscale/paused',
    [Env.SnsTopicArn]: 'arn:aws:sns:us-east-1:123456789012:alertscale',
    [Env.DrainHookName]: 'alertscale-drain',
    [Env.DrainCallbackUrl]: 'https://api.example/api/drain/complete',
  };
  const script = 'const m = await import(process.argv[1]); process.stdout.write(typeof m[process.argv[2]]);';
  return execFileSync(process.execPath, ['--input-type=module', '-e', script, file, name], { env, encoding: 'utf8' });
}

describe.each(FUNCTIONS)('the $name bundle', ({ name, handler }) => {
  it('is an ESM file whose Lambda handler export is a function once loaded', () => {
    const bundle = bundleOf(name);
    expect(bundle.handler).toBe(handler);
    expect(existsSync(bundle.file)).toBe(true);
    expect(exportType(bundle.file, handler.replace(/^index\./, ''))).toBe('function');
  });

  it('leaves the AWS SDK to the Lambda runtime instead of bundling it', () => {
    const text = readFileSync(bundleOf(name).file, 'utf8');
    expect(text).toMatch(/from"@aws-sdk\/client-[a-z-]+"/);
    expect(text).not.toContain('@smithy/core');
  });

  it('gives bundled CommonJS code a require and carries a source map', () => {
    const bundle = bundleOf(name);
    expect(readFileSync(bundle.file, 'utf8')).toMatch(/^import\{createRequire as alertscaleCreateRequire\}from"node:module";|^import \{ createRequire as alertscaleCreateRequire \}/);
    expect(existsSync(`${bundle.file}.map`)).toBe(true);
  });

});

describe.each(FUNCTIONS.filter((f) => f.embedsConfig))('the $name bundle', ({ name }) => {
  it('embeds the configuration instead of reading the environment for it', () => {
    const text = readFileSync(bundleOf(name).file, 'utf8');
    expect(text).toContain('gpu-a100-nodes');
    expect(text).not.toContain(`process.env.${Env.Config}`);
  });
});

describe('synthesis', () => {
  it("passes CDK's built-in CloudFormation validation without a finding", () => {
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { violations?: unknown[] }[];
    };
    expect(report.pluginReports.flatMap((r) => r.violations ?? [])).toEqual([]);
  });
});
