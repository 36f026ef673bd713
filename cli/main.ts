import { readFileSync } from 'node:fs';
import { ConfigError } from '../lambdas/shared/config/load';
import { LocalStartError } from '../lambdas/local/http-server';
import { WebhookRecordingError } from '../lambdas/local/webhook-recorder';
import { checkCommand } from './check';
import { asksForHelp, EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, type Command } from './command';
import { processIo, type Io } from './io';
import { pauseCommand, resumeCommand } from './pause';
import { replayCommand } from './replay';
import { routesCommand } from './routes';
import { serveCommand } from './serve';

/**
 * The `alertscale` command line: one module per command, dispatched by
 * name. The usage text lists the commands in this order.
 */
const COMMANDS: readonly Command[] = [
  serveCommand,
  checkCommand,
  routesCommand,
  replayCommand,
  pauseCommand,
  resumeCommand,
];

/** The version in package.json, read where the CLI is installed rather than bundled in. */
function version(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

const width = Math.max(...COMMANDS.map((command) => command.name.length)) + 2;

/** What `alertscale --help` prints. */
export const USAGE = `usage: alertscale <command> [flags]

Turns Prometheus Alertmanager notifications into action on a GPU fleet.

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(width)}${command.summary}`).join('\n')}

Flags:
  -h, --help  show this help; \`alertscale <command> --help\` shows a command's
  --version   print the version

CONFIG is --config CONFIG, else $CONFIG, else config/alertscale.yml.
Exit codes: 0 done, 1 failed (invalid configuration, failed test, refused request), 2 bad usage.`;

/** A failure meant for a person: its message is the whole story, no stack trace. */
function isKnownFailure(error: unknown): error is Error {
  return error instanceof ConfigError || error instanceof LocalStartError || error instanceof WebhookRecordingError;
}

async function runCommand(command: Command, args: readonly string[], io: Io): Promise<number> {
  if (asksForHelp(args)) {
    io.out(command.help);
    return EXIT_OK;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`alertscale: error: ${error.message}\n${command.usage}\nRun "alertscale ${command.name} --help" for more.`);
      return EXIT_USAGE;
    }
    if (isKnownFailure(error)) {
      io.err(error.message);
      return EXIT_FAILED;
    }
    throw error;
  }
}

/** Runs the CLI with `argv` (without node and script) and resolves to the exit code. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const [name, ...args] = argv;
  if (name === '--version' || name === 'version') {
    io.out(`alertscale ${version()}`);
    return EXIT_OK;
  }
  if (name === undefined) {
    io.err(USAGE);
    return EXIT_USAGE;
  }
  if (name === '-h' || name === '--help' || name === 'help') {
    const topic = name === 'help' ? COMMANDS.find((command) => command.name === args[0]) : undefined;
    io.out(topic?.help ?? USAGE);
    return EXIT_OK;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command === undefined) {
    io.err(`alertscale: error: unknown command "${name}"\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  return runCommand(command, args, io);
}
