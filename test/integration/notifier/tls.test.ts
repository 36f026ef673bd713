import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type ServerOptions } from 'node:https';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RETRY, postJson } from '../../../lambdas/adapters/http/http-post';
import { tlsFetch } from '../../../lambdas/adapters/http/tls-fetch';
import type { NotifierDeps } from '../../../lambdas/notifier/notifier';
import type { Config } from '../../../lambdas/shared/config/schema';
import { allLogLines as capturedLogLines } from '../../support/fakes/log';
import { configFrom, fakeNotifierDeps, notifierFrom, notifyRequest, onlyAlert, recordingSleep, sqsEvent, sqsRecord, startFakePeer, TEST_SECRETS } from '../../unit/notifier/support';

/*
 * http_config's tls_config against a real HTTPS server on loopback, with a CA
 * made for this run by openssl: the server's certificate is trusted only
 * through ca_file, a client certificate is presented when configured, and
 * failures read as certificate errors.
 */

/** The PEM files of this run: a CA, a server certificate for 127.0.0.1, one for cp.internal only, and a client certificate. */
interface Pki {
  readonly dir: string;
  readonly file: (name: string) => string;
  readonly pem: (name: string) => string;
}

const OPENSSL_CONFIG = `
[req]
distinguished_name = dn
prompt = no
[dn]
CN = placeholder
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
[named]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:cp.internal
[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
`;

/** Makes the CA and the certificates it signs, with EC keys (fast on a small machine). */
function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'alertscale-tls-'));
  const file = (name: string) => join(dir, name);
  writeFileSync(file('openssl.cnf'), OPENSSL_CONFIG);
  const req = (name: string, cn: string, extensions: string, signer: string[]) =>
    execFileSync('openssl', ['req', '-x509', '-config', file('openssl.cnf'), '-extensions', extensions, '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', file(`${name}.key`), '-out', file(`${name}.pem`), '-days', '1', '-subj', `/CN=${cn}`, ...signer], { stdio: 'pipe' });
  req('ca', 'alertscale test CA', 'ca', []);
  const byCa = ['-CA', file('ca.pem'), '-CAkey', file('ca.key')];
  req('server', 'alertscale test server', 'server', byCa);
  req('named', 'cp.internal', 'named', byCa);
  req('client', 'alertscale-client', 'client', byCa);
  return { dir, file, pem: (name) => readFileSync(file(name), 'utf8') };
}

interface TlsRequest {
  readonly headers: IncomingHttpHeaders;
  /** The subject CN of the client certificate presented, if any. */
  readonly clientCertificate: string | undefined;
}

interface HttpsPeer {
  readonly url: string;
  readonly requests: TlsRequest[];
  close(): Promise<void>;
}

/** Every server a test started, closed after it. */
const peers: { close(): Promise<void> }[] = [];
let pki: Pki;

/** A real HTTPS server on 127.0.0.1 with `options` (its certificate, whether it asks for a client's), answering as the test scripts it. */
async function httpsPeer(options: ServerOptions, answer: (response: ServerResponse, index: number) => void = (r) => r.writeHead(204).end()): Promise<HttpsPeer> {
  const requests: TlsRequest[] = [];
  const server = createServer(options, (req, res) => {
    req.resume();
    req.on('end', () => {
      const peerCertificate = (req.socket as TLSSocket).getPeerCertificate();
      requests.push({ headers: req.headers, clientCertificate: peerCertificate?.subject?.CN as string | undefined });
      answer(res, requests.length - 1);
    });
  });
  // A refused handshake is the client's failure to report, not the server's.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const peer = {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  peers.push(peer);
  return peer;
}

const serverCert = () => ({ cert: pki.pem('server.pem'), key: pki.pem('server.key') });

/** A webhook config posting to `url` with these `http_config` lines (YAML, indented under http_config). */
function webhookWith(url: string, httpConfig: string, extra = ''): Config {
  return configFrom(`
route: { receiver: cp }
receivers:
  - name: cp
    webhook_configs:
      - url: ${url}/alerts
        signing_key: ${TEST_SECRETS.signingKey}
${extra}        http_config:
${httpConfig}
`);
}

function notifierFor(config: Config, overrides: Partial<NotifierDeps> = {}) {
  const fakes = fakeNotifierDeps(config, { fetch: globalThis.fetch, ...overrides });
  return { ...fakes, notify: notifierFrom(fakes.deps) };
}

