import { ConfigError, type LoadedConfig } from '../lambdas/shared/config/load';
import {
  compareReplays,
  comparisonHtml,
  comparisonText,
  HistoryReadError,
  readHistory,
  replay,
  ReplayStartError,
  reportHtml,
  reportText,
  ScenarioError,
  type History,
  historyInputs,
} from '../lambdas/replay';
import { EXIT_FAILED, EXIT_OK, parseFlags, UsageError, type Command } from './command';
import { configPath, readConfig } from './config-path';
import type { Io } from './io';
import { reportRefusal } from './problem-lines';

const USAGE = 'usage: alertscale replay [--config CONFIG] [--compare CONFIG2] [--start GROUP=N ...] [--html FILE] [--json] INPUT...';

const HELP = `${USAGE}

Rehearses a configuration on history before it acts on the fleet: runs every INPUT, in
receivedAt order, through the same code as the live pipeline — ingest's validation, the
router's dedupe, routes and time intervals, the scaler's guardrails, schedules, budgets,
cooldowns, rate limits, fallbacks and escalations, the notifier's grouping — on a virtual
clock (a day of history in seconds), against simulated node groups that start at their
local.desired. Nothing is sent: every channel is a recorder, and no secret or _file
credential is read. Prints a timeline (time, alert, decision, action, outcome, desired
before → after) and, per node group, actions by outcome, min/max/final desired, node-hours
and, with hourly_cost, cost; then the pages by channel.

INPUT is any mix of files and directories (read recursively):
  - a recording: JSON lines {"receivedAt": ISO, "body": <webhook>}, as serve --record writes
    them (rotated files too: FILE FILE.1 …);
  - captured bus events: Alertmanager Notification events, one JSON event per line, as an
    EventBridge rule's CloudWatch Logs target or Firehose (gzip or not) writes them, or as
    aws logs tail (any --format) and aws logs filter-log-events --output json print them;
    the parts of a split notification are put back together;
  - a scenario (.yml, .yaml): alerts with when they fire and resolve, turned into the
    webhooks Alertmanager would send (see examples/scenarios/).

Bad input: a line that cannot be read, or a webhook ingest would refuse, is skipped and
listed on stderr as FILE:LINE: why; the rest is replayed (a crash can tear a recording's
last line, and a capture may hold other lines: one bad line must not cost a day of history).
A scenario with any problem fails the run, each problem as FILE:LINE:COLUMN: key: why.
Alerts naming node groups the configuration lacks are reported, not failed on.

Flags:
  --config CONFIG    the configuration to replay with (default $CONFIG, then config/alertscale.yml)
  --compare CONFIG2  replay the same history with CONFIG2 too, and print what differs
                     (actions, node-hours, cost, final desired, pages, each decision's outcomes)
  --start GROUP=N    start the simulated group GROUP at N nodes instead of local.desired (repeatable)
  --html FILE        also write a self-contained page: a chart of desired capacity per node
                     group over time with alerts and actions marked, the summary and timeline
  --json             print the report (or the comparison: {a, b, differences, same}) as JSON
  -h, --help         show this help

Exit codes: 0 replayed (skipped lines included), 1 failed (invalid configuration or scenario,
unreadable input, nothing to replay), 2 bad usage.`;

const FLAGS = {
  config: { type: 'string' },
  compare: { type: 'string' },
  start: { type: 'string', multiple: true },
  html: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Problems printed one per line before "and N more": a corrupt file must not flood the terminal. */
const PROBLEM_LINES = 100;

/** `--start gpu-a100=4 --start gpu-l4=0` as sizes by group. */
export function startingSizes(values: readonly string[] = []): Record<string, number> {
  const sizes: Record<string, number> = {};
  for (const value of values) {
    const match = /^([^=]+)=(\d+)$/.exec(value);
    if (!match) throw new UsageError(`--start takes GROUP=N, such as gpu-a100=4, got "${value}"`);
    sizes[match[1]!] = Number(match[2]);
  }
  return sizes;
}

/** The configuration at `path`, or `undefined` after printing why it cannot be used (as check does). */
function configAt(io: Io, path: string): LoadedConfig | undefined {
  try {
    return readConfig(io, path);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    reportRefusal(io, path, error, 'invalid');
    return undefined;
  }
}

/** The history, or `undefined` after printing why there is none to replay. */
function historyAt(io: Io, paths: readonly string[]): History | undefined {
  let history: History;
  try {
    history = readHistory(historyInputs(paths, io));
  } catch (error) {
    if (error instanceof ScenarioError) {
      reportRefusal(io, error.source ?? 'scenario', error, 'invalid scenario');
      return undefined;
    }
    if (error instanceof HistoryReadError) {
      io.err(error.message);
      return undefined;
    }
    throw error;
  }
  history.problems.slice(0, PROBLEM_LINES).forEach((p) => io.err(`${p.file}${p.line === undefined ? '' : `:${p.line}`}: skipped: ${p.message}`));
  if (history.problems.length > PROBLEM_LINES) io.err(`… and ${history.problems.length - PROBLEM_LINES} more skipped (all of them are in --json's problems)`);
  if (history.entries.length === 0) {
    io.err(`nothing to replay: ${paths.join(', ')} held no webhook alertscale could read`);
    return undefined;
  }
  return history;
}

async function run(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags(args, FLAGS, true);
  if (positionals.length === 0) throw new UsageError('give at least one INPUT: a recording, captured bus events, or a scenario');
  const start = startingSizes(values.start);
  const path = configPath(values.config, io.env);
  const config = configAt(io, path);
  const other = values.compare === undefined ? undefined : configAt(io, values.compare);
  if (!config || (values.compare !== undefined && !other)) return EXIT_FAILED;
  const history = historyAt(io, positionals);
  if (!history) return EXIT_FAILED;

  let a, b;
  try {
    a = await replay({ config: config.config, history, start, label: path });
    b = other && values.compare ? await replay({ config: other.config, history, start, label: values.compare }) : undefined;
  } catch (error) {
    if (error instanceof ReplayStartError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
  const comparison = b ? compareReplays(a, b) : undefined;
  if (values.json) io.out(JSON.stringify(comparison ?? a, null, 2));
  else (comparison ? comparisonText(comparison) : reportText(a)).forEach((line) => io.out(line));
  if (values.html !== undefined) {
    io.writeFile(values.html, comparison ? comparisonHtml(comparison) : reportHtml(a));
    io.err(`wrote ${values.html}`);
  }
  return EXIT_OK;
}

/** `alertscale replay`: rehearses a configuration on recorded history or a scenario. */
export const replayCommand: Command = {
  name: 'replay',
  summary: 'rehearse a configuration on recorded history or a scenario, on a virtual clock',
  usage: USAGE,
  help: HELP,
  run,
};
