import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, parseFlags, UsageError, type Command } from './command';
import type { Io } from './io';

/**
 * `alertscale pause` and `alertscale resume`: the kill switch of a running
 * local mode (`PUT /api/pause`). While paused, scale actions are recorded
 * with outcome `paused` and change nothing; paging still works.
 */

const FLAGS = { url: { type: 'string' }, token: { type: 'string' } } as const;

/** How long to wait for local mode's answer: it answers at once, so more means something is wrong. */
const TIMEOUT_MS = 10_000;

const helpFor = (name: string, what: string) => `usage: alertscale ${name} [--url URL] [--token TOKEN]

${what}

Flags:
  --url URL      the running local mode (default http://127.0.0.1:$PORT, PORT defaulting to 8080)
  --token TOKEN  its API token (default $API_TOKEN, then $WEBHOOK_TOKEN, as local mode falls back)
  -h, --help     show this help

Exit codes: 0 done, 1 refused or not reachable, 2 bad usage or no token.`;

/** The error code behind a failed `fetch`: undici wraps it in `cause`, sometimes in an AggregateError. */
function networkCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: string; errors?: { code?: string }[] } }).cause;
  return cause?.code ?? cause?.errors?.[0]?.code;
}

/** What undici says went wrong when there is no error code (`bad port`), else the error's own message. */
const causeMessage = (error: unknown) => (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;

/** Why the request never got an answer, in words, with what to do. */
function unreachable(base: string, error: unknown): string {
  if ((error as Error).name === 'TimeoutError') return `${base} did not answer within ${TIMEOUT_MS / 1000} s`;
  const code = networkCode(error);
  if (code === 'ECONNREFUSED') return `nothing is listening on ${base}; start it with npm start`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot find the host of ${base} (${code})`;
  return `cannot reach ${base}: ${code ?? causeMessage(error)}`;
}

function baseUrl(flag: string | undefined, env: Io['env']): string {
  const base = (flag ?? `http://127.0.0.1:${env.PORT || 8080}`).replace(/\/+$/, '');
  if (!URL.canParse(base) || !/^https?:$/.test(new URL(base).protocol)) {
    throw new UsageError(`--url must be an http URL such as http://127.0.0.1:8080, got "${base}"`);
  }
  return base;
}

async function setPaused(paused: boolean, args: readonly string[], io: Io): Promise<number> {
  const { values } = parseFlags(args, FLAGS);
  const base = baseUrl(values.url, io.env);
  const token = values.token || io.env.API_TOKEN || io.env.WEBHOOK_TOKEN;
  if (!token) {
    io.err('no token: pass --token or set API_TOKEN');
    return EXIT_USAGE;
  }
  let response: Response;
  try {
    response = await io.fetch(`${base}/api/pause`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ paused }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    io.err(unreachable(base, error));
    return EXIT_FAILED;
  }
  const text = await response.text();
  if (response.status === 401) {
    io.err(`the server refused the token (${base} answered 401): pass the token local mode was started with (--token, API_TOKEN or WEBHOOK_TOKEN)`);
    return EXIT_FAILED;
  }
  if (!response.ok) {
    io.err(`${base} answered ${response.status}: ${text}`);
    return EXIT_FAILED;
  }
  io.out(paused ? 'scaling paused: scale actions are recorded as paused and change nothing; paging still works' : 'scaling resumed');
  return EXIT_OK;
}

/** `alertscale pause`: stops scaling in a running local mode. */
export const pauseCommand: Command = {
  name: 'pause',
  summary: 'stop scaling in a running local mode (scale actions are recorded as paused)',
  usage: 'usage: alertscale pause [--url URL] [--token TOKEN]',
  help: helpFor('pause', 'Flips the kill switch of a running local mode on: scale actions are recorded with\noutcome "paused" and change nothing; paging and webhooks still work. `resume` undoes it.'),
  run: (args, io) => setPaused(true, args, io),
};

/** `alertscale resume`: scales again after `pause`. */
export const resumeCommand: Command = {
  name: 'resume',
  summary: 'scale again after pause',
  usage: 'usage: alertscale resume [--url URL] [--token TOKEN]',
  help: helpFor('resume', 'Flips the kill switch of a running local mode off: scale actions apply again.'),
  run: (args, io) => setPaused(false, args, io),
};
