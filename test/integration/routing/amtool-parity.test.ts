import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processIo } from '../../../cli/io';
import { main } from '../../../cli/main';
import type { RouteConfig } from '../../../lambdas/shared/config/schema';
import { needBinary } from '../../support/binaries';
import { alertmanagerFile, labelArgs, rootRoute } from '../../support/route-generators';

/**
 * `amtool config routes test` (Alertmanager 0.25) is the reference for
 * routing: for generated route trees and label sets, alertscale's
 * `routes test` must print exactly what amtool prints. Each tree is written
 * once as a file both tools accept (JSON, which is YAML to both; receivers
 * declared with a dummy webhook), and both read that same file, alertscale
 * through its real config loader. What is generated, and what is not, is
 * said in test/support/route-generators.ts.
 */

const execFileAsync = promisify(execFile);

async function amtool(configPath: string, args: readonly string[]): Promise<{ output: string; exitCode: number }> {
  try {
    const { stdout } = await execFileAsync('amtool', ['config', 'routes', 'test', `--config.file=${configPath}`, '--', ...args]);
    return { output: stdout, exitCode: 0 };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string };
    if (typeof failed.code !== 'number') throw error; // amtool did not run at all
    return { output: failed.stdout ?? '', exitCode: failed.code };
  }
}

/** `alertscale routes test`, in-process through the CLI's own dispatcher, with its output kept. */
async function alertscale(configPath: string, args: readonly string[]): Promise<{ output: string; stderr: string; exitCode: number }> {
  let output = '';
  let stderr = '';
  const io = { ...processIo(), out: (line: string) => (output += `${line}\n`), err: (line: string) => (stderr += `${line}\n`) };
  const exitCode = await main(['routes', 'test', '--config', configPath, '--', ...args], io);
  return { output, stderr, exitCode };
}

describe.runIf(needBinary('amtool'))('routes test parity with amtool config routes test', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'alertscale-amtool-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the same receivers as amtool for generated route trees and alerts', async () => {
    let compared = 0;
    let agreedRejections = 0;
    let file = 0;
    await fc.assert(
      fc.asyncProperty(rootRoute, fc.array(labelArgs, { minLength: 5, maxLength: 5 }), async (route, alerts) => {
        const configPath = join(dir, `alertmanager-${(file += 1)}.yml`);
        writeFileSync(configPath, alertmanagerFile(route));
        // One file per tree, its alerts tested side by side: five amtool processes at a time.
        const theirs = await Promise.all(alerts.map((args) => amtool(configPath, args)));
        for (const [i, args] of alerts.entries()) {
          const ours = await alertscale(configPath, args);
          const reference = theirs[i]!;
          if (reference.exitCode === 0) {
            expect({ args, ...ours }).toEqual({ args, output: reference.output, stderr: '', exitCode: 0 });
            compared += 1;
          } else {
            // amtool refused the file or a label; alertscale must refuse too (its message is its own).
            expect({ args, exitCode: ours.exitCode, output: ours.output }).toEqual({ args, exitCode: 1, output: '' });
            agreedRejections += 1;
          }
        }
      }),
      { numRuns: 100 },
    );
    // The generators make mostly valid input; this guards against them drifting into rejections only.
    expect(compared).toBeGreaterThanOrEqual(300);
    expect(agreedRejections).toBeGreaterThan(0);
  }, 300_000);

  it.each([
    ['a root route with matchers', { receiver: 'root', matchers: ['a=b'] }],
    ['continue on the root route', { receiver: 'root', continue: true }],
    ['an unterminated quote', { receiver: 'root', routes: [{ matchers: ['a="b'] }] }],
    ['an unescaped quote inside a value', { receiver: 'root', routes: [{ matchers: ['a=b"c'] }] }],
    ['an empty matcher between commas', { receiver: 'root', routes: [{ matchers: ['a=b,,c=d'] }] }],
    ['a regex RE2 cannot compile', { receiver: 'root', routes: [{ matchers: ['a=~"("'] }] }],
    ['a match_re regex RE2 cannot compile', { receiver: 'root', routes: [{ match_re: { a: 'x{2,1}' } }] }],
    ['a backreference', { receiver: 'root', routes: [{ matchers: ['a=~"(x)\\\\1"'] }] }],
    ['a match key with a colon', { receiver: 'root', routes: [{ match: { 'a:b': 'x' } }] }],
  ])('rejects a file with %s, as amtool does', async (what, route) => {
    const configPath = join(dir, `bad-${what.replace(/\W+/g, '-')}.yml`);
    writeFileSync(configPath, alertmanagerFile(route as RouteConfig));
    const reference = await amtool(configPath, []);
    const ours = await alertscale(configPath, []);
    expect([reference.exitCode, ours.exitCode, ours.output]).toEqual([1, 1, '']);
  });

  it.each(['{a=b}', 'a!=b', 'a=~b', 'a', 'a="b', '1a=b'])('rejects the label argument %s, as amtool does', async (arg) => {
    const configPath = join(dir, 'labels.yml');
    writeFileSync(configPath, alertmanagerFile({ receiver: 'root', continue: false, routes: [{ receiver: 'r1', continue: false }] }));
    const reference = await amtool(configPath, [arg]);
    const ours = await alertscale(configPath, [arg]);
    expect([reference.exitCode, ours.exitCode, ours.output]).toEqual([1, 1, '']);
  });
});

