import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/alertscale-function';

/**
 * bin/app.ts as the CDK CLI runs it: context arrives in CDK_CONTEXT_JSON and
 * the assembly goes to CDK_OUTDIR. Bundling is skipped (`aws:cdk:bundling-stacks`)
 * since these tests are about the configuration gate, not the bundles.
 */
const temporary: string[] = [];

function runApp(configPath: string, context: Record<string, unknown> = {}) {
  const outdir = mkdtempSync(join(tmpdir(), 'alertscale-app-'));
  temporary.push(outdir);
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'bin/app.ts')], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    env: {
      ...process.env,
      CDK_OUTDIR: outdir,
      CDK_CONTEXT_JSON: JSON.stringify({ 'alertscale:config': configPath, 'aws:cdk:bundling-stacks': [], ...context }),
      CDK_VALIDATION: 'false',
    },
  });
  return { ...result, outdir };
}

describe('the CDK app', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'alertscale-config-'));
    temporary.push(dir);
  });
  afterAll(() => {
    for (const path of temporary) rmSync(path, { recursive: true, force: true });
  });

  it('stops with exit code 1 and the key path, not a stack trace, on a bad configuration', () => {
    const bad = join(dir, 'bad.yml');
    writeFileSync(
      bad,
      ['route: { receiver: oncall }', 'receivers:', '  - name: oncall', '    scale_configs:', '      - node_group: gpu-a100', '        change: 2', ''].join('\n'),
    );
    const result = runApp(bad);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('receivers[0].scale_configs[0].node_group: no node group named "gpu-a100"');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('stops with exit code 1 naming the file when it cannot be read', () => {
    const result = runApp(join(dir, 'missing.yml'));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`cannot read configuration file ${join(dir, 'missing.yml')}`);
  });

  it('warns that an inline channel secret would be embedded in the bundles', () => {
    const inline = join(dir, 'inline.yml');
    writeFileSync(
      inline,
      ['route: { receiver: oncall }', 'receivers:', '  - name: oncall', '    pagerduty_configs:', '      - routing_key: abc123', ''].join('\n'),
    );
    const result = runApp(inline);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain(
      'alertscale: warning: receivers[0].pagerduty_configs[0].routing_key: embedded in the Lambda bundle; on AWS use routing_key_secret',
    );
    expect(result.stderr).not.toContain('abc123');
  });

  it('synthesizes the stack from the example configuration without a warning, relative to the project root', () => {
    const result = runApp('config/alertscale.yml');
    expect(result.status).toBe(0);
    expect(result.stderr).not.toContain('alertscale: warning');
    const template = JSON.parse(readFileSync(join(result.outdir, 'Alertscale.template.json'), 'utf8'));
    expect(Object.values(template.Resources).filter((r: any) => r.Type === 'AWS::Lambda::Function')).toHaveLength(6);
  });

  it('stops with exit code 1 and the value, not a stack trace, on a context value it cannot deploy', () => {
    const result = runApp('config/alertscale.yml', { 'alertscale:alarmEmails': 'oncall@example.com,not-an-address' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'alertscale: context alertscale:alarmEmails: "not-an-address" is not an e-mail address; give addresses such as oncall@example.com, as a list or separated by commas',
    );
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('names the stack from alertscale:stackName, and its bus and kill switch after it', () => {
    const result = runApp('config/alertscale.yml', { 'alertscale:stackName': 'AlertscaleStaging', 'alertscale:prefix': 'team-gpu' });
    expect(result.status).toBe(0);
    const template = JSON.parse(readFileSync(join(result.outdir, 'AlertscaleStaging.template.json'), 'utf8'));
    const names = Object.values(template.Resources as Record<string, any>)
      .filter((r) => r.Type === 'AWS::Events::EventBus' || r.Type === 'AWS::SSM::Parameter')
      .map((r) => r.Properties.Name)
      .sort();
    expect(names).toEqual(['/team-gpu-alertscale-staging/paused', 'team-gpu-alertscale-staging']);
  });
});
