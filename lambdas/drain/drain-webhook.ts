import { postJson, type HttpPostContext, type PostFetch } from '../adapters/http/http-post';
import type { TlsSettings } from '../adapters/http/tls-fetch';
import { DELIVERY_HEADER, signatureHeaders, webhookSender } from '../notifier/channels/webhook';
import { authHeaders, type ChannelSender } from '../notifier/channels/sender';
import type { CredentialReader } from '../notifier/http-config';
import { sendSettings } from '../notifier/send-settings';
import type { Clock } from '../shared/clock';
import type { ReceiverConfig } from '../shared/config/schema';
import type { DrainSend } from '../shared/drain-events';
import type { Log } from '../shared/log';
import type { DrainRecord } from './ports';

/**
 * The control plane's side of a drain: one signed JSON POST per webhook of
 * the drain receiver, saying which node to drain, by when, and how to say it
 * is done. Signed exactly as alertscale's alert webhooks are (HMAC-SHA256,
 * keyed with the webhook's signing key, over `<timestamp>.<body>`, in
 * `X-Alertscale-Signature: v1=<hex>` with `X-Alertscale-Timestamp`), so one
 * verification recipe serves both and a captured request cannot be replayed
 * later; `X-Alertscale-Delivery` is the drain id on every retry.
 */

/** The path the control plane confirms a drain on, locally and on AWS. */
export const DRAIN_CALLBACK_PATH = '/api/drain/complete';

/** The body of a drain request (version "1"; fields only ever grow). */
export interface DrainRequestBody {
  readonly version: '1';
  readonly kind: 'drain-requested';
  readonly drainId: string;
  readonly instanceId: string;
  readonly nodeName?: string | undefined;
  readonly nodeGroup: string;
  readonly asgName: string;
  readonly requestedAt: string;
  /** After this the termination goes on without a confirmation. */
  readonly deadline: string;
  /** How to say the node is drained: POST `body` to `url` with the API token as a bearer token. */
  readonly confirm: { readonly method: 'POST'; readonly url: string; readonly body: { readonly drainId: string; readonly instanceId: string } };
}

/** The body for one drain. */
function drainRequestBody(drain: DrainRecord, callbackUrl: string): DrainRequestBody {
  return {
    version: '1',
    kind: 'drain-requested',
    drainId: drain.drainId,
    instanceId: drain.instanceId,
    ...(drain.nodeName !== undefined ? { nodeName: drain.nodeName } : {}),
    nodeGroup: drain.nodeGroup,
    asgName: drain.asgName,
    requestedAt: drain.requestedAt,
    deadline: drain.deadline,
    confirm: { method: 'POST', url: callbackUrl, body: { drainId: drain.drainId, instanceId: drain.instanceId } },
  };
}

/** What sending drain requests needs: credentials, HTTP with retries, the clock, the log. */
export interface DrainSendContext {
  readonly reader: CredentialReader;
  readonly http: HttpPostContext;
  /** The `fetch` for a webhook with `http_config.tls_config`. */
  readonly tlsFetch: (tls: TlsSettings) => PostFetch;
  readonly clock: Clock;
  readonly log: Log;
}

/** Sends the drain request to one webhook config; never throws for the peer's failure, and says whether that failure may pass. */
async function sendOne(receiver: ReceiverConfig, configIndex: number, body: string, drainId: string, context: DrainSendContext): Promise<{ readonly send: DrainSend; readonly transient: boolean }> {
  const config = receiver.webhook_configs[configIndex]!;
  // The webhook channel's own reading of its keys (signing key, url_file, http_config): the same rules as its alerts.
  const resolved = await sendSettings(webhookSender as unknown as ChannelSender, config, context.reader);
  if ('outcome' in resolved) {
    if (resolved.unsent) context.log.info('drain request not sent', { receiver: receiver.name, configIndex, reason: resolved.unsent });
    return { send: { configIndex, outcome: resolved.outcome.outcome, reason: resolved.outcome.reason, attempts: 0 }, transient: false };
  }
  const { credential: signingKey, url, http: auth, tls } = resolved.settings;
  if (signingKey === undefined) return { send: { configIndex, outcome: 'skipped', reason: 'no signing key: drain requests are always signed', attempts: 0 }, transient: false };
  const http = tls ? { ...context.http, fetch: context.tlsFetch(tls) } : context.http;
  const headers = () => ({ ...authHeaders(auth), [DELIVERY_HEADER]: drainId, ...signatureHeaders(body, signingKey, context.clock()) });
  const result = await postJson({ url: url ?? config.url, body, headers, timeoutMs: config.timeout, secrets: [signingKey, ...auth.secrets] }, http);
  return result.ok
    ? { send: { configIndex, outcome: 'sent', reason: `HTTP ${result.status}`, attempts: result.attempts }, transient: false }
    : { send: { configIndex, outcome: 'failed', reason: result.reason, attempts: result.attempts }, transient: result.transient };
}

/** What asking every webhook of the drain receiver once came to. */
export interface DrainSendRound {
  readonly sends: DrainSend[];
  /**
   * No webhook took the request, and at least one failed in a way that may
   * pass (a network error, a timeout, 429 or 5xx after its own retries):
   * asking again later could still reach the control plane.
   */
  readonly worthAskingAgain: boolean;
}

/** Sends the drain request to every webhook of the drain receiver, at once; what each came to. */
export async function sendDrainRequests(receiver: ReceiverConfig, drain: DrainRecord, callbackUrl: string, context: DrainSendContext): Promise<DrainSendRound> {
  const body = JSON.stringify(drainRequestBody(drain, callbackUrl));
  const results = await Promise.all(receiver.webhook_configs.map((_, configIndex) => sendOne(receiver, configIndex, body, drain.drainId, context)));
  const sends = results.map((result) => result.send);
  return { sends, worthAskingAgain: !sends.some((send) => send.outcome === 'sent') && results.some((result) => result.transient) };
}
