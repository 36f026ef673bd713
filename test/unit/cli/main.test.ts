import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main, USAGE } from '../../../cli/main';
import { memoryIo } from './memory-io';

const COMMANDS = ['serve', 'check', 'routes', 'replay', 'pause', 'resume'];

async function run(argv: string[]) {
  const io = memoryIo();
  const exitCode = await main(argv, io);
  return { exitCode, stdout: io.stdout(), stderr: io.stderr() };
}

describe('the alertscale dispatcher', () => {
  it("prints package.json's version for --version", async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(await run(['--version'])).toEqual({ exitCode: 0, stdout: `alertscale ${version}\n`, stderr: '' });
  });

  it('lists every command in its usage', () => {
    for (const name of COMMANDS) expect(USAGE).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
  });

  it('prints the usage on stdout with exit code 0 for --help', async () => {
    expect(await run(['--help'])).toEqual({ exitCode: 0, stdout: `${USAGE}\n`, stderr: '' });
  });

  it('prints the usage on stderr with exit code 2 when no command is given', async () => {
    expect(await run([])).toEqual({ exitCode: 2, stdout: '', stderr: `${USAGE}\n` });
  });

  it('refuses an unknown command with exit code 2', async () => {
    const result = await run(['rehearse']);
    expect([result.exitCode, result.stderr.split('\n')[0]]).toEqual([2, 'alertscale: error: unknown command "rehearse"']);
  });

  it.each(COMMANDS)('answers %s --help with its own usage and exit code 0', async (name) => {
    const result = await run([name, '--help']);
    expect([result.exitCode, result.stdout.split('\n')[0]?.startsWith(`usage: alertscale ${name}`)]).toEqual([0, true]);
  });

  it('answers -h as --help, also after other flags', async () => {
    const result = await run(['pause', '--url', 'http://x', '-h']);
    expect([result.exitCode, result.stdout.startsWith('usage: alertscale pause')]).toEqual([0, true]);
  });

  it("prints a command's help for help COMMAND", async () => {
    expect((await run(['help', 'check'])).stdout.startsWith('usage: alertscale check')).toBe(true);
  });

  it('turns a usage error into exit code 2, the synopsis and where to read more', async () => {
    const result = await run(['check', '--bogus']);
    expect(result).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: 'alertscale: error: unknown flag --bogus\nusage: alertscale check [CONFIG | --config CONFIG] [--at TIME]\nRun "alertscale check --help" for more.\n',
    });
  });
});
