import { MatcherSyntaxError } from '../lambdas/shared/routing/matchers';
import { parseLabelArgs } from '../lambdas/shared/routing/label-args';
import { buildRouteTree, type RouteNode } from '../lambdas/shared/routing/route-tree';
import { indexTimeIntervals } from '../lambdas/shared/time/intervals';
import { EXIT_FAILED, EXIT_OK, parseFlags, UsageError, type Command } from './command';
import { configPath, readConfig } from './config-path';
import type { Io } from './io';
import { reportRefusal } from './problem-lines';
import { failureLine, receiversFor, runCases, type TimeContext } from './route-receivers';
import { routeTreeLines } from './route-tree-text';
import { CasesFileError, parseCasesText, type RouteCase } from './routes-cases';
import { timeFlag } from './times';

const USAGE = `usage: alertscale routes show [--config CONFIG]
       alertscale routes test [--config CONFIG] [--at TIME] [--verify.receivers=LIST] [label=value ...]
       alertscale routes test [--config CONFIG] [--at TIME] --cases FILE`;

const HELP = `${USAGE}

show   prints the route tree exactly as \`amtool config routes show\` does
       (\`alertscale routes\` alone is \`show\`, as in amtool).
test   prints the receivers an alert with the given labels is routed to, comma-separated,
       in route-tree order, exactly as \`amtool config routes test\` does for the same tree.
       Labels are written as amtool takes them: severity=critical, summary="a \\"quoted\\" value".

Flags:
  --config CONFIG          the configuration (also --config.file, as in amtool; default $CONFIG,
                           then config/alertscale.yml); a whole alertmanager.yml works too
  --verify.receivers=LIST  exit 1 unless the receivers printed are exactly LIST
  --cases FILE             test many label sets in one call: a YAML or JSON list of
                           { labels: {...}, expect: [receiver, ...] } (or expect: "a,b"), each
                           optionally with its own at: TIME. Prints one line per failing case,
                           then "N passed, M failed"; exit 1 on any failure
  --at TIME                evaluate time intervals at TIME (RFC 3339, e.g. 2025-03-03T10:00:00+01:00).
                           A route Alertmanager would mute then still matches, as in Alertmanager,
                           and is printed with why: scale-down (muted: business-hours), or
                           scale-down (muted: outside off-hours) for its active_time_intervals.
                           Without --at, time intervals play no part, as in amtool
  -h, --help               show this help

--verify.receivers and a case's expect are compared with what is printed, notes included.
Exit codes: 0 done, 1 a failed check, bad labels or an unusable file, 2 bad usage.`;

const SHOW_FLAGS = { config: { type: 'string' }, 'config.file': { type: 'string' } } as const;
const TEST_FLAGS = { ...SHOW_FLAGS, 'verify.receivers': { type: 'string' }, cases: { type: 'string' }, at: { type: 'string' } } as const;

/** The route tree of the configuration a command reads, and its time intervals by name. */
interface LoadedTree {
  readonly tree: RouteNode;
  readonly intervals: TimeContext['intervals'];
}

function loadTree(io: Io, flags: { config?: string | undefined; 'config.file'?: string | undefined }): LoadedTree {
  const { config } = readConfig(io, configPath(flags.config ?? flags['config.file'], io.env));
  return { tree: buildRouteTree(config.route), intervals: indexTimeIntervals(config.time_intervals) };
}

function show(args: readonly string[], io: Io): number {
  const { values } = parseFlags(args, SHOW_FLAGS);
  routeTreeLines(loadTree(io, values).tree).forEach((line) => io.out(line));
  return EXIT_OK;
}

function readCases(io: Io, path: string): RouteCase[] | undefined {
  let text: string;
  try {
    text = io.readFile(path);
  } catch (error) {
    io.err(`cannot read cases file ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
    return undefined;
  }
  try {
    return parseCasesText(text, path);
  } catch (error) {
    if (!(error instanceof CasesFileError)) throw error;
    reportRefusal(io, path, error, 'not a valid cases file');
    return undefined;
  }
}

function testCases(io: Io, path: string, tree: LoadedTree, at: Date | undefined): number {
  const cases = readCases(io, path);
  if (cases === undefined) return EXIT_FAILED;
  const outcome = runCases(tree.tree, cases, tree.intervals, at);
  outcome.failed.forEach((failure) => io.out(failureLine(path, failure)));
  io.out(`${outcome.passed} passed, ${outcome.failed.length} failed`);
  return outcome.failed.length === 0 ? EXIT_OK : EXIT_FAILED;
}

function testLabels(io: Io, args: readonly string[], tree: LoadedTree, at: Date | undefined, verify: string | undefined): number {
  let labels: Record<string, string>;
  try {
    labels = parseLabelArgs(args);
  } catch (error) {
    if (!(error instanceof MatcherSyntaxError)) throw error;
    io.err(`alertscale: error: failed to parse labels: ${error.message}`);
    return EXIT_FAILED;
  }
  const time: TimeContext | undefined = at === undefined ? undefined : { at, intervals: tree.intervals };
  const slug = receiversFor(tree.tree, labels, time).join(',');
  io.out(slug);
  // As in amtool, an empty --verify.receivers verifies nothing, and the warning goes to stdout.
  if (verify !== undefined && verify !== '' && verify !== slug) {
    io.out('WARNING: Expected receivers did not match resolved receivers.');
    return EXIT_FAILED;
  }
  return EXIT_OK;
}

function test(args: readonly string[], io: Io): number {
  const { values, positionals } = parseFlags(args, TEST_FLAGS, true);
  const at = timeFlag('--at', values.at);
  if (values.cases !== undefined && positionals.length > 0) throw new UsageError('give labels or --cases FILE, not both');
  if (values.cases !== undefined && values['verify.receivers'] !== undefined) {
    throw new UsageError('--verify.receivers is for one label set; with --cases, each case has its expect');
  }
  const tree = loadTree(io, values);
  if (values.cases !== undefined) return testCases(io, values.cases, tree, at);
  return testLabels(io, positionals, tree, at, values['verify.receivers']);
}

/** `alertscale routes show` and `alertscale routes test`: the route tree, as amtool prints and tests it. */
export const routesCommand: Command = {
  name: 'routes',
  summary: 'show the route tree or test where alerts go, like `amtool config routes`',
  usage: USAGE,
  help: HELP,
  run: async (args, io) => {
    const [subcommand, ...rest] = args;
    if (subcommand === 'test') return test(rest, io);
    if (subcommand === 'show') return show(rest, io);
    // As in amtool, `routes` without a subcommand shows the tree.
    if (subcommand === undefined || subcommand.startsWith('-')) return show(args, io);
    throw new UsageError(`unknown routes subcommand "${subcommand}": show or test`);
  },
};
