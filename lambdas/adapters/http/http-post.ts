import { describeFailure, redactSecrets, safeOrigin } from './redact';
import { fullJitter } from '../../shared/backoff';

/**
 * How a notifier retries a transient failure. Tests shrink the delays; the
 * stack sizes the notifier Lambda's timeout (and so its queue's visibility
 * timeout) from {@link worstCaseSendMs} of the longest channel `timeout` in
 * the configuration, plus a margin.
 */
export interface RetrySettings {
  /** Attempts per delivery, the first included. */
  readonly attempts: number;
  /** Base of the exponential backoff, in ms; each wait is uniform in [0, base × 2^(n−1)] (full jitter). */
  readonly baseDelayMs: number;
  /** Upper bound of one backoff wait, in ms. */
  readonly maxDelayMs: number;
  /** Upper bound of a wait a peer asks for with `Retry-After`, in ms. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetrySettings = {
  attempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 20_000,
};

/**
 * The longest one delivery can take with these settings when every attempt
 * runs into its timeout and every wait is the longest allowed:
 * `attempts × timeoutMs + (attempts − 1) × max(maxRetryAfterMs, maxDelayMs)`.
 * With the defaults and a 10 s timeout, 4 × 10 s + 3 × 20 s = 100 s. Pure, so
 * the stack can size the notifier from it at synth time.
 */
export function worstCaseSendMs(retry: RetrySettings, timeoutMs: number): number {
  const longestWait = Math.max(retry.maxRetryAfterMs, retry.maxDelayMs);
  return retry.attempts * timeoutMs + Math.max(0, retry.attempts - 1) * longestWait;
}

/** The outcome of delivering one request, after any retries. */
export type HttpPostResult =
  | { readonly ok: true; readonly status: number; readonly attempts: number }
  | {
      readonly ok: false;
      /** True when retrying later may succeed (429, 5xx, network, timeout); false for other 4xx and 3xx. */
      readonly transient: boolean;
      readonly status?: number | undefined;
      /** Safe to log: the peer's origin, the status and a redacted snippet of its answer. */
      readonly reason: string;
      readonly attempts: number;
    };

/** One JSON POST to a peer. `headers` is called per attempt, so a signature can carry a fresh timestamp. */
export interface HttpPostRequest {
  readonly url: string;
  readonly body: string;
  readonly headers: () => Record<string, string>;
  readonly timeoutMs: number;
  /** Values that must never appear in a reason (keys, the URL itself when it is the secret). */
  readonly secrets: readonly (string | undefined)[];
  /**
   * Statuses retried besides 429 and 5xx, for a peer that documents another
   * one as "slow down" (PagerDuty's Events API v1 answers 403). @default - none
   */
  readonly retryStatuses?: readonly number[];
}

/**
 * As much of `fetch` as delivery uses: a POST with headers, a string body, an
 * abort signal and `redirect: 'manual'`. Global `fetch` is one; `tlsFetch`
 * (for a config with TLS settings) another.
 */
export type PostFetch = (url: string, init: RequestInit) => Promise<Response>;

/** What delivery needs from its surroundings; injected so tests control time and randomness. */
export interface HttpPostContext {
  readonly fetch: PostFetch;
  readonly retry: RetrySettings;
  readonly sleep: (ms: number) => Promise<void>;
  /** Wall-clock now, used to read a `Retry-After` HTTP date. */
  readonly now: () => number;
  readonly random: () => number;
  /**
   * Epoch ms after which no further attempt may start (the Lambda's remaining
   * time less a margin): better to hand the record back to SQS than be killed mid-send.
   */
  readonly deadline?: number | undefined;
}

/**
 * The wait a `Retry-After` header asks for, in ms: delta-seconds or an HTTP
 * date (RFC 9110 §10.2.3). `undefined` when absent or unreadable; never negative.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** The wait before attempt `attempt + 1`: the peer's `Retry-After` (capped), else full-jitter backoff. */
export function retryDelay(attempt: number, retryAfterMs: number | undefined, settings: RetrySettings, random: () => number): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, settings.maxRetryAfterMs);
  return fullJitter(attempt, settings.baseDelayMs, settings.maxDelayMs, random);
}

/** Whether a status is worth retrying: 429 and 5xx, as the peers we talk to document them. */
export function isTransientStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

// Basic auth in a URL is how Alertmanager users write it; fetch refuses such URLs, so move it to a header.
function splitCredentials(url: string): { url: string; authorization?: string } {
  const parsed = new URL(url);
  if (parsed.username === '' && parsed.password === '') return { url };
  const authorization = `Basic ${Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64')}`;
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString(), authorization };
}

async function snippet(response: Response, secrets: readonly (string | undefined)[]): Promise<string> {
  try {
    const text = (await response.text()).replace(/\s+/g, ' ').trim().slice(0, 200);
    return text ? `: ${redactSecrets(text, secrets)}` : '';
  } catch {
    return '';
  }
}

/**
 * POSTs a JSON body with a per-request timeout, retrying 429, 5xx, network
 * errors and timeouts with exponential backoff and full jitter (or the wait
 * the peer asks for in `Retry-After`, capped), and never retrying other 4xx.
 * Never throws for a peer's failure: the result says what happened, in words
 * that name the peer's origin only, so they can be logged and recorded.
 */
export async function postJson(request: HttpPostRequest, context: HttpPostContext): Promise<HttpPostResult> {
  const origin = safeOrigin(request.url);
  const secrets = [...request.secrets, request.url];
  let target: { url: string; authorization?: string };
  try {
    target = splitCredentials(request.url);
  } catch {
    return { ok: false, transient: false, reason: `invalid URL for ${origin}`, attempts: 0 };
  }
  const { retry } = context;
  let reason = 'not attempted';
  let status: number | undefined;
  let attempt = 0;
  while (attempt < retry.attempts) {
    attempt += 1;
    let retryAfterMs: number | undefined;
    try {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...request.headers() };
      if (target.authorization) headers.authorization = target.authorization;
      const response = await context.fetch(target.url, {
        method: 'POST',
        headers,
        body: request.body,
        signal: AbortSignal.timeout(request.timeoutMs),
        // A redirect would replay a signed body somewhere we were not told to send it.
        redirect: 'manual',
      });
      status = response.status;
      if (status >= 200 && status < 300) {
        await response.body?.cancel();
        return { ok: true, status, attempts: attempt };
      }
      reason = `HTTP ${status} from ${origin}${await snippet(response, secrets)}`;
      if (!isTransientStatus(status) && !request.retryStatuses?.includes(status)) return { ok: false, transient: false, status, reason, attempts: attempt };
      retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), context.now());
    } catch (error) {
      status = undefined;
      reason = `${describeFailure(error)} from ${origin}`;
    }
    if (attempt >= retry.attempts) break;
    const delay = retryDelay(attempt, retryAfterMs, retry, context.random);
    if (context.deadline !== undefined && Date.now() + delay + request.timeoutMs > context.deadline) {
      reason = `${reason}; no time left for another attempt`;
      break;
    }
    await context.sleep(delay);
  }
  return { ok: false, transient: true, status, reason: `${reason} (after ${attempt} attempt${attempt === 1 ? '' : 's'})`, attempts: attempt };
}
