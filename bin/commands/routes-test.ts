import type { RouteConfig } from '../../lambdas/shared/config/schema';
import { parseLabelArgs } from '../../lambdas/shared/routing/label-args';
import { buildRouteTree, matchReceivers } from '../../lambdas/shared/routing/route-tree';

/** Help text of `alertscale routes test`. */
export const ROUTES_TEST_USAGE = `usage: alertscale routes test --config CONFIG [--verify.receivers=LIST] [label=value ...]

Prints the receivers an alert with the given labels is routed to, comma-separated,
in route-tree order, exactly as \`amtool config routes test\` does for the same tree.

Labels are written as amtool takes them: severity=critical, summary="a \\"quoted\\" value".

Flags:
  --config CONFIG            the alertscale configuration file (also --config.file, as in amtool)
  --verify.receivers=LIST    exit 1 unless the receivers printed are exactly LIST
  -h, --help                 show this help
`;

/**
 * What the command printed and how it exits: `output` goes to stdout,
 * `stderr` to stderr. Exit codes: 0 done, 1 bad labels, unusable
 * configuration or a failed `--verify.receivers`, 2 bad usage.
 */
export interface RoutesTestResult {
  readonly output: string;
  readonly stderr: string;
  readonly exitCode: number;
}

interface ParsedArgs {
  readonly config?: string;
  readonly verify?: string;
  readonly help: boolean;
  readonly labels: readonly string[];
}

class UsageError extends Error {
  override readonly name = 'UsageError';
}

const VALUE_FLAGS: Record<string, 'config' | 'verify'> = {
  '--config': 'config',
  '--config.file': 'config',
  '--verify.receivers': 'verify',
};

// Flags may come before, between or after the labels, as kingpin allows in amtool;
// `--` ends the flags. A label cannot start with `-`, so nothing is ambiguous.
function parseArgs(args: readonly string[]): ParsedArgs {
  const values: { config?: string; verify?: string } = {};
  const labels: string[] = [];
  let help = false;
  let flagsDone = false;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (flagsDone || !arg.startsWith('-')) {
      labels.push(arg);
    } else if (arg === '--') {
      flagsDone = true;
    } else if (arg === '-h' || arg === '--help') {
      help = true;
    } else {
      const eq = arg.indexOf('=');
      const flag = eq === -1 ? arg : arg.slice(0, eq);
      const key = VALUE_FLAGS[flag];
      if (key === undefined) throw new UsageError(`unknown flag ${flag}`);
      let value: string | undefined;
      if (eq !== -1) {
        value = arg.slice(eq + 1);
      } else {
        value = args[i + 1];
        i += 1;
      }
      if (value === undefined) throw new UsageError(`${flag} needs a value`);
      values[key] = value;
    }
  }
  return { ...values, help, labels };
}

/**
 * `alertscale routes test --config CONFIG label=value ...`, without the
 * process around it: `args` are the words after `routes test`, `loadRoute`
 * reads a configuration file and returns its validated `route` (the CLI
 * passes `(path) => loadConfig(path).config.route`). Errors it throws are
 * reported with their message and exit code 1.
 */
export function routesTest(args: readonly string[], loadRoute: (path: string) => RouteConfig): RoutesTestResult {
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return { output: '', stderr: `alertscale: error: ${error.message}\n\n${ROUTES_TEST_USAGE}`, exitCode: 2 };
  }
  if (parsed.help) return { output: ROUTES_TEST_USAGE, stderr: '', exitCode: 0 };
  if (parsed.config === undefined) {
    return { output: '', stderr: `alertscale: error: --config is required\n\n${ROUTES_TEST_USAGE}`, exitCode: 2 };
  }

  let labels: Record<string, string>;
  try {
    labels = parseLabelArgs(parsed.labels);
  } catch (error) {
    return { output: '', stderr: `alertscale: error: failed to parse labels: ${(error as Error).message}\n`, exitCode: 1 };
  }

  let receivers: string[];
  try {
    receivers = matchReceivers(buildRouteTree(loadRoute(parsed.config)), labels);
  } catch (error) {
    return { output: '', stderr: `alertscale: error: ${(error as Error).message}\n`, exitCode: 1 };
  }

  const slug = receivers.join(',');
  // As in amtool, an empty --verify.receivers verifies nothing.
  if (parsed.verify !== undefined && parsed.verify !== '' && parsed.verify !== slug) {
    return { output: `${slug}\nWARNING: Expected receivers did not match resolved receivers.\n`, stderr: '', exitCode: 1 };
  }
  return { output: `${slug}\n`, stderr: '', exitCode: 0 };
}
