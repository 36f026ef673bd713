import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY, postJson, parseRetryAfter, retryDelay, type HttpPostContext, type PostFetch } from '../../../lambdas/adapters/http/http-post';
import { describeFailure } from '../../../lambdas/adapters/http/redact';
import { recordingSleep } from './support';

const now = Date.parse('2026-01-01T10:00:00Z');

function context(fetch: PostFetch, overrides: Partial<HttpPostContext> = {}): HttpPostContext {
  return { fetch, retry: { ...DEFAULT_RETRY, attempts: 3 }, sleep: recordingSleep().sleep, now: () => now, random: () => 0.5, ...overrides };
}

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('7', now)).toBe(7000);
  });

  it('reads an HTTP date as the time left until it', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 10:00:30 GMT', now)).toBe(30_000);
  });

  it('never asks for a negative wait for a date in the past', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 09:00:00 GMT', now)).toBe(0);
  });

  it('ignores an absent or unreadable header', () => {
    expect([parseRetryAfter(null, now), parseRetryAfter('soon', now)]).toEqual([undefined, undefined]);
  });
});

describe('retryDelay', () => {
  const settings = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 };

  it('draws the backoff uniformly below base × 2^(attempt − 1) (full jitter)', () => {
    expect([retryDelay(1, undefined, settings, () => 0.999), retryDelay(3, undefined, settings, () => 0.5)]).toEqual([99.9, 200]);
  });

  it('never waits longer than maxDelayMs for backoff', () => {
    expect(retryDelay(10, undefined, settings, () => 1)).toBe(1000);
  });

  it('waits what Retry-After asks, up to maxRetryAfterMs', () => {
    expect([retryDelay(1, 3000, settings, () => 0), retryDelay(1, 60_000, settings, () => 0)]).toEqual([3000, 5000]);
  });
});

describe('postJson', () => {
  const secretUrl = 'https://hooks.slack.example/services/T1/B1/very-secret-token';

  it('describes a network failure by the peer origin and error code, never the URL path', async () => {
    const failing = (async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error(`connect ECONNRESET ${secretUrl}`), { code: 'ECONNRESET' }) });
    }) as typeof fetch;

    const result = await postJson({ url: secretUrl, body: '{}', headers: () => ({}), timeoutMs: 100, secrets: [] }, context(failing));

    expect(result).toEqual({ ok: false, transient: true, status: undefined, reason: 'network error (ECONNRESET) from https://hooks.slack.example (after 3 attempts)', attempts: 3 });
  });

  it('redacts a secret the peer echoes in its error body', async () => {
    const echoing = (async () => new Response('invalid routing key pd-key-123456789', { status: 400 })) as typeof fetch;

    const result = await postJson({ url: 'https://events.example.com/v2/enqueue', body: '{}', headers: () => ({}), timeoutMs: 100, secrets: ['pd-key-123456789'] }, context(echoing));

    expect(result).toMatchObject({ ok: false, transient: false, reason: 'HTTP 400 from https://events.example.com: invalid routing key [redacted]' });
  });

  it('does not follow a redirect and does not retry it', async () => {
    let calls = 0;
    const redirecting = (async (_url: string | URL | Request, init?: RequestInit) => {
      calls += 1;
      expect(init?.redirect).toBe('manual');
      return new Response(null, { status: 302, headers: { location: 'https://elsewhere.example.com/' } });
    }) as typeof fetch;

    const result = await postJson({ url: 'https://hook.example.com/a', body: '{}', headers: () => ({}), timeoutMs: 100, secrets: [] }, context(redirecting));

    expect([calls, result.ok, !result.ok && result.transient]).toEqual([1, false, false]);
  });

  it('stops retrying when the next attempt would run past the deadline', async () => {
    let calls = 0;
    const unavailable = (async () => {
      calls += 1;
      return new Response(null, { status: 503, headers: { 'retry-after': '10' } });
    }) as typeof fetch;

    const result = await postJson(
      { url: 'https://hook.example.com/a', body: '{}', headers: () => ({}), timeoutMs: 1000, secrets: [] },
      context(unavailable, { deadline: Date.now() + 5000 }),
    );

    expect(calls).toBe(1);
    expect(result).toMatchObject({ ok: false, transient: true, reason: expect.stringContaining('no time left for another attempt') });
  });

  it('moves basic-auth credentials from the URL to an Authorization header', async () => {
    const seen: { url?: string; authorization?: string } = {};
    const capturing = (async (url: string | URL | Request, init?: RequestInit) => {
      seen.url = String(url);
      seen.authorization = (init?.headers as Record<string, string>).authorization;
      return new Response(null, { status: 204 });
    }) as typeof fetch;

    await postJson({ url: 'https://user:p%40ss@hook.example.com/a', body: '{}', headers: () => ({}), timeoutMs: 100, secrets: [] }, context(capturing));

    expect(seen).toEqual({ url: 'https://hook.example.com/a', authorization: `Basic ${Buffer.from('user:p@ss').toString('base64')}` });
  });
});

describe('postJson: retryStatuses', () => {
  it('retries a status the request names besides 429 and 5xx, and no other', async () => {
    const statuses = [403, 403, 204];
    let calls = 0;
    const throttling: PostFetch = async () => new Response(null, { status: statuses[calls++] ?? 204 });
    const request = { url: 'https://events.example.com/generic/2010-04-15/create_event.json', body: '{}', headers: () => ({}), timeoutMs: 100, secrets: [] };

    const named = await postJson({ ...request, retryStatuses: [403] }, context(throttling));
    calls = 0;
    const unnamed = await postJson(request, context(throttling));

    expect([named.ok, named.attempts, unnamed.ok, unnamed.attempts]).toEqual([true, 3, false, 1]);
  });
});

describe('describeFailure', () => {
  const fetchFailed = (code: string) => new TypeError('fetch failed', { cause: Object.assign(new Error(`${code}: something about https://secret.example/path`), { code }) });

  it.each(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID'])('names %s a TLS certificate error', (code) => {
    expect(describeFailure(fetchFailed(code))).toBe(`TLS certificate error (${code})`);
  });

  it('names other system errors network errors', () => {
    expect([describeFailure(fetchFailed('ECONNRESET')), describeFailure(fetchFailed('EPROTO'))]).toEqual(['network error (ECONNRESET)', 'network error (EPROTO)']);
  });
});
