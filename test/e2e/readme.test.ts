import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { needBinary } from '../support/binaries';
import { codeBlocks, transcript, type CodeBlock } from '../support/markdown-blocks';

/**
 * The README, followed literally: every `sh` block runs exactly as written,
 * in a checkout of the repository, in a shell with none of alertscale's
 * variables set (as a newcomer's would be), unless the line above it says why
 * it is not run; a `text` block right after it shows lines its output must
 * hold (`…` elides). Every `text` block written as a terminal transcript
 * (`$ command`, then its output) runs each command and must print exactly
 * that. So the README's commands cannot rot: a changed flag, message or file
 * breaks this test.
 */

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const readme = readFileSync(`${repoRoot}README.md`, 'utf8');

/**
 * Where the blocks run: the repository's files as a reader has them, linked
 * into a scratch directory, so what a block writes (`slower.yml`, a report)
 * lands there and not in the working tree.
 */
const CHECKOUT_ENTRIES = ['bin', 'cli', 'lambdas', 'config', 'examples', 'docs', 'test', 'node_modules', 'package.json', 'tsconfig.json'];
const checkout = mkdtempSync(join(tmpdir(), 'alertscale-readme-'));
for (const name of CHECKOUT_ENTRIES) symlinkSync(join(repoRoot, name), join(checkout, name));
afterAll(() => rmSync(checkout, { recursive: true, force: true }));
const blocks = codeBlocks(readme);
const shellBlocks = blocks.filter((block) => block.lang === 'sh');
const runnable = shellBlocks.filter((block) => block.notRun === undefined);
/** The lines a `text` block right after `block` (only blank lines between) shows of its output; none when there is no such block. */
const shownAfter = (block: CodeBlock): string[] => {
  const next = blocks[blocks.indexOf(block) + 1];
  if (!next || next.lang !== 'text' || transcript(next)) return [];
  const closingFence = block.line + block.content.split('\n').length + 1;
  const between = readme.split('\n').slice(closingFence, next.line - 1);
  if (between.some((line) => line.trim() !== '')) return [];
  return next.content.split('\n').filter((line) => line.trim() !== '' && line !== '…');
};
const transcripts = blocks.flatMap((block) => {
  const steps = transcript(block);
  return steps ? [{ block, steps }] : [];
});

/** Variables a reader's shell would not have: the README's commands must work without them. */
const UNSET = ['WEBHOOK_TOKEN', 'API_TOKEN', 'PORT', 'HOST', 'CONFIG', 'DATA_DIR', 'RECORD', 'LOG_LEVEL'];
const shellEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env, LOG_LEVEL: undefined } as NodeJS.ProcessEnv;
  for (const name of UNSET) delete env[name];
  return env;
};

/** Debian programs a block runs: without them it is skipped (failed under CI), as the other end-to-end suites are. */
const DEBIAN_PROGRAMS = ['prometheus-alertmanager', 'amtool', 'promtool'];
const programsOf = (block: CodeBlock) => DEBIAN_PROGRAMS.filter((program) => new RegExp(`(^|\\s)${program}\\s`, 'm').test(block.content));

const heading = (block: CodeBlock) =>
  readme
    .split('\n')
    .slice(0, block.line)
    .reverse()
    .find((line) => line.startsWith('#'))
    ?.replace(/^#+\s*/, '') ?? 'top';

/**
 * Runs a block with `bash -euo pipefail`, in its own process group so that
 * whatever it left running in the background (`npm start &`) is stopped
 * afterwards, and resolves to its exit code and everything it printed.
 */
async function runShell(script: string, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd: checkout, env: shellEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => killGroup(child.pid!), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  killGroup(child.pid!);
  await groupGone(child.pid!);
  return { code, output };
}

/** Waits (up to 15 s) until nothing of the group runs, so the next block finds its ports free. */
async function groupGone(pid: number): Promise<void> {
  for (let i = 0; i < 150; i++) {
    try {
      process.kill(-pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  process.kill(-pid, 'SIGKILL');
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    // The group is gone already: nothing was left running.
  }
}

/** What the prose around a block says it shows: the block's output must show it. */
const SHOWS: Record<string, readonly string[]> = {
  'Try it': ['"accepted":3', '"detail": "scaled 2 → 4 (+2)"', 'scaling paused', 'scaling resumed'],
  'Fire, watch, resolve with amtool': ['"outcome": "scaled"', '"detail": "this scale config acts on firing alerts; the alert is resolved"'],
  'Prometheus rules for GPU fleets': ['SUCCESS'],
  "The control plane's side": ['confirmed i-', '"result": "confirmed"'],
};

describe('README.md, followed literally', () => {
  it('has shell blocks to run and transcripts to check (the parser found them)', () => {
    expect(runnable.length).toBeGreaterThanOrEqual(3);
    expect(transcripts.length).toBeGreaterThanOrEqual(5);
  });

  it('checks what the prose says of every block it names', () => {
    expect(Object.keys(SHOWS).filter((name) => !runnable.some((block) => heading(block) === name))).toEqual([]);
  });

  it('says why, for every shell block it does not run', () => {
    for (const block of shellBlocks.filter((b) => b.notRun !== undefined)) expect(block.notRun!.length, `README.md:${block.line}`).toBeGreaterThan(5);
  });

  for (const block of runnable) {
    const programs = programsOf(block);
    it.runIf(programs.every((program) => needBinary(program)))(`runs the shell block of "${heading(block)}" (README.md:${block.line})`, { timeout: 180_000 }, async () => {
      const { code, output } = await runShell(block.content, 150_000);
      expect(code, `README.md:${block.line} exited ${code}; it printed:\n${output}`).toBe(0);
      for (const shown of SHOWS[heading(block)] ?? []) expect(output, `README.md:${block.line} printed:\n${output}`).toContain(shown);
      const printed = output.split('\n');
      for (const line of shownAfter(block)) expect(printed, `README.md:${block.line} shows a line it did not print: ${line}`).toContain(line);
    });
  }

  for (const { block, steps } of transcripts) {
    for (const step of steps) {
      it(`prints what README.md:${block.line} shows for: ${step.command}`, { timeout: 60_000 }, () => {
        const result = spawnSync('bash', ['-c', `${step.command} 2>&1`], { cwd: checkout, env: shellEnv(), encoding: 'utf8', timeout: 50_000 });
        expect(result.stdout.trimEnd()).toBe(step.output.trimEnd());
      });
    }
  }
});

