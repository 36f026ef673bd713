import { describe, expect, it } from 'vitest';
import { routesTest } from '../../../bin/commands/routes-test';
import type { RouteConfig } from '../../../lambdas/shared/config/schema';
import { ConfigError } from '../../../lambdas/shared/config/load';

const tree: RouteConfig = {
  receiver: 'oncall',
  continue: false,
  routes: [
    { receiver: 'scale-up', matchers: ['alertname="GPUQueueDepthHigh"'], continue: true },
    { receiver: 'pager', matchers: ['severity=critical'], continue: false },
  ],
};

/** A loader that serves `tree` for `alertscale.yml` and remembers what it was asked for. */
function fakeLoader() {
  const asked: string[] = [];
  const load = (path: string): RouteConfig => {
    asked.push(path);
    if (path !== 'alertscale.yml') throw new ConfigError(`cannot read configuration file ${path}: ENOENT`);
    return tree;
  };
  return { asked, load };
}

describe('routes test command', () => {
  it('prints the matched receivers comma-separated, like amtool', () => {
    const { load } = fakeLoader();
    const result = routesTest(['--config', 'alertscale.yml', 'alertname=GPUQueueDepthHigh', 'severity=critical'], load);
    expect(result).toEqual({ output: 'scale-up,pager\n', stderr: '', exitCode: 0 });
  });

  it('accepts --config=PATH', () => {
    const { asked, load } = fakeLoader();
    routesTest(['--config=alertscale.yml', 'a=b'], load);
    expect(asked).toEqual(['alertscale.yml']);
  });

  it('accepts amtool\'s --config.file flag', () => {
    const { asked, load } = fakeLoader();
    routesTest(['--config.file=alertscale.yml'], load);
    expect(asked).toEqual(['alertscale.yml']);
  });

  it('accepts flags after the labels', () => {
    const result = routesTest(['severity=critical', '--config', 'alertscale.yml'], fakeLoader().load);
    expect(result.output).toBe('pager\n');
  });

  it('prints the root receiver when no labels are given', () => {
    expect(routesTest(['--config', 'alertscale.yml'], fakeLoader().load).output).toBe('oncall\n');
  });

  it('reads quoted label values as amtool does', () => {
    const result = routesTest(['--config', 'alertscale.yml', 'alertname="GPUQueue\\DepthHigh"'], fakeLoader().load);
    expect(result.output).toBe('oncall\n');
  });

  it('treats arguments after -- as labels', () => {
    const result = routesTest(['--config', 'alertscale.yml', '--', 'severity=critical'], fakeLoader().load);
    expect(result.output).toBe('pager\n');
  });

  it('fails with exit code 1 and amtool\'s reason for a label that is not name=value', () => {
    const result = routesTest(['--config', 'alertscale.yml', 'severity!=critical'], fakeLoader().load);
    expect(result).toEqual({
      output: '',
      stderr: 'alertscale: error: failed to parse labels: labels must be specified as key=value pairs\n',
      exitCode: 1,
    });
  });

  it('fails with exit code 1 and the loader\'s message when the configuration cannot be loaded', () => {
    const result = routesTest(['--config', 'missing.yml'], fakeLoader().load);
    expect([result.stderr, result.exitCode]).toEqual(['alertscale: error: cannot read configuration file missing.yml: ENOENT\n', 1]);
  });

  it('fails with exit code 2 and the usage when --config is missing', () => {
    const result = routesTest(['a=b'], fakeLoader().load);
    expect([result.stderr.split('\n')[0], result.exitCode]).toEqual(['alertscale: error: --config is required', 2]);
  });

  it('fails with exit code 2 for an unknown flag', () => {
    const result = routesTest(['--config', 'alertscale.yml', '--tree'], fakeLoader().load);
    expect([result.stderr.split('\n')[0], result.exitCode]).toEqual(['alertscale: error: unknown flag --tree', 2]);
  });

  it('fails with exit code 2 when --config has no value', () => {
    const result = routesTest(['--config'], fakeLoader().load);
    expect([result.stderr.split('\n')[0], result.exitCode]).toEqual(['alertscale: error: --config needs a value', 2]);
  });

  it('prints the usage with exit code 0 for --help', () => {
    const result = routesTest(['--help'], fakeLoader().load);
    expect([result.output.startsWith('usage: alertscale routes test'), result.exitCode]).toEqual([true, 0]);
  });

  it('passes --verify.receivers when the receivers are exactly the list given', () => {
    const result = routesTest(['--config', 'alertscale.yml', '--verify.receivers=pager', 'severity=critical'], fakeLoader().load);
    expect(result).toEqual({ output: 'pager\n', stderr: '', exitCode: 0 });
  });

  it('fails --verify.receivers with amtool\'s warning when the receivers differ', () => {
    const result = routesTest(['--config', 'alertscale.yml', '--verify.receivers', 'oncall', 'severity=critical'], fakeLoader().load);
    expect(result).toEqual({
      output: 'pager\nWARNING: Expected receivers did not match resolved receivers.\n',
      stderr: '',
      exitCode: 1,
    });
  });
});
