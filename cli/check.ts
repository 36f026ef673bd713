import { describeReceivers } from '../lambdas/shared/config/describe-receivers';
import { ConfigError, type LoadedConfig } from '../lambdas/shared/config/load';
import { EXIT_FAILED, EXIT_OK, parseFlags, UsageError, type Command } from './command';
import { configPath, readConfig } from './config-path';
import { describeTimeIntervals } from './interval-times';
import type { Io } from './io';
import { plural, reportRefusal } from './problem-lines';
import { formatInZone, timeFlag } from './times';

const USAGE = 'usage: alertscale check [CONFIG | --config CONFIG] [--at TIME]';

const HELP = `${USAGE}

Validates a configuration file — alertscale's, or a whole alertmanager.yml as it is — and
says what alertscale would do with it:
  - every problem, as FILE:LINE:COLUMN: key.path: what is wrong (on stderr);
  - warnings: Alertmanager keys accepted but not used, and what happens instead (on stderr);
  - what each receiver does: scale which node group, page whom, call which webhook;
  - for each time interval, whether it holds now and when it next starts and ends,
    in the interval's own location ("always" or "never" when it does not change).

Flags:
  --config CONFIG  the file to check (or give it as the argument); default $CONFIG,
                   then config/alertscale.yml
  --at TIME        see the time intervals from TIME (RFC 3339) instead of now
  -h, --help       show this help

Exit codes: 0 valid, 1 invalid or unreadable, 2 bad usage.`;

function reportInvalid(io: Io, path: string, error: ConfigError): number {
  reportRefusal(io, path, error, 'invalid');
  return EXIT_FAILED;
}

function reportValid(io: Io, path: string, { config, warnings }: LoadedConfig, from: Date): void {
  warnings.forEach((warning) => io.err(`warning: ${warning}`));
  const counts = [plural(config.node_groups.length, 'node group'), plural(config.receivers.length, 'receiver'), plural(config.time_intervals.length, 'time interval')];
  io.out(`${path}: valid (${counts.join(', ')})`);
  if (config.node_groups.length === 0) {
    io.out('No node_groups: read as a plain alertmanager.yml. alertscale would route, page and call webhooks as below, and has no node group to scale.');
  }
  io.out('');
  io.out('Receivers:');
  describeReceivers(config).forEach((line) => io.out(`  ${line}`));
  if (config.time_intervals.length === 0) return;
  io.out('');
  io.out(`Time intervals, seen from ${formatInZone(from, 'UTC')}:`);
  describeTimeIntervals(config.time_intervals, from).forEach((line) => io.out(`  ${line}`));
}

function checkedFile(values: { config?: string | undefined }, positionals: readonly string[], io: Io): string {
  if (positionals.length > 1) throw new UsageError(`check takes one configuration file, got ${positionals.length}`);
  const [given] = positionals;
  if (given !== undefined && values.config !== undefined) throw new UsageError('give the configuration as CONFIG or --config CONFIG, not both');
  return configPath(given ?? values.config, io.env);
}

/** `alertscale check`: validates a configuration and says what alertscale would do with it. */
export const checkCommand: Command = {
  name: 'check',
  summary: 'validate a configuration (or an alertmanager.yml) and say what it would do',
  usage: USAGE,
  help: HELP,
  run: async (args, io) => {
    const { values, positionals } = parseFlags(args, { config: { type: 'string' }, at: { type: 'string' } }, true);
    const path = checkedFile(values, positionals, io);
    const from = timeFlag('--at', values.at) ?? io.now();
    let loaded: LoadedConfig;
    try {
      loaded = readConfig(io, path);
    } catch (error) {
      if (error instanceof ConfigError) return reportInvalid(io, path, error);
      throw error;
    }
    reportValid(io, path, loaded, from);
    return EXIT_OK;
  },
};