async function sendOne(config: Config, overrides: Partial<NotifierDeps> = {}) {
  const { notify, decisions, waits } = notifierFor(config, overrides);
  const request = notifyRequest({ channel: 'webhook', receiver: 'cp' });
  const result = await notify(sqsEvent(sqsRecord(request, 'm-tls')));
  return { result, action: decisions.action(onlyAlert(request).decisionId), waits };
}

beforeAll(() => {
  pki = makePki();
});

afterEach(async () => {
  await Promise.all(peers.splice(0).map((peer) => peer.close()));
});

afterAll(() => {
  rmSync(pki.dir, { recursive: true, force: true });
});

describe('tls_config', () => {
  it('sends to a server whose certificate the ca_file vouches for', async () => {
    const server = await httpsPeer(serverCert());

    const { result, action } = await sendOne(webhookWith(server.url, `          tls_config: { ca_file: '${pki.file('ca.pem')}' }`));

    expect([server.requests.length, result.batchItemFailures]).toEqual([1, []]);
    expect(action).toMatchObject({ outcome: 'sent', detail: 'HTTP 204' });
  });

  it('trusts a CA given inline as ca', async () => {
    const server = await httpsPeer(serverCert());
    const ca = pki.pem('ca.pem').trim().split('\n').map((line) => `              ${line}`).join('\n');

    const { action } = await sendOne(webhookWith(server.url, `          tls_config:\n            ca: |\n${ca}`));

    expect(action?.outcome).toBe('sent');
  });

  it('fails as a certificate error without the CA, and fails the record for a retry', async () => {
    const server = await httpsPeer(serverCert());

    const { result, action } = await sendOne(webhookWith(server.url, `          tls_config: { min_version: TLS12 }`));

    expect(server.requests).toHaveLength(0);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-tls' }]);
    expect(action?.detail).toMatch(/^TLS certificate error \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\) from https:\/\/127\.0\.0\.1:\d+ \(after 3 attempts\)$/);
  });

  it('names the certificate error the same way when there is no tls_config and global fetch sends', async () => {
    const server = await httpsPeer(serverCert());
    const config = configFrom(`
route: { receiver: cp }
receivers: [{ name: cp, webhook_configs: [{ url: '${server.url}/alerts' }] }]
`);

    const { action } = await sendOne(config);

    expect(action?.detail).toMatch(/^TLS certificate error \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\) from https:\/\/127\.0\.0\.1:\d+ \(after 3 attempts\)$/);
  });

  it('sends to an unverifiable server with insecure_skip_verify', async () => {
    const server = await httpsPeer(serverCert());

    const { action } = await sendOne(webhookWith(server.url, `          tls_config: { insecure_skip_verify: true }`));

    expect([server.requests.length, action?.outcome]).toEqual([1, 'sent']);
  });

  it('checks the certificate against server_name instead of the URL host', async () => {
    const named = { cert: pki.pem('named.pem'), key: pki.pem('named.key') };
    const [withName, withoutName] = [await httpsPeer(named), await httpsPeer(named)];

    const sent = await sendOne(webhookWith(withName.url, `          tls_config: { ca_file: '${pki.file('ca.pem')}', server_name: cp.internal }`));
    const refused = await sendOne(webhookWith(withoutName.url, `          tls_config: { ca_file: '${pki.file('ca.pem')}' }`));

    expect([sent.action?.outcome, withName.requests.length]).toEqual(['sent', 1]);
    expect(refused.action?.detail).toMatch(/^TLS certificate error \(ERR_TLS_CERT_ALTNAME_INVALID\)/);
  });

  it('presents the configured client certificate to a server that requires one, with the authorization header', async () => {
    const server = await httpsPeer({ ...serverCert(), requestCert: true, rejectUnauthorized: true, ca: pki.pem('ca.pem') });
    const tls = `ca_file: '${pki.file('ca.pem')}', cert_file: '${pki.file('client.pem')}', key_file: '${pki.file('client.key')}'`;

    const { action } = await sendOne(webhookWith(server.url, `          authorization: { credentials: ${TEST_SECRETS.bearerToken} }\n          tls_config: { ${tls} }`));

    expect(action?.outcome).toBe('sent');
    expect(server.requests.map((r) => [r.clientCertificate, r.headers.authorization])).toEqual([['alertscale-client', `Bearer ${TEST_SECRETS.bearerToken}`]]);
  });

  it('is refused by a server that requires a client certificate when none is configured', async () => {
    const server = await httpsPeer({ ...serverCert(), requestCert: true, rejectUnauthorized: true, ca: pki.pem('ca.pem') });

    const { action } = await sendOne(webhookWith(server.url, `          tls_config: { ca_file: '${pki.file('ca.pem')}' }`));

    expect([server.requests.length, action?.outcome]).toEqual([0, 'failed']);
  });

  it('holds to max_version: a TLS 1.2 client cannot reach a TLS 1.3-only server', async () => {
    const server = await httpsPeer({ ...serverCert(), minVersion: 'TLSv1.3' });

    const { action } = await sendOne(webhookWith(server.url, `          tls_config: { ca_file: '${pki.file('ca.pem')}', max_version: TLS12 }`));

    expect([server.requests.length, action?.outcome]).toEqual([0, 'failed']);
  });
});

