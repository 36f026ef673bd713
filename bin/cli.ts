import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../lambdas/shared/config/load';
import { LocalStartError } from '../lambdas/local/http-server';
import { serve } from '../lambdas/local/serve';
import { routesTest } from './commands/routes-test';

const USAGE = `usage: alertscale <command>

  serve [--config FILE] [--port N] [--host H] [--data-dir DIR]
        run the whole pipeline locally (what \`npm start\` runs); env: CONFIG, PORT, HOST, WEBHOOK_TOKEN, DATA_DIR
  check CONFIG
        validate a configuration file; prints every problem with its key path
  routes test --config CONFIG label=value ...
        print the receivers an alert with these labels is routed to, like \`amtool config routes test\`
  pause | resume [--url URL]
        flip the kill switch of a running local mode (scale actions are recorded as paused meanwhile)
`;

export const DEFAULT_CONFIG = 'config/alertscale.yml';

type Io = { out: (text: string) => void; err: (text: string) => void };
const processIo: Io = { out: (t) => process.stdout.write(`${t}\n`), err: (t) => process.stderr.write(`${t}\n`) };

async function runServe(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { config: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, 'data-dir': { type: 'string' } },
  });
  const port = Number(values.port ?? process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    io.err(`PORT must be a port number, got "${values.port ?? process.env.PORT}"`);
    return 2;
  }
  const running = await serve({
    configPath: values.config ?? process.env.CONFIG ?? DEFAULT_CONFIG,
    port,
    host: values.host ?? process.env.HOST ?? '127.0.0.1',
    token: process.env.WEBHOOK_TOKEN,
    dataDir: values['data-dir'] ?? process.env.DATA_DIR,
    out: io.out,
  });
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  io.out('stopping');
  await running.stop();
  return 0;
}

async function runPause(paused: boolean, args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args, options: { url: { type: 'string' } } });
  const base = values.url ?? `http://127.0.0.1:${process.env.PORT ?? 8080}`;
  const response = await fetch(`${base}/api/pause`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${process.env.WEBHOOK_TOKEN ?? ''}`, 'content-type': 'application/json' },
    body: JSON.stringify({ paused }),
  });
  const text = await response.text();
  if (!response.ok) {
    io.err(`${base} answered ${response.status}: ${text}`);
    return 1;
  }
  io.out(paused ? 'scaling paused: scale actions are recorded as paused and change nothing; paging still works' : 'scaling resumed');
  return 0;
}

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await runServe(rest, io);
      case 'check': {
        const path = rest[0];
        if (!path) {
          io.err('usage: alertscale check CONFIG');
          return 2;
        }
        const { config, warnings } = loadConfig(path);
        warnings.forEach((warning) => io.err(`warning: ${warning}`));
        io.out(`${path}: valid (${config.node_groups.length} node groups, ${config.receivers.length} receivers)`);
        return 0;
      }
      case 'routes': {
        if (rest[0] !== 'test') {
          io.err('usage: alertscale routes test --config CONFIG label=value ...');
          return 2;
        }
        const result = routesTest(rest.slice(1), (path) => loadConfig(path).config.route);
        if (result.output) process.stdout.write(result.output);
        if (result.stderr) process.stderr.write(result.stderr);
        return result.exitCode;
      }
      case 'pause':
      case 'resume':
        return await runPause(command === 'pause', rest, io);
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        io.err(`unknown command "${command}"\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    // Known errors are for people: their message, no stack trace.
    if (error instanceof ConfigError || error instanceof LocalStartError) {
      io.err(error.message);
      return 1;
    }
    if (error instanceof TypeError && /parseArgs|Unknown option|ERR_PARSE_ARGS/.test(`${(error as NodeJS.ErrnoException).code} ${error.message}`)) {
      io.err(`${error.message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}
