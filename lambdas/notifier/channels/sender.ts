import { createHash } from 'node:crypto';
import type { HttpPostContext, HttpPostResult } from '../../adapters/http/http-post';
import type { ChannelConfigs, CredentialSource, NotifyChannel } from '../../shared/channels';
import type { Clock } from '../../shared/clock';
import type { NotifyItem } from '../items';
import type { Log } from '../../shared/log';
import type { SnsPublisher } from '../ports';

/** What became of one send (one message, possibly for several requests). */
export interface SendOutcome {
  readonly outcome: 'sent' | 'failed' | 'skipped';
  /** Only for `failed`: whether SQS should try the record again. */
  readonly transient: boolean;
  readonly reason: string;
  readonly attempts: number;
  readonly dedupKey: string;
}

/** What a sender may use besides the config and credential: HTTP with retries, SNS, the clock, the log. */
export interface SendContext {
  readonly http: HttpPostContext;
  readonly sns: SnsPublisher;
  /** Topic for `sns_configs` without `topic_arn`. */
  readonly snsTopicArn?: string | undefined;
  readonly clock: Clock;
  readonly log: Log;
}

/** An `http_config`'s credentials, resolved: the `Authorization` header to send, and the values no reason may quote. */
export interface HttpAuth {
  /** @default - none */
  readonly authorization?: string | undefined;
  readonly secrets: readonly string[];
}

/** The headers an `HttpAuth` adds to a request. */
export function authHeaders(auth: HttpAuth | undefined): Record<string, string> {
  return auth?.authorization !== undefined ? { authorization: auth.authorization } : {};
}

/** One send: the requests it carries, the channel config, and the credential (when the channel has one). */
export interface Send<C extends NotifyChannel> {
  readonly requests: readonly NotifyItem[];
  readonly receiver: string;
  readonly configIndex: number;
  readonly config: ChannelConfigs[C];
  readonly credential: string | undefined;
  /** The URL `ChannelSender.url` named, read (a webhook's `url_file`). @default - none */
  readonly url?: string | undefined;
  /** The config's `http_config` credentials. @default - none */
  readonly http?: HttpAuth | undefined;
  readonly dedupKey: string;
}

/**
 * One notification channel: how its requests are grouped into messages, what
 * its credential is, the key a receiver dedupes a message on, and the send.
 */
export interface ChannelSender<C extends NotifyChannel = NotifyChannel> {
  readonly channel: C;
  /**
   * `alert`: one message per alert (PagerDuty, whose incidents follow alerts);
   * `notification`: one per Alertmanager group notification, listing its alerts.
   */
  readonly grouping: 'alert' | 'notification';
  /** The credential a config of this channel carries (`CREDENTIAL_KEYS`), and whether it must have one. @default - none */
  readonly credential?: { readonly what: string; readonly required: boolean };
  /** Where a config's URL comes from when it may be kept in a file; the send gets it read, as `url`. @default - none */
  readonly url?: (config: ChannelConfigs[C]) => CredentialSource;
  dedupKey(requests: readonly NotifyItem[]): string;
  send(send: Send<C>, context: SendContext): Promise<SendOutcome>;
}

/** A stable id for one grouped message: the same set of requests gives the same id on every retry. */
export function messageId(channel: NotifyChannel, requests: readonly NotifyItem[]): string {
  const keys = requests.map((request) => `${request.decisionId}#${request.action.actionId}`).sort().join('\n');
  return `alertscale-${channel}-${createHash('sha256').update(keys).digest('hex').slice(0, 32)}`;
}

/** The outcome of an HTTP send. */
export function fromHttp(result: HttpPostResult, dedupKey: string): SendOutcome {
  if (result.ok) return { outcome: 'sent', transient: false, reason: `HTTP ${result.status}`, attempts: result.attempts, dedupKey };
  return { outcome: 'failed', transient: result.transient, reason: result.reason, attempts: result.attempts, dedupKey };
}