describe('tls_config: delivery as with global fetch', () => {
  const trusted = () => `          tls_config: { ca_file: '${pki.file('ca.pem')}' }`;

  it('retries a 503 after the Retry-After wait', async () => {
    const server = await httpsPeer(serverCert(), (res, index) => (index === 0 ? res.writeHead(503, { 'retry-after': '1' }).end() : res.writeHead(204).end()));

    const { action, waits } = await sendOne(webhookWith(server.url, trusted()));

    expect([server.requests.length, waits, action?.outcome]).toEqual([2, [1000], 'sent']);
  });

  it('does not follow a redirect and does not retry it', async () => {
    const server = await httpsPeer(serverCert(), (res) => res.writeHead(302, { location: 'https://elsewhere.example.com/' }).end());

    const { result, action } = await sendOne(webhookWith(server.url, trusted()));

    expect([server.requests.length, result.batchItemFailures, action?.outcome]).toEqual([1, [], 'failed']);
    expect(action?.detail).toMatch(/^HTTP 302 from https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('gives up on an attempt that takes longer than the config timeout', async () => {
    const server = await httpsPeer(serverCert(), () => undefined);

    const { action } = await sendOne(webhookWith(server.url, trusted(), '        timeout: 200ms\n'), { retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 } });

    expect(server.requests).toHaveLength(2);
    expect(action?.detail).toMatch(/^timed out from https:\/\/127\.0\.0\.1:\d+ \(after 2 attempts\)$/);
  });

  it('sends a plain http: URL with node:http: TLS settings do not apply to it', async () => {
    const plain = await startFakePeer((res) => res.writeHead(204).end());
    peers.push(plain);

    const { action } = await sendOne(webhookWith(plain.url, trusted()));

    expect([plain.requests.length, action?.outcome]).toEqual([1, 'sent']);
    expect(plain.requests[0]?.headers['x-alertscale-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
  });

  it('reads a peer’s error answer for the reason, as with global fetch', async () => {
    const server = await httpsPeer(serverCert(), (res) => res.writeHead(400).end(`invalid token ${TEST_SECRETS.bearerToken}`));
    const http = { fetch: tlsFetch({ ca: pki.pem('ca.pem'), rejectUnauthorized: true }), retry: DEFAULT_RETRY, sleep: recordingSleep().sleep, now: Date.now, random: () => 0 };

    const result = await postJson({ url: `${server.url}/alerts`, body: '{}', headers: () => ({}), timeoutMs: 1000, secrets: [TEST_SECRETS.bearerToken] }, http);

    expect(result).toEqual({ ok: false, transient: false, status: 400, reason: `HTTP 400 from ${server.url}: invalid token [redacted]`, attempts: 1 });
  });
});

describe('secrets', () => {
  it('writes no test secret or private key to any log line of this file', () => {
    const keys = ['client.key', 'server.key'].map((name) => pki.pem(name).split('\n')[1] ?? '');
    const leaks = [...Object.values(TEST_SECRETS), ...keys].flatMap((secret) => capturedLogLines.filter((line) => line.includes(secret)));

    expect(capturedLogLines.length).toBeGreaterThan(5);
    expect(leaks).toEqual([]);
  });
});
