import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routesTest, type RoutesTestResult } from '../../../bin/commands/routes-test';
import { loadConfig } from '../../../lambdas/shared/config/load';
import type { RouteConfig } from '../../../lambdas/shared/config/schema';
import { escapeValue, type MatchType } from '../../../lambdas/shared/routing/matchers';
import { needBinary } from '../../support/binaries';

/**
 * `amtool config routes test` (Alertmanager 0.25) is the reference for
 * routing: for generated route trees and label sets, alertscale's
 * `routes test` must print exactly what amtool prints. Each tree is written
 * once as a file both tools accept (JSON, which is YAML to both; receivers
 * declared with a dummy webhook), and both read that same file, alertscale
 * through its real config loader.
 *
 * Limits of what is generated, because amtool's command line cannot say it or
 * Alertmanager's YAML reader (go-yaml v2) would read it differently:
 * - no NUL in label values (a process argument cannot hold one);
 * - label names are plain `[a-z_]` words (amtool arguments and `match` keys
 *   both accept those; colons are only valid in `matchers`);
 * - config strings avoid control characters other than tab and line feed;
 * - no `(?<name>…)` groups: Go 1.19, which this amtool is built with, rejects
 *   them and RE2JS (like Go 1.22+) accepts them.
 * The root route has no matchers, so both always print at least one receiver;
 * an empty line is not a possible output.
 */

const execFileAsync = promisify(execFile);

const LABEL_NAMES = ['alertname', 'severity', 'team', 'a'] as const;
const RECEIVERS = ['root', 'r0', 'r1', 'r2', 'r3', 'r4'] as const;

/** A value every escape applies to: a line feed, double quotes and a backslash. */
const AWKWARD = 'x\n"y"\\';
/** Values that make matchers match often, plus the awkward ones: quotes, backslashes, commas, braces, spaces, UTF-8. */
const VALUE_POOL = [
  '', 'x', 'X', 'xy', 'y', 'page', 'PAGE', 'crit', 'ab', 'b', 'a b', ' pad ', 'a,b', '{x}', 'q"uote', 'back\\slash',
  'line\nfeed', 'é', 'É', '東京', '🙂', 'x=y', 'x~', '\\n',
];
/** Go RE2 syntax and semantics worth comparing: flags, classes, Unicode, anchoring, empty matches, a group-closing value. */
const REGEX_POOL = [
  'x', 'x|y', '.*', '.+', '', 'x*', '(?i)X', '(?i)é', '(?i)page|CRIT', '[[:alpha:]]+', '[[:upper:]]', '\\pL+', '\\p{Han}+',
  '\\PL*', 'a)|(b', 'p.*', '[^x]*', '.*b', 'a b', '(?s).*\\n.*', '.*\\n.*', 'line.feed', '\\d*', '\\w+', '[a-c]{2}', 'x?y?',
  'q"uote', 'back\\\\slash', '\\\\n', '.', '..', '(?U)x+', '\\Qx=y\\E',
];
/** Characters for free-form values, weighted towards the ones the parsers treat specially. */
const VALUE_CHARS = ['a', 'b', 'x', 'y', ' ', '\t', '\n', ',', '"', '\\', '{', '}', '=', '~', '!', 'é', 'É', '東', '🙂', '\u00a0'];

const labelName = fc.constantFrom(...LABEL_NAMES);
// Mostly a few common values, so that equality matchers and alerts meet often enough to exercise the tree.
const labelValue = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('', 'x', 'page', AWKWARD) },
  { weight: 3, arbitrary: fc.constantFrom(...VALUE_POOL) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...VALUE_CHARS), maxLength: 6 }) },
);
const regex = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom('.*', '.+', 'x|page', '(?i)X|PAGE', 'p.*', '', 'x.*', '(?s)x.*', 'x\\n"y"\\\\') },
  { weight: 3, arbitrary: fc.constantFrom(...REGEX_POOL) },
);
const matchType = fc.oneof(
  { weight: 3, arbitrary: fc.constant<MatchType>('=') },
  { weight: 1, arbitrary: fc.constant<MatchType>('!=') },
  { weight: 2, arbitrary: fc.constant<MatchType>('=~') },
  { weight: 1, arbitrary: fc.constant<MatchType>('!~') },
);

/** How a value is written: quoted and escaped (always right), spaced out, or bare (as is, which may not parse). */
type Style = 'quoted' | 'bare' | 'spaced';
const style = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Style>('quoted') },
  { weight: 2, arbitrary: fc.constant<Style>('spaced') },
  { weight: 1, arbitrary: fc.constant<Style>('bare') },
);

function writeMatcher(name: string, type: MatchType, value: string, how: Style): string {
  switch (how) {
    case 'quoted':
      return `${name}${type}"${escapeValue(value)}"`;
    case 'bare':
      return `${name}${type}${value}`;
    case 'spaced':
      return ` ${name} ${type} "${escapeValue(value)}" `;
  }
}

const matcherSpec = fc
  .tuple(labelName, matchType, style, labelValue, regex)
  .map(([name, type, how, value, re]) => writeMatcher(name, type, type === '=' || type === '!=' ? value : re, how));

