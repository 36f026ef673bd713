// A control plane's side of alertscale's drain, small enough to read in one go: it takes
// alertscale's signed drain requests, drains the node (here: waits; yours cordons it and
// lets its jobs checkpoint, e.g. `kubectl drain`), then confirms, and alertscale lets the
// instance terminate. Beside local mode (config/drain.yml):
//
//   ALERTSCALE_SIGNING_KEY=example-drain-key API_TOKEN=example-token node examples/control-plane/drain-receiver.mjs
//
// PORT (9000) is where it listens; DRAIN_SECONDS (5) how long it "drains".
import { createHmac, timingSafeEqual } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

const TOLERANCE_SECONDS = 5 * 60;

/** true when `signature` is alertscale's signature of `body` at `timestamp`, within five minutes of now. */
export function verifyAlertscaleSignature({ body, timestamp, signature, secret, now = Date.now() }) {
  if (!timestamp || !signature || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(Math.floor(now / 1000) - Number(timestamp)) > TOLERANCE_SECONDS) return false;
  const expected = Buffer.from(`v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`);
  const received = Buffer.from(signature);
  return expected.length === received.length && timingSafeEqual(expected, received);
}

/** Tells alertscale the node is drained: POST the ids the request carried to its confirm URL, with the API token. */
export async function confirmDrain(request, apiToken) {
  const response = await fetch(request.confirm.url, {
    method: request.confirm.method,
    headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(request.confirm.body),
  });
  return { status: response.status, body: await response.text() };
}

/** Starts the receiver; resolves to its server once it listens. */
export function startDrainReceiver({ secret, apiToken, port = 9000, drainSeconds = 5, log = console.log }) {
  const seen = new Set();
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signed = verifyAlertscaleSignature({ body, timestamp: req.headers['x-alertscale-timestamp'], signature: req.headers['x-alertscale-signature'], secret });
      if (!signed) return res.writeHead(401).end();
      // Answer at once; the drain takes as long as it takes, up to the request's deadline.
      res.writeHead(202).end();
      const request = JSON.parse(body);
      // alertscale delivers at least once: the delivery header is the drain id on every retry.
      if (request.kind !== 'drain-requested' || seen.has(req.headers['x-alertscale-delivery'])) return;
      seen.add(req.headers['x-alertscale-delivery']);
      log(`draining ${request.nodeName ?? request.instanceId} of ${request.nodeGroup} (deadline ${request.deadline})`);
      setTimeout(async () => {
        const answer = await confirmDrain(request, apiToken);
        log(`confirmed ${request.instanceId}: HTTP ${answer.status}`);
      }, drainSeconds * 1000);
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

// Run as a program (not imported), also through a symlinked path or one with spaces.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  const secret = process.env.ALERTSCALE_SIGNING_KEY;
  const apiToken = process.env.API_TOKEN;
  if (!secret || !apiToken) {
    console.error('set ALERTSCALE_SIGNING_KEY (the webhook signing_key) and API_TOKEN (alertscale\'s API token)');
    process.exit(2);
  }
  const port = Number(process.env.PORT ?? 9000);
  await startDrainReceiver({ secret, apiToken, port, drainSeconds: Number(process.env.DRAIN_SECONDS ?? 5) });
  console.log(`drain receiver listening on http://127.0.0.1:${port}/drain`);
}
