import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One keep-alive agent per load generator, as Alertmanager keeps its connections open. */
export function keepAliveAgent(maxSockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets });
}

export interface PostResult {
  readonly status: number;
  readonly body: string;
}

/** POSTs a body and resolves with the status and the whole answer. */
export function post(url: string, body: string, headers: Record<string, string>, agent: Agent): Promise<PostResult> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs `count` tasks with at most `concurrency` in flight; resolves when all are done. */
export async function closedLoop(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/**
 * Starts `task` at a fixed rate (per second) for `durationMs`, whatever the
 * answers take (an open loop: a slow server does not slow the arrivals, so
 * queueing shows in the latencies). Resolves once every started task is done.
 */
export async function openLoop(ratePerSecond: number, durationMs: number, task: (index: number) => Promise<void>): Promise<{ started: number }> {
  const interval = 1000 / ratePerSecond;
  const total = Math.floor((durationMs / 1000) * ratePerSecond);
  const start = performance.now();
  const running: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    running.push(task(i));
  }
  await Promise.all(running);
  return { started: total };
}

/** A loopback HTTP server; `handler` answers every request. */
export async function startServer(handler: (req: IncomingMessage, body: string, res: ServerResponse) => void): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handler(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The ceiling: a bare Node HTTP server that reads the body, parses the JSON and
 * answers 200 — what any webhook receiver on this machine must at least do.
 */
export function startBareJsonServer() {
  return startServer((_req, body, res) => {
    try {
      const document = JSON.parse(body) as { alerts?: unknown[] };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ accepted: document.alerts?.length ?? 0 }));
    } catch {
      res.writeHead(400).end();
    }
  });
}
