import { startServer } from './http';

/** A loopback stand-in for PagerDuty's Events API v2 that counts what it is sent. */
export async function startFakePagerduty() {
  let requests = 0;
  const dedupKeys = new Map<string, number>();
  const server = await startServer((_request, body, res) => {
    requests++;
    let dedupKey = '';
    try {
      const event = JSON.parse(body) as { dedup_key?: string; event_action?: string };
      dedupKey = `${event.event_action}:${event.dedup_key}`;
    } catch {
      // Counted as a request all the same.
    }
    dedupKeys.set(dedupKey, (dedupKeys.get(dedupKey) ?? 0) + 1);
    res.writeHead(202, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: dedupKey }));
  });
  return {
    url: `${server.url}/v2/enqueue`,
    /** Requests received, and distinct (action, dedup key) pairs among them. */
    counts: () => ({ requests, distinct: dedupKeys.size }),
    reset: () => {
      requests = 0;
      dedupKeys.clear();
    },
    close: server.close,
  };
}
