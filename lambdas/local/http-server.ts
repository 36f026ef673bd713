import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createReadApi } from '../api/read-api';
import { createDrainCallbackApi } from '../drain/callback-api';
import { authenticateWithToken } from '../ingest/auth';
import { DEFAULT_MAX_BODY_BYTES } from '../ingest/ingest';
import type { Log } from '../shared/log';
import type { LocalPipeline } from './pipeline';

/** Local mode could not start; the message says why and what to do. */
export class LocalStartError extends Error {
  override readonly name = 'LocalStartError';
}

export interface LocalServerOptions {
  readonly pipeline: LocalPipeline;
  /** The webhook token (what the pipeline's ingest checks); the reads and control routes take it too unless `apiToken` is set. */
  readonly token: string | undefined;
  /** The token of the `/api/*` reads and control routes (operators). @default - the webhook token */
  readonly apiToken?: string | undefined;
  readonly log: Log;
  /** @default 8080 */
  readonly port?: number;
  /** @default 127.0.0.1 */
  readonly host?: string;
  readonly maxBodyBytes?: number;
  /** Further read-only and control routes (node groups, pause, DLQ), by "METHOD /path". */
  readonly routes?: Readonly<Record<string, ControlRoute>>;
}

/** One control route: answers with what it returns, or throws `BadControlRequestError` for a bad request. */
export type ControlRoute = (request: { url: URL; body: string }) => Promise<unknown> | unknown;

export interface LocalServer {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  close(): Promise<void>;
}

class BodyTooLarge extends Error {}

// Reads at most `limit` bytes, so an oversized request is refused without buffering it whole.
function readBody(request: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > limit) {
      reject(new BodyTooLarge(`body is ${declared} bytes; the limit is ${limit}`));
      request.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) {
        reject(new BodyTooLarge(`body is over the limit of ${limit} bytes`));
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, statusCode: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
  response.writeHead(statusCode, { 'content-type': 'application/json', ...headers });
  response.end(text);
}

/** Listens, or says in plain words why it cannot (the port is taken, or too low to be allowed). */
function listen(server: ReturnType<typeof createServer>, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new LocalStartError(`port ${port} on ${host} is already in use; stop what holds it or start with PORT=<another port>`));
      else if (error.code === 'EACCES') reject(new LocalStartError(`not allowed to listen on ${host}:${port}; use a port above 1024 (PORT=8080)`));
      else reject(error);
    });
    server.listen(port, host, () => resolve());
  });
}

/** A control route's answer: 200 with what it returns, 400 for a request it names as bad. */
async function controlAnswer(route: ControlRoute, url: URL, body: string): Promise<{ status: number; body: unknown }> {
  try {
    return { status: 200, body: await route({ url, body }) };
  } catch (error) {
    // Control routes signal a bad request with a named error; anything else is a 500.
    if ((error as Error).name === 'BadControlRequestError') return { status: 400, body: { error: (error as Error).message } };
    throw error;
  }
}

/**
 * The HTTP surface of local mode: the webhook, `GET /healthz`, `GET /metrics`,
 * and the `/api/*` reads and control routes (`POST /api/drain/complete` among
 * them when a node group drains), all but `/healthz` and `/metrics` behind a token.
 */
export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const { pipeline, log } = options;
  const handle = requestHandler(options);
  const server = createServer((request, response) => {
    handle(request, response).catch((error: Error) => {
      log.error('request failed', { error: error.message, stack: error.stack });
      if (!response.headersSent) send(response, 500, { error: 'internal error' });
      else response.end();
    });
  });

  const port = options.port ?? 8080;
  const host = options.host ?? '127.0.0.1';
  await listen(server, port, host);
  const actual = (server.address() as AddressInfo).port;
  pipeline.drain?.setServerUrl(`http://${host}:${actual}`);
  return {
    url: `http://${host}:${actual}`,
    port: actual,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers one request: the routes without a token first, then the webhook, the reads, the drain callback and the control routes. */
function requestHandler(options: LocalServerOptions): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  const { pipeline, log } = options;
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const apiToken = options.apiToken || options.token;
  // The same two reads the AWS api function serves, behind the same token.
  const reads = createReadApi({
    token: async () => apiToken,
    listDecisions: (limit) => pipeline.decisions.listRecent(limit, pipeline.config.settings.decision_ttl),
    nodeGroups: () => pipeline.nodeGroups(),
    log,
  });
  // The control plane's confirmation of a drain, behind the same token, as on AWS.
  const drainCallback = pipeline.drain && createDrainCallbackApi({ token: async () => apiToken, drains: pipeline.drain.confirm, log });

  return async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://local');
    const route = `${request.method} ${url.pathname}`;
    if (await answeredWithoutToken(route, url, request, response, pipeline)) return;

    let body: string;
    try {
      body = await readBody(request, limit);
    } catch (error) {
      if (error instanceof BodyTooLarge) return send(response, 413, { error: error.message }, { connection: 'close' });
      throw error;
    }
    const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]));
    if (route === 'POST /alertmanager') {
      const result = await pipeline.ingest({ headers, body });
      return send(response, result.statusCode, result.body, result.headers);
    }

    const read = await reads({ method: request.method ?? 'GET', path: url.pathname, query: url.searchParams, headers });
    if (read) return send(response, read.statusCode, read.body, read.headers);
    const confirmed = await drainCallback?.({ method: request.method ?? 'GET', path: url.pathname, headers, body });
    if (confirmed) return send(response, confirmed.statusCode, confirmed.body, confirmed.headers);

    const auth = authenticateWithToken(headers.authorization, apiToken);
    if (!auth.ok) return send(response, 401, { error: auth.reason });
    const extra = options.routes?.[route];
    if (extra) {
      const answer = await controlAnswer(extra, url, body);
      return send(response, answer.status, answer.body);
    }
    return send(response, 404, { error: `no route ${route}` });
  };
}

/** `/healthz`, `/metrics` and a webhook request that is not a POST: answered before any body is read or token checked. */
async function answeredWithoutToken(
  route: string,
  url: URL,
  request: IncomingMessage,
  response: ServerResponse,
  pipeline: LocalServerOptions['pipeline'],
): Promise<boolean> {
  if (route === 'GET /healthz') {
    send(response, 200, { status: 'ok' });
    return true;
  }
  // Like Alertmanager's own /metrics: no token, so a Prometheus can scrape it as it is.
  if (route === 'GET /metrics') {
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    response.end(await pipeline.metrics.text());
    return true;
  }
  if (url.pathname === '/alertmanager' && request.method !== 'POST') {
    send(response, 405, { error: `${request.method} is not allowed on /alertmanager; Alertmanager POSTs its notifications here` }, { allow: 'POST' });
    return true;
  }
  return false;
}
