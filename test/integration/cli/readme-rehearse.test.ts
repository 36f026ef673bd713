import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const exec = promisify(execFile);

/** The README's "Rehearse a change" section, as a reader sees it. */
function section(): string {
  const readme = readFileSync('README.md', 'utf8');
  const start = readme.indexOf('## Rehearse a change');
  expect(start).toBeGreaterThan(-1);
  return readme.slice(start, readme.indexOf('\n## ', start + 1));
}

/** The section's fenced blocks in order, each with its language. */
const blocks = (text: string) => [...text.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, body: m[2]! }));

/** A checkout as a reader has it: the files the commands name, and the project's own bin for npx. */
function checkout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'alertscale-readme-'));
  for (const name of ['bin', 'cli', 'lambdas', 'config', 'examples', 'node_modules', 'package.json', 'tsconfig.json']) symlinkSync(resolve(name), join(dir, name));
  return dir;
}

describe('README: Rehearse a change', () => {
  it('runs its replay, compare and report commands as written, printing what it shows them print', { timeout: 120_000 }, async () => {
    const dir = checkout();
    let lastOutput = '';
    let ran = 0;
    for (const block of blocks(section())) {
      if (block.lang === 'text') {
        // Every line shown (an elision aside) is a line the command before it printed.
        const printed = lastOutput.split('\n');
        for (const line of block.body.split('\n').filter((l) => l.trim() !== '' && l !== '…')) expect(printed).toContain(line);
        continue;
      }
      if (block.lang !== 'sh') continue;
      // Recording and the AWS commands need a server or an account; the replay commands need neither.
      for (const command of block.body.split('\n').filter((line) => /^(npx alertscale replay|sed) /.test(line))) {
        const { stdout } = await exec('sh', ['-c', command], { cwd: dir, maxBuffer: 64 * 2 ** 20 });
        lastOutput = stdout;
        ran++;
      }
    }
    expect(ran).toBe(4);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toMatch(/^<!doctype html>/);
    expect(existsSync(join(dir, 'slower.yml'))).toBe(true);
  });
});
