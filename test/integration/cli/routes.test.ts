import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RouteConfig } from '../../../lambdas/shared/config/schema';
import { parseConfigText } from '../../../lambdas/shared/config/load';
import { formatLabelArg } from '../../../lambdas/shared/routing/label-args';
import { buildRouteTree, matchReceivers } from '../../../lambdas/shared/routing/route-tree';
import { processIo } from '../../../cli/io';
import { main } from '../../../cli/main';
import { needBinary } from '../../support/binaries';
import { alertmanagerFile, labelSet, rootRoute } from '../../support/route-generators';
import { alertscale, tempFile } from './run-cli';

const exec = promisify(execFile);

/** What amtool printed on stdout and how it exited; it prints a warning about --alertmanager.url on stderr. */
async function amtool(args: readonly string[]): Promise<{ stdout: string; code: number }> {
  try {
    return { stdout: (await exec('amtool', [...args])).stdout, code: 0 };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string };
    if (typeof failed.code !== 'number') throw error;
    return { stdout: failed.stdout ?? '', code: failed.code };
  }
}

/** Runs `work` over `items`, `limit` at a time, keeping the order: amtool processes on two shared cores. */
async function inBatches<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += limit) results.push(...(await Promise.all(items.slice(i, i + limit).map(work))));
  return results;
}

const file = (route: RouteConfig) => tempFile('alertmanager.yml', alertmanagerFile(route));

// Matchers in every syntax, match and match_re, continue, inherited receivers, nesting on open and ended levels.
const TREES: [string, RouteConfig][] = [
  [
    'matchers, match and match_re, continue and nested routes',
    {
      receiver: 'root',
      continue: false,
      routes: [
        {
          receiver: 'r0',
          continue: true,
          matchers: ['alertname="GPUQueueDepthHigh"', 'severity!="critical"'],
          routes: [{ receiver: 'r1', continue: false, match: { team: 'a"b', a: 'x' }, match_re: { severity: 'x|y' } }, { continue: false, routes: [{ receiver: 'r2', continue: false }] }],
        },
        { receiver: 'r3', continue: false, matchers: ['{team=~"a,b", a!~"c"}', 'alertname=~"(?i)gpu.*"'] },
        { continue: true, matchers: ['a="back\\\\slash", team="line\\nfeed"'] },
      ],
    },
  ],
  ['a root route alone', { receiver: 'root', continue: false }],
  [
    'non-ASCII values, sorted as Go sorts bytes',
    { receiver: 'root', continue: false, routes: [{ receiver: 'r4', continue: false, matchers: ['a="🙂"', 'a="～"', 'a="é"', 'A="x"', 'a!="x"', 'a="x"'] }] },
  ],
];

describe.runIf(needBinary('amtool'))('alertscale routes show agrees with amtool config routes show', () => {
  it.each(TREES)('on a tree with %s', async (_what, route) => {
    const path = file(route);
    const [theirs, ours] = await Promise.all([amtool(['config', 'routes', 'show', `--config.file=${path}`]), alertscale(['routes', 'show', '--config', path])]);
    expect(theirs.code).toBe(0);
    expect(ours).toEqual({ code: 0, stdout: theirs.stdout, stderr: '' });
  });

  it('on the example alertmanager.yml', async () => {
    const path = 'examples/alertmanager/alertmanager.yml';
    const [theirs, ours] = await Promise.all([amtool(['config', 'routes', 'show', `--config.file=${path}`]), alertscale(['routes', 'show', '--config', path])]);
    expect(ours.stdout).toBe(theirs.stdout);
  });

  // In-process through main (with the real file system), so that many trees cost little; the
  // fixed trees above go through the process as a user's call does.
  it('on generated trees', async () => {
    const routes = fc.sample(rootRoute, 40).filter(accepted);
    for (const route of routes) {
      const path = file(route);
      const [theirs, ours] = await Promise.all([amtool(['config', 'routes', 'show', `--config.file=${path}`]), inProcess(['routes', 'show', '--config', path])]);
      expect({ route, stdout: ours }).toEqual({ route, stdout: theirs.stdout });
    }
    expect(routes.length).toBeGreaterThan(10);
  }, 120_000);
});

/** `alertscale ARGS` run by main in this process, with the real io but stdout kept; resolves to stdout. */
async function inProcess(args: string[]): Promise<string> {
  let stdout = '';
  await main(args, { ...processIo(), out: (line) => (stdout += `${line}\n`) });
  return stdout;
}

/** Whether alertscale's loader takes the tree; the generators also make trees both tools refuse. */
function accepted(route: RouteConfig): boolean {
  try {
    parseConfigText(alertmanagerFile(route));
    return true;
  } catch {
    return false;
  }
}

// Among a few generated trees both take, the one whose routing the cases tell apart best.
function busiestTree(seed: number, cases: readonly Record<string, string>[]): RouteConfig {
  const outcomes = (route: RouteConfig) => {
    const tree = buildRouteTree(route);
    return new Set(cases.map((labels) => matchReceivers(tree, labels).join(','))).size;
  };
  const ranked = fc.sample(rootRoute, { seed, numRuns: 40 }).filter(accepted).map((route) => ({ route, outcomes: outcomes(route) }));
  return ranked.reduce((best, candidate) => (candidate.outcomes > best.outcomes ? candidate : best)).route;
}