/** One `matchers:` entry: mostly one matcher, sometimes a list of two or three, in braces or not, with or without a trailing comma. */
const matcherEntry = fc
  .tuple(
    fc.oneof(
      { weight: 3, arbitrary: matcherSpec.map((m) => [m]) },
      { weight: 1, arbitrary: fc.array(matcherSpec, { minLength: 2, maxLength: 3 }) },
    ),
    fc.boolean(),
    fc.boolean(),
  )
  .map(([specs, braces, trailingComma]) => {
    const list = specs.join(',') + (trailingComma ? ', ' : '');
    return braces ? `{${list}}` : list;
  });

/** A list of up to `max` items: none in `none` cases out of `none + some`. */
const few = <T>(item: fc.Arbitrary<T>, max: number, none: number, some: number) =>
  fc.oneof(
    { weight: none, arbitrary: fc.constant<T[]>([]) },
    { weight: some, arbitrary: fc.array(item, { minLength: 1, maxLength: max }) },
  );

// The deprecated maps are less common than `matchers`, as in real files, so that routes stay matchable.
const matchMap = few(fc.tuple(labelName, labelValue), 2, 3, 1).map((entries) => Object.fromEntries(entries));
const matchReMap = few(fc.tuple(labelName, regex), 2, 3, 1).map((entries) => Object.fromEntries(entries));

const { route: childRoute } = fc.letrec<{ route: RouteConfig }>((tie) => ({
  route: fc
    .record(
      {
        receiver: fc.constantFrom(...RECEIVERS),
        matchers: few(matcherEntry, 2, 1, 3),
        match: matchMap,
        match_re: matchReMap,
        continue: fc.boolean(),
        routes: fc.array(tie('route'), { maxLength: 3, depthIdentifier: 'routes' }),
      },
      { requiredKeys: ['continue'] },
    )
    .map(withoutEmpty),
}));

const rootRoute = fc
  .array(childRoute, { minLength: 1, maxLength: 4, depthIdentifier: 'routes' })
  .map((routes): RouteConfig => ({ receiver: 'root', continue: false, routes }));

// Empty maps and lists are left out, as a hand-written file would; both tools read absent and empty alike.
function withoutEmpty(route: Partial<RouteConfig> & { continue: boolean }): RouteConfig {
  const out: RouteConfig = { continue: route.continue };
  if (route.receiver !== undefined) out.receiver = route.receiver;
  if (route.matchers?.length) out.matchers = route.matchers;
  if (route.match && Object.keys(route.match).length) out.match = route.match;
  if (route.match_re && Object.keys(route.match_re).length) out.match_re = route.match_re;
  if (route.routes?.length) out.routes = route.routes;
  return out;
}

/**
 * The label arguments for one alert: each label present or not, written in one of the styles, and now and
 * then a label given twice (the later one wins in both tools).
 */
const labelArgs = fc
  .tuple(
    fc.tuple(...LABEL_NAMES.map((name) => fc.option(fc.tuple(fc.constant(name), labelValue, style), { freq: 3 }))),
    fc.array(fc.tuple(labelName, labelValue, style), { maxLength: 1 }),
  )
  .map(([labels, repeated]) =>
    [...labels.filter((label) => label !== null), ...repeated].map(([name, value, how]) =>
      how === 'spaced' ? ` ${name} = "${escapeValue(value)}"` : writeMatcher(name, '=', value, how),
    ),
  );

function alertmanagerFile(route: RouteConfig): string {
  const receivers = RECEIVERS.map((name) => ({ name, webhook_configs: [{ url: 'http://127.0.0.1:9/hook' }] }));
  return JSON.stringify({ route, receivers }, null, 2);
}

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

function alertscale(configPath: string, args: readonly string[]): RoutesTestResult {
  return routesTest(['--config', configPath, '--', ...args], (path) => loadConfig(path).config.route);
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
        alerts.forEach((args, i) => {
          const ours = alertscale(configPath, args);
          const reference = theirs[i]!;
          if (reference.exitCode === 0) {
            expect({ args, ...ours }).toEqual({ args, output: reference.output, stderr: '', exitCode: 0 });
            compared += 1;
          } else {
            // amtool refused the file or a label; alertscale must refuse too (its message is its own).
            expect({ args, exitCode: ours.exitCode, output: ours.output }).toEqual({ args, exitCode: 1, output: '' });
            agreedRejections += 1;
          }
        });
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
    const ours = alertscale(configPath, []);
    expect([reference.exitCode, ours.exitCode, ours.output]).toEqual([1, 1, '']);
  });

  it.each(['{a=b}', 'a!=b', 'a=~b', 'a', 'a="b', '1a=b'])('rejects the label argument %s, as amtool does', async (arg) => {
    const configPath = join(dir, 'labels.yml');
    writeFileSync(configPath, alertmanagerFile({ receiver: 'root', continue: false, routes: [{ receiver: 'r1', continue: false }] }));
    const reference = await amtool(configPath, [arg]);
    const ours = alertscale(configPath, [arg]);
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
    const ours = alertscale(configPath, args);
    expect([reference.output, ours.output]).toEqual([expected, expected]);
  });
});