/** A tree whose one child, receiver `r1`, has the given route keys; the root's receiver is `root`. */
const oneChild = (child: Partial<RouteConfig>): RouteConfig => ({
  receiver: 'root',
  continue: false,
  routes: [{ receiver: 'r1', continue: false, ...child }],
});

describe.runIf(needBinary('amtool'))('routes test agrees with amtool on edge cases', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'alertscale-amtool-edges-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it.each<[string, RouteConfig, string[], string]>([
    ['a regex is anchored at both ends', oneChild({ matchers: ['a=~"a"'] }), ['a=ab'], 'root\n'],
    ['(?i) folds non-ASCII letters', oneChild({ matchers: ['a=~"(?i)é"'] }), ['a=É'], 'r1\n'],
    ['[[:alpha:]] is ASCII letters', oneChild({ matchers: ['a=~"[[:alpha:]]+"'] }), ['a=aé'], 'root\n'],
    ['\\pL is any letter', oneChild({ matchers: ['a=~"\\\\pL+"'] }), ['a=aé東'], 'r1\n'],
    ['a matchers value that closes the group', oneChild({ matchers: ['a=~"a)|(b"'] }), ['a=a-and-more'], 'r1\n'],
    ['a match_re value that closes the group', oneChild({ match_re: { a: 'a)|(b' } }), ['a=a-and-more'], 'root\n'],
    ['an empty value and a missing label', oneChild({ matchers: ['team=""'] }), ['a=b'], 'r1\n'],
    ['an empty label argument and a missing label', oneChild({ matchers: ['team!=""'] }), ['team='], 'root\n'],
    ['a label named like an object property', oneChild({ matchers: ['constructor=""'] }), [], 'r1\n'],
    ['a vertical tab kept before a comma', oneChild({ matchers: ['a=b\u000b,c=d'] }), ['a=b\u000b', 'c=d'], 'r1\n'],
    ['Unicode spaces trimmed around an entry', oneChild({ matchers: ['\u00a0a=b\u3000'] }), ['a=b'], 'r1\n'],
    ['a second = in a label argument', oneChild({ matchers: ['a="=b"'] }), ['a==b'], 'r1\n'],
    ['escapes in a quoted label argument', oneChild({ match: { a: 'x\n"y"\\' } }), ['a="x\\n\\"y\\"\\\\"'], 'r1\n'],
    ['a spurious escape kept literally', oneChild({ match: { a: 'x\\q' } }), ['a=x\\q'], 'r1\n'],
    ['a line feed not matched by .', oneChild({ matchers: ['a=~".*"'] }), ['a="x\\ny"'], 'root\n'],
  ])('%s', async (_what, route, args, expected) => {
    const configPath = join(dir, 'alertmanager.yml');
    writeFileSync(configPath, alertmanagerFile(route));
    const reference = await amtool(configPath, args);
    const ours = await alertscale(configPath, args);
    expect([reference.output, ours.output]).toEqual([expected, expected]);
  });
});
