import { createHmac, timingSafeEqual } from 'node:crypto';
import { webhookUrlSource } from '../../shared/channels';
import type { WebhookConfig } from '../../shared/config/schema';
import type { NotifyItem } from '../items';
import { postJson } from '../../adapters/http/http-post';
import { capAlerts, overallStatus } from '../render';
import { authHeaders, fromHttp, messageId, type ChannelSender } from './sender';

/** Header carrying the Unix time (seconds) the request was signed at. */
export const TIMESTAMP_HEADER = 'X-Alertscale-Timestamp';
/** Header carrying `v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`. */
export const SIGNATURE_HEADER = 'X-Alertscale-Signature';
/** Header carrying an id that is the same on every retry of one delivery, for the receiver to dedupe on. */
export const DELIVERY_HEADER = 'X-Alertscale-Delivery';
/** How old a signed request may be before a receiver should reject it as a replay. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** The JSON body POSTed to a control-plane webhook (version "1"; fields only ever grow). */
export interface WebhookBody {
  readonly version: '1';
  readonly receiver: string;
  readonly status: 'firing' | 'resolved';
  readonly groupKey: string;
  readonly notificationId: string;
  readonly externalURL: string;
  /** Alerts of this notification that are not in `alerts` (the cap, plus Alertmanager's own truncation). */
  readonly truncatedAlerts: number;
  readonly alerts: readonly NotifyItem['alert'][];
  /** One per listed alert, in the same order: why alertscale notified and the decision to look up. */
  readonly decisions: readonly {
    readonly decisionId: string;
    readonly actionId: string;
    readonly fingerprint: string;
    readonly reason: 'routed' | 'escalation';
    readonly requestedAt: string;
  }[];
}

/** The body for one group notification, listing up to `max_alerts` alerts (0: all). */
export function webhookBody(requests: readonly NotifyItem[], config: Pick<WebhookConfig, 'max_alerts'>): WebhookBody {
  const first = requests[0];
  if (!first) throw new RangeError('a webhook notification needs at least one alert');
  const truncated = Math.max(0, ...requests.map((request) => request.group.truncatedAlerts));
  const { listed, omitted } = capAlerts(requests, config.max_alerts, truncated);
  return {
    version: '1',
    receiver: first.action.receiver,
    status: overallStatus(requests.map((request) => request.alert)) === 'FIRING' ? 'firing' : 'resolved',
    groupKey: first.group.groupKey,
    notificationId: first.group.notificationId,
    externalURL: first.group.externalURL,
    truncatedAlerts: omitted,
    alerts: listed.map((request) => request.alert),
    decisions: listed.map((request) => ({
      decisionId: request.decisionId,
      actionId: request.action.actionId,
      fingerprint: request.alert.fingerprint,
      reason: request.action.reason,
      requestedAt: request.requestedAt,
    })),
  };
}

/** `v1=` and the hex HMAC-SHA256, keyed with `secret`, of `"<timestamp>.<body>"`. */
export function signWebhook(body: string, secret: string, timestampSeconds: number): string {
  return `v1=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')}`;
}

/** The signature headers for a body signed now. */
export function signatureHeaders(body: string, secret: string, now: Date): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return { [TIMESTAMP_HEADER]: String(timestamp), [SIGNATURE_HEADER]: signWebhook(body, secret, timestamp) };
}

/** What a receiver needs to verify one request. */
export interface WebhookVerification {
  /** The raw request body, exactly as received (before any JSON parsing). */
  readonly body: string;
  /** The `X-Alertscale-Timestamp` header. */
  readonly timestamp: string | null | undefined;
  /** The `X-Alertscale-Signature` header. */
  readonly signature: string | null | undefined;
  readonly secret: string;
  /** @default - the current time */
  readonly now?: Date;
  /** @default 300 - five minutes */
  readonly toleranceSeconds?: number;
}

/**
 * Verifies a control-plane webhook request: the timestamp is within
 * `toleranceSeconds` of now (so a captured request cannot be replayed later)
 * and the signature is the HMAC of `"<timestamp>.<body>"`, compared in constant
 * time. This is the recipe `docs/webhook-signature.md` documents, line for line.
 */
export function verifyWebhookSignature(input: WebhookVerification): boolean {
  const { body, timestamp, signature, secret, now = new Date(), toleranceSeconds = DEFAULT_TOLERANCE_SECONDS } = input;
  if (!timestamp || !signature || !/^\d+$/.test(timestamp)) return false;
  const age = Math.abs(Math.floor(now.getTime() / 1000) - Number(timestamp));
  if (age > toleranceSeconds) return false;
  const expected = Buffer.from(`v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`);
  const received = Buffer.from(signature);
  return expected.length === received.length && timingSafeEqual(expected, received);
}

/**
 * The control plane's webhook: one signed JSON POST per group notification
 * (unsigned, with a warning, without a key) to `url` or the URL in `url_file`,
 * with `http_config`'s `Authorization` header when it has one.
 */
export const webhookSender: ChannelSender<'webhook'> = {
  channel: 'webhook',
  grouping: 'notification',
  credential: { what: 'signing key', required: false },
  url: webhookUrlSource,
  dedupKey: (requests) => messageId('webhook', requests),
  async send({ requests, receiver, configIndex, config, credential: signingKey, url, http: auth, dedupKey }, { http, clock, log }) {
    if (signingKey === undefined) log.warn('webhook has no signing key; sending it unsigned', { receiver, configIndex });
    const body = JSON.stringify(webhookBody(requests, config));
    const headers = () => ({ ...authHeaders(auth), [DELIVERY_HEADER]: dedupKey, ...(signingKey !== undefined ? signatureHeaders(body, signingKey, clock()) : {}) });
    const secrets = [signingKey, ...(auth?.secrets ?? [])];
    return fromHttp(await postJson({ url: url ?? config.url, body, headers, timeoutMs: config.timeout, secrets }, http), dedupKey);
  },
};
