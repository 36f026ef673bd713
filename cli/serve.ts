import { serve } from '../lambdas/local/serve';
import { EXIT_OK, parseFlags, UsageError, type Command } from './command';
import { configPath } from './config-path';
import type { Io } from './io';

const USAGE = 'usage: alertscale serve [--config CONFIG] [--port N] [--host H] [--data-dir DIR] [--record FILE]';

const HELP = `${USAGE}

Runs the whole pipeline locally, in one process (what \`npm start\` runs): the webhook,
dedupe, routing, the scaler on simulated node groups, the notifier and the /api reads.
Prints the webhook URL, the token, commands to try and the Alertmanager snippet to paste.
Runs until Ctrl-C (SIGINT) or SIGTERM.

Flags, and the environment variable each falls back to:
  --config CONFIG  CONFIG         the configuration (default config/alertscale.yml)
  --port N         PORT           port to listen on (default 8080; 0 picks a free one)
  --host H         HOST           address to listen on (default 127.0.0.1; 0.0.0.0 for other machines)
  --data-dir DIR   DATA_DIR       keep decisions and queued work in DIR (default: in memory)
  --record FILE    RECORD         append each accepted webhook to FILE for \`alertscale replay\`
                                  (rotated to FILE.1 … FILE.5 past 64 MiB each, with a warning)
                   WEBHOOK_TOKEN  the token Alertmanager must send (default: generated and printed)
                   API_TOKEN      the token of /api/*, pause/resume and the drain callback
                                  (default: WEBHOOK_TOKEN)
  -h, --help                      show this help

Exit codes: 0 stopped, 1 could not start (invalid configuration, port in use), 2 bad usage.`;

const FLAGS = {
  config: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  'data-dir': { type: 'string' },
  record: { type: 'string' },
} as const;

function portFrom(text: string): number {
  const port = Number(text);
  if (text.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`the port must be a whole number from 0 to 65535, got "${text}"`);
  }
  return port;
}

async function run(args: readonly string[], io: Io): Promise<number> {
  const { values } = parseFlags(args, FLAGS);
  const { env } = io;
  // Listening for SIGTERM before starting: one that comes as the banner is printed must
  // still stop local mode cleanly rather than kill it mid-write.
  const stopped = io.untilStopped();
  const running = await serve({
    configPath: configPath(values.config, env),
    port: portFrom(values.port ?? (env.PORT || '8080')),
    host: values.host ?? (env.HOST || '127.0.0.1'),
    token: env.WEBHOOK_TOKEN,
    apiToken: env.API_TOKEN || undefined,
    dataDir: values['data-dir'] ?? (env.DATA_DIR || undefined),
    record: values.record ?? (env.RECORD || undefined),
    out: (line) => io.out(line),
  });
  await stopped;
  io.out('stopping');
  await running.stop();
  return EXIT_OK;
}

/** `alertscale serve`: local mode, the whole pipeline in one process. */
export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the whole pipeline locally (what `npm start` runs)',
  usage: USAGE,
  help: HELP,
  run,
};
