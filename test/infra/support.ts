import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../../lambdas/shared/config/load';
import type { Config } from '../../lambdas/shared/config/schema';
import { AlertscaleStack, type AlertscaleStackProps } from '../../lib/alertscale-stack';
import { PROJECT_ROOT } from '../../lib/alertscale-function';

/** The shipped example configuration, as parsed YAML (a fresh copy each call, free to modify). */
export function exampleConfigDocument(): Record<string, unknown> {
  return parseYaml(readFileSync(join(PROJECT_ROOT, 'config/alertscale.yml'), 'utf8')) as Record<string, unknown>;
}

/**
 * The shipped example with drain before termination on gpu-a100 (10 minutes)
 * and gpu-h100 (2 minutes), to a control-plane receiver whose webhook signs
 * with a Secrets Manager key and sends a bearer token from another.
 */
export function drainedConfigDocument(): Record<string, unknown> {
  const document = exampleConfigDocument();
  const groups = document.node_groups as Record<string, unknown>[];
  groups[0]!.drain = { receiver: 'control-plane', timeout: '10m' };
  groups[1]!.drain = { receiver: 'control-plane', timeout: '2m' };
  (document.receivers as unknown[]).push({
    name: 'control-plane',
    webhook_configs: [
      {
        url: 'https://control-plane.internal/drain',
        signing_key_secret: 'alertscale/drain-hook',
        http_config: { authorization: { credentials_secret: 'alertscale/cp-token' } },
      },
    ],
  });
  return document;
}

export interface BuiltStack {
  readonly app: App;
  readonly stack: AlertscaleStack;
  readonly template: Template;
}

export interface BuildOptions {
  /** The configuration document. @default - the shipped example */
  readonly document?: unknown;
  /**
   * Run esbuild for every function. Template-shape tests skip it (the
   * `aws:cdk:bundling-stacks` context set to no stack): it is what makes a synth slow.
   * @default false
   */
  readonly bundle?: boolean;
  readonly stackProps?: Partial<AlertscaleStackProps>;
  /** The stack's id (and name). @default 'Alertscale' */
  readonly stackName?: string;
  /** CDK context for the app, besides the bundling switch. @default - none */
  readonly context?: Record<string, unknown>;
}

const assemblies: string[] = [];

/** Removes the cloud assemblies this test file synthesized (call from `afterAll`). */
export function removeAssemblies(): void {
  for (const dir of assemblies.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Synthesizes the stack once, into a temporary cloud assembly directory. */
export function buildStack(options: BuildOptions = {}): BuiltStack {
  const document = options.document ?? exampleConfigDocument();
  const { config } = parseConfig(document);
  const outdir = mkdtempSync(join(tmpdir(), 'alertscale-cdk-'));
  assemblies.push(outdir);
  const app = new App({
    // CDK's built-in CloudFormation schema validation takes ~10 s per synth; the
    // bundling test keeps it on and asserts it finds nothing.
    builtinCloudFormationValidation: options.bundle ?? false,
    outdir,
    // With bundling, record each asset's directory on its resource (as the CDK CLI asks for).
    context: {
      ...(options.bundle ? { 'aws:cdk:enable-asset-metadata': true } : { 'aws:cdk:bundling-stacks': [] }),
      ...options.context,
    },
  });
  const stack = new AlertscaleStack(app, options.stackName ?? 'Alertscale', { config, ...options.stackProps });
  return { app, stack, template: Template.fromStack(stack) };
}

/** The validated configuration of a document (the shipped example by default). */
export function configOf(document: unknown = exampleConfigDocument()): Config {
  return parseConfig(document).config;
}

/** A bare `new Stack()` in an app that skips bundling, for a construct tested alone. */
export function bareStack(): Stack {
  const outdir = mkdtempSync(join(tmpdir(), 'alertscale-cdk-'));
  assemblies.push(outdir);
  return new Stack(new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } }), 'Test');
}

/** Every statement of every IAM policy attached to `role` in `template` (for constructs on a bare stack). */
export function roleStatements(stack: Stack, template: Template, role: { node: { defaultChild?: unknown } }): TemplateStatement[] {
  const roleId = stack.getLogicalId(role.node.defaultChild as Parameters<Stack['getLogicalId']>[0]);
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleId })))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as TemplateStatement[]);
}

/** The logical id of a construct's CloudFormation resource (its default child, or itself). */
export function logicalIdOf(built: BuiltStack, construct: { node: { defaultChild?: unknown } } & object): string {
  const resource = (construct.node.defaultChild ?? construct) as Parameters<AlertscaleStack['getLogicalId']>[0];
  return built.stack.getLogicalId(resource);
}

/** An IAM policy statement as it appears in the template. */
export interface TemplateStatement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, unknown>;
}

/** Every statement of every IAM policy attached to the function's role. */
export function statementsOf(built: BuiltStack, fn: { role?: { node: { defaultChild?: unknown } } }): TemplateStatement[] {
  const roleId = logicalIdOf(built, fn.role as never);
  const policies = built.template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((policy) => (policy.Properties.Roles as unknown[]).some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId })))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as TemplateStatement[]);
}

/** The sorted, de-duplicated actions of the statements. */
export function actionsOf(statements: readonly TemplateStatement[]): string[] {
  return [...new Set(statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])))].sort();
}

/** The statements granting `action`. */
export function statementsGranting(statements: readonly TemplateStatement[], action: string): TemplateStatement[] {
  return statements.filter((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]).includes(action));
}