describe.runIf(needBinary('amtool'))('alertscale routes test --cases agrees with amtool', () => {
  it('passes 500 generated cases whose expectations are what amtool prints for them, in one call', async () => {
    const seed = Date.now() % 2 ** 31;
    const cases = fc.sample(labelSet, { seed, numRuns: 500 });
    const route = busiestTree(seed, cases);
    const configPath = file(route);
    const theirs = await inBatches(cases, 6, (labels) =>
      amtool(['config', 'routes', 'test', `--config.file=${configPath}`, '--', ...Object.entries(labels).map(([name, value]) => formatLabelArg(name, value))]),
    );
    expect({ seed, refused: theirs.filter((result) => result.code !== 0) }).toEqual({ seed, refused: [] });
    expect(new Set(theirs.map((result) => result.stdout)).size, `seed ${seed}: the tree routes every case alike`).toBeGreaterThanOrEqual(3);
    const expected = cases.map((labels, i) => ({ labels, expect: theirs[i]!.stdout.trimEnd().split(',') }));
    // Five more that amtool disagrees with, so that a runner passing everything cannot pass this test.
    const wrong = expected.slice(0, 5).map((entry) => ({ ...entry, expect: [...entry.expect, 'root'] }));
    const casesPath = configPath.replace(/alertmanager\.yml$/, 'cases.json');
    writeFileSync(casesPath, JSON.stringify([...expected, ...wrong]));

    const ours = await alertscale(['routes', 'test', '--config', configPath, '--cases', casesPath]);
    const lines = ours.stdout.trimEnd().split('\n');
    expect({ seed, code: ours.code, summary: lines.at(-1), failed: lines.slice(0, -1).map((line) => /: case (\d+) /.exec(line)?.[1]) }).toEqual({
      seed,
      code: 1,
      summary: '500 passed, 5 failed',
      failed: ['501', '502', '503', '504', '505'],
    });
  }, 120_000);

  it('prints one line per failing case and exits 1', async () => {
    const configPath = file({ receiver: 'root', continue: false, routes: [{ receiver: 'r1', continue: false, matchers: ['a=x'] }] });
    const casesPath = configPath.replace(/alertmanager\.yml$/, 'cases.yml');
    writeFileSync(casesPath, ['- { labels: { a: x }, expect: r1 }', '- { labels: { a: y }, expect: r1 }', '- { labels: {}, expect: "root" }'].join('\n'));
    expect(await alertscale(['routes', 'test', '--config', configPath, '--cases', casesPath])).toEqual({
      code: 1,
      stdout: `${casesPath}:2: case 2 {a="y"}: expected r1; got root\n2 passed, 1 failed\n`,
      stderr: '',
    });
  });
});

const WITH_INTERVALS = `
time_intervals:
  - name: business-hours
    time_intervals: [{ weekdays: ['monday:friday'], times: [{ start_time: '09:00', end_time: '18:00' }], location: Europe/Berlin }]
  - name: nights
    time_intervals: [{ times: [{ start_time: '00:00', end_time: '06:00' }], location: Europe/Berlin }]
route:
  receiver: root
  routes:
    - { matchers: ['alertname="GPUUtilizationLow"'], receiver: scale-down, mute_time_intervals: [business-hours], continue: true }
    - { matchers: ['alertname="GPUUtilizationLow"'], receiver: night-down, active_time_intervals: [nights] }
receivers: [{ name: root }, { name: scale-down }, { name: night-down }]
`;

describe.runIf(needBinary('amtool'))('alertscale routes test --at', () => {
  const configPath = tempFile('alertmanager.yml', WITH_INTERVALS);

  it("prints amtool's answer when no interval mutes a matched route then", async () => {
    const [theirs, ours] = await Promise.all([
      amtool(['config', 'routes', 'test', `--config.file=${configPath}`, 'alertname=GPUUtilizationLow']),
      alertscale(['routes', 'test', '--config', configPath, '--at', '2025-03-04T03:00:00+01:00', 'alertname=GPUUtilizationLow']),
    ]);
    expect(theirs).toEqual({ code: 0, stdout: 'scale-down,night-down\n' });
    expect(ours).toEqual({ code: 0, stdout: theirs.stdout, stderr: '' });
  });

  it('still lists the routes muted then, each with why', async () => {
    const ours = await alertscale(['routes', 'test', '--config', configPath, '--at', '2025-03-04T10:00:00+01:00', 'alertname=GPUUtilizationLow']);
    expect(ours).toEqual({ code: 0, stdout: 'scale-down (muted: business-hours),night-down (muted: outside nights)\n', stderr: '' });
  });

  it('refuses a time without an offset with exit code 2', async () => {
    const ours = await alertscale(['routes', 'test', '--config', configPath, '--at', '2025-03-04T10:00:00', 'alertname=GPUUtilizationLow']);
    expect([ours.code, ours.stdout]).toEqual([2, '']);
  });
});
