import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request a fake peer received. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A real HTTP server on 127.0.0.1 that records requests and answers as the test scripts it. */
export interface FakePeer {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  readonly json: <T = unknown>(index: number) => T;
  close(): Promise<void>;
}

/** Starts a fake peer; `answer` gets the request's index (0-based) and writes the response. */
export async function startFakePeer(
  answer: (response: ServerResponse, index: number, request: ReceivedRequest) => void = (r) => r.writeHead(202).end('{"status":"success"}'),
): Promise<FakePeer> {
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(received);
      answer(res, requests.length - 1, received);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    json: <T>(index: number) => JSON.parse(requests[index]?.body ?? 'null') as T,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An event PagerDuty's Events API v2 was sent. */
export interface PagerdutyRequest {
  readonly routing_key: string;
  readonly event_action: 'trigger' | 'resolve';
  readonly dedup_key: string;
  readonly payload?: { readonly summary: string; readonly severity: string };
}

/** A fake PagerDuty Events API v2 on loopback (`url` is its enqueue endpoint) that keeps every event it is sent. */
export interface FakePagerduty {
  readonly url: string;
  readonly events: PagerdutyRequest[];
  readonly dedupKeys: string[];
  close(): Promise<void>;
}

export async function fakePagerduty(): Promise<FakePagerduty> {
  const peer = await startFakePeer((response, _index, request) => {
    const event = JSON.parse(request.body) as PagerdutyRequest;
    response.writeHead(202, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: event.dedup_key }));
  });
  const events = () => peer.requests.map((request) => JSON.parse(request.body) as PagerdutyRequest);
  return {
    url: `${peer.url}/v2/enqueue`,
    get events() {
      return events();
    },
    get dedupKeys() {
      return events().map((event) => event.dedup_key);
    },
    close: () => peer.close(),
  };
}
