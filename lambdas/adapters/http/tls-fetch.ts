import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { SecureVersion } from 'node:tls';
import type { PostFetch } from './http-post';

/**
 * TLS settings of one channel config's `http_config.tls_config`, resolved:
 * PEM text in hand (files already read), in the words `node:tls` uses.
 */
export interface TlsSettings {
  /** CA certificates (PEM) to trust instead of the system's. @default - the system's roots */
  readonly ca?: string | undefined;
  /** Client certificate (PEM) presented to the server; with `key`. @default - none */
  readonly cert?: string | undefined;
  /** The client certificate's private key (PEM). @default - none */
  readonly key?: string | undefined;
  /** Name sent as SNI and checked against the server's certificate. @default - the URL's host */
  readonly servername?: string | undefined;
  /** `false` accepts any server certificate (`insecure_skip_verify: true`). */
  readonly rejectUnauthorized: boolean;
  /** @default - Node's default (TLS 1.2) */
  readonly minVersion?: SecureVersion | undefined;
  /** @default - Node's default (TLS 1.3) */
  readonly maxVersion?: SecureVersion | undefined;
}

/** A peer's answer is read up to this much: only a short snippet of an error body is ever used. */
const MAX_BODY_BYTES = 64 * 1024;

// Statuses whose response may not carry a body (the Fetch standard's "null body status").
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

function requestHeaders(headers: RequestInit['headers']): Record<string, string> {
  return Object.fromEntries(new Headers(headers).entries());
}

function responseHeaders(message: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(message.headers)) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
  }
  return headers;
}

/** Reads the answer (up to `MAX_BODY_BYTES`) into a `Response`; a larger body is cut off, and its socket closed. */
function toResponse(message: IncomingMessage): Promise<Response> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      const status = message.statusCode ?? 0;
      if (status < 200 || status > 599) {
        reject(new TypeError('fetch failed', { cause: Object.assign(new Error(`unexpected HTTP status ${status}`), { code: 'UNEXPECTED_STATUS' }) }));
        return;
      }
      const body = NULL_BODY_STATUSES.has(status) ? null : Buffer.concat(chunks);
      resolve(new Response(body, { status, statusText: message.statusMessage ?? '', headers: responseHeaders(message) }));
    };
    message.on('data', (chunk: Buffer) => {
      if (size >= MAX_BODY_BYTES) return;
      chunks.push(chunk.subarray(0, MAX_BODY_BYTES - size));
      size += chunk.length;
      if (size >= MAX_BODY_BYTES) {
        message.destroy();
        done();
      }
    });
    message.on('end', done);
    message.on('error', (error) => reject(new TypeError('fetch failed', { cause: error })));
  });
}

function bodyOf(init: RequestInit): string | Uint8Array | undefined {
  const { body } = init;
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  throw new TypeError('tlsFetch sends only string and byte bodies');
}

/**
 * A `fetch` for one channel config's TLS settings, on `node:https` (global
 * `fetch` takes no TLS options). It does what alertscale's HTTP delivery asks
 * of `fetch` and no more: a request with headers, a string body and an
 * abort signal (the per-attempt timeout), answered with a `Response`. Like
 * `fetch` it rejects with the signal's reason when aborted, and with a
 * `TypeError` whose `cause` carries the system or TLS error code
 * (`ECONNREFUSED`, `SELF_SIGNED_CERT_IN_CHAIN`) otherwise, so a failure is
 * described and retried exactly as one of global `fetch`. It never follows a
 * redirect (alertscale asks for `redirect: 'manual'` anyway). A plain
 * `http:` URL is sent with `node:http`: TLS settings do not apply to it, as
 * in Alertmanager.
 */
export function tlsFetch(tls: TlsSettings): PostFetch {
  return (url, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const signal = init.signal ?? undefined;
      const fail = (error: unknown) => reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: error }));
      try {
        const target = new URL(url);
        const options = { method: init.method ?? 'GET', headers: requestHeaders(init.headers), signal };
        const request =
          target.protocol === 'https:'
            ? httpsRequest(target, { ...options, ...withoutUndefined(tls) }, (message) => toResponse(message).then(resolve, fail))
            : httpRequest(target, options, (message) => toResponse(message).then(resolve, fail));
        request.on('error', fail);
        request.end(bodyOf(init));
      } catch (error) {
        fail(error);
      }
    });
}

// Only the settings given, so that Node's own defaults hold for the rest.
function withoutUndefined(tls: TlsSettings): Partial<TlsSettings> {
  return Object.fromEntries(Object.entries(tls).filter(([, value]) => value !== undefined));
}
