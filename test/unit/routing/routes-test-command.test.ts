import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main';
import { memoryIo } from '../cli/memory-io';

const CONFIG = `
route:
  receiver: oncall
  routes:
    - { receiver: scale-up, matchers: ['alertname="GPUQueueDepthHigh"'], continue: true }
    - { receiver: pager, matchers: ['severity=critical'] }
receivers: [{ name: oncall }, { name: scale-up }, { name: pager }]
`;

/** Runs `alertscale routes test ARGS` in-process on a file system holding only alertscale.yml. */
async function routesTest(args: string[], env: Record<string, string> = {}) {
  const io = memoryIo({ files: { 'alertscale.yml': CONFIG, 'config/alertscale.yml': CONFIG }, env });
  const exitCode = await main(['routes', 'test', ...args], io);
  return { output: io.stdout(), stderr: io.stderr(), exitCode };
}

const firstLine = (text: string) => text.split('\n')[0];

describe('routes test command', () => {
  it('prints the matched receivers comma-separated, like amtool', async () => {
    const result = await routesTest(['--config', 'alertscale.yml', 'alertname=GPUQueueDepthHigh', 'severity=critical']);
    expect(result).toEqual({ output: 'scale-up,pager\n', stderr: '', exitCode: 0 });
  });

  it('accepts --config=PATH', async () => {
    expect((await routesTest(['--config=alertscale.yml', 'severity=critical'])).output).toBe('pager\n');
  });

  it("accepts amtool's --config.file flag", async () => {
    expect((await routesTest(['--config.file=alertscale.yml', 'severity=critical'])).output).toBe('pager\n');
  });

  it('reads the configuration CONFIG names when no flag is given', async () => {
    const result = await routesTest(['severity=critical'], { CONFIG: 'alertscale.yml' });
    expect(result).toEqual({ output: 'pager\n', stderr: '', exitCode: 0 });
  });

  it('reads config/alertscale.yml when neither the flag nor CONFIG is given', async () => {
    expect((await routesTest(['severity=critical'])).output).toBe('pager\n');
  });

  it('accepts flags after the labels', async () => {
    expect((await routesTest(['severity=critical', '--config', 'alertscale.yml'])).output).toBe('pager\n');
  });

  it('prints the root receiver when no labels are given', async () => {
    expect((await routesTest(['--config', 'alertscale.yml'])).output).toBe('oncall\n');
  });

  it('reads quoted label values as amtool does', async () => {
    expect((await routesTest(['--config', 'alertscale.yml', 'alertname="GPUQueue\\DepthHigh"'])).output).toBe('oncall\n');
  });

  it('treats arguments after -- as labels', async () => {
    expect((await routesTest(['--config', 'alertscale.yml', '--', 'severity=critical'])).output).toBe('pager\n');
  });

  it("fails with exit code 1 and amtool's reason for a label that is not name=value", async () => {
    const result = await routesTest(['--config', 'alertscale.yml', 'severity!=critical']);
    expect(result).toEqual({
      output: '',
      stderr: 'alertscale: error: failed to parse labels: labels must be specified as key=value pairs\n',
      exitCode: 1,
    });
  });

  it("fails with exit code 1 and the loader's message when the configuration cannot be read", async () => {
    const result = await routesTest(['--config', 'missing.yml']);
    expect(result).toEqual({ output: '', stderr: 'cannot read configuration file missing.yml: ENOENT\n', exitCode: 1 });
  });

  it('fails with exit code 2 for an unknown flag', async () => {
    const result = await routesTest(['--config', 'alertscale.yml', '--tree']);
    expect([firstLine(result.stderr), result.exitCode]).toEqual(['alertscale: error: unknown flag --tree', 2]);
  });

  it('fails with exit code 2 when --config has no value', async () => {
    const result = await routesTest(['--config']);
    expect([firstLine(result.stderr), result.exitCode]).toEqual(['alertscale: error: --config needs a value', 2]);
  });

  it('prints the usage with exit code 0 for --help', async () => {
    const result = await routesTest(['--help']);
    expect([result.output.startsWith('usage: alertscale routes show'), result.exitCode]).toEqual([true, 0]);
  });

  it('passes --verify.receivers when the receivers are exactly the list given', async () => {
    const result = await routesTest(['--config', 'alertscale.yml', '--verify.receivers=pager', 'severity=critical']);
    expect(result).toEqual({ output: 'pager\n', stderr: '', exitCode: 0 });
  });

  it("fails --verify.receivers with amtool's warning when the receivers differ", async () => {
    const result = await routesTest(['--config', 'alertscale.yml', '--verify.receivers', 'oncall', 'severity=critical']);
    expect(result).toEqual({
      output: 'pager\nWARNING: Expected receivers did not match resolved receivers.\n',
      stderr: '',
      exitCode: 1,
    });
  });

  it('verifies nothing with an empty --verify.receivers, as amtool', async () => {
    const result = await routesTest(['--config', 'alertscale.yml', '--verify.receivers=', 'severity=critical']);
    expect(result).toEqual({ output: 'pager\n', stderr: '', exitCode: 0 });
  });
});
