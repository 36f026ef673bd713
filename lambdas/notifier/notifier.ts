import { readFile as readFileFromDisk } from 'node:fs/promises';
import { DEFAULT_RETRY, type HttpPostContext, type PostFetch, type RetrySettings } from '../adapters/http/http-post';
import { tlsFetch as nodeTlsFetch, type TlsSettings } from '../adapters/http/tls-fetch';
import { sleep as defaultSleep } from '../shared/backoff';
import { channelConfig, type ChannelConfig, type NotifyChannel } from '../shared/channels';
import { systemClock, type Clock } from '../shared/clock';
import type { Config } from '../shared/config/schema';
import type { ActionRecorder } from '../shared/decisions';
import type { NotifyRequested } from '../shared/events';
import type { Log } from '../shared/log';
import type { Metrics } from '../shared/metrics';
import type { EventBus } from '../shared/publish';
import { SENDERS } from './channels';
import type { ChannelSender, SendContext, SendOutcome } from './channels/sender';
import type { SecretResolver, SendStore, SnsPublisher } from './ports';
import { plainTextNotification } from './render';
import { recordUnit, reportRequests, type ItemResult, type SendReporter } from './reporting';
import { itemsOf, type NotifyItem } from './items';
import { keyOfRequest, limiter, requestKey, sendUnits, type SendUnit } from './send-units';
import { sendSettings } from './send-settings';

export type { RetrySettings } from '../adapters/http/http-post';
export { verifyWebhookSignature } from './channels/webhook';
import { DeliveryFailedError } from './reporting';
export { DeliveryFailedError };

/**
 * Everything the notifier talks to. The Lambda handler wires AWS adapters;
 * local mode wires `localNotifierDeps` (see `local.ts`); tests wire fakes and
 * small retry delays.
 */
export interface NotifierDeps {
  /** The validated configuration; channel configs are looked up in it by receiver, channel and index. */
  readonly config: Config;
  /** Each send's outcome is recorded on its decision. */
  readonly decisions: ActionRecorder;
  /** What has been sent, so a redelivered request never sends twice. */
  readonly sends: SendStore;
  /** `Notification Sent` events go here. */
  readonly bus: EventBus;
  /** Turns `*_secret` names into values. */
  readonly secrets: SecretResolver;
  readonly sns: SnsPublisher;
  /** Topic for `sns_configs` without `topic_arn`: the stack's topic. @default - none: such configs are skipped */
  readonly snsTopicArn?: string | undefined;
  readonly log: Log;
  /** @default - the system clock */
  readonly clock?: Clock;
  /** @default globalThis.fetch */
  readonly fetch?: PostFetch;
  /** The `fetch` for a config with `http_config.tls_config`. @default - `tlsFetch`, on node:https */
  readonly tlsFetch?: (tls: TlsSettings) => PostFetch;
  /** @default DEFAULT_RETRY */
  readonly retry?: Partial<RetrySettings>;
  /** @default - setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default Math.random */
  readonly random?: () => number;
  /** Reads `*_file` credentials. @default - node:fs/promises readFile, UTF-8 */
  readonly readFile?: (path: string) => Promise<string>;
  /** Sends in flight at once in one invocation; PagerDuty throttles bursts per routing key. @default 8 */
  readonly concurrency?: number;
  /** Time kept free before the Lambda's timeout: no retry starts inside it. @default 5000 */
  readonly deadlineMarginMs?: number;
  /** @default - none */
  readonly metrics?: Metrics;
}

/** The notifier use case. */
export interface Notifier {
  /**
   * Sends a batch of `Notify Requested`: each request's alerts go out as one
   * message (one per alert for PagerDuty). Resolves to each request's error,
   * in the order of `requests` (`undefined`: done), so the caller can fail
   * exactly the records to retry. By position, not by `actionId`: the parts
   * of a request split past the bus's size limit share it, and each part
   * succeeds or fails on its own.
   */
  notify(requests: readonly NotifyRequested[], options?: { readonly remainingTimeMs?: number | undefined }): Promise<readonly (Error | undefined)[]>;
}

/** One part of one request: a request delivered twice in a batch is one part; the parts of a split request share its `actionId`. */
const partKey = (request: NotifyRequested): string => `${request.actionId}#${request.part}`;

/** An error that is not a send's transient failure: the item's outcome could not be recorded. */
const isRecordError = (error: Error | undefined) => error !== undefined && !(error instanceof DeliveryFailedError);

const skipped = (reason: string, dedupKey: string): SendOutcome => ({ outcome: 'skipped', transient: false, reason, attempts: 0, dedupKey });

/**
 * Builds the notifier: PagerDuty events (one per alert; its `dedup_key`
 * merges repeats), and Slack messages, SNS messages and control-plane
 * webhooks (one per Alertmanager group notification, listing its alerts).
 * Each request's outcome goes to its decision record and onto the bus as
 * `Notification Sent`.
 *
 * What was sent is recorded per channel per decision, so a redelivered
 * request sends nothing twice; 429, 5xx and network errors are retried with
 * backoff (honouring `Retry-After`), and when the retries are spent the
 * decision is marked failed and the request's error says to retry it (SQS,
 * then the DLQ); other 4xx are permanent: marked failed, and done.
 */
export function createNotifier(deps: NotifierDeps): Notifier {
  const clock = deps.clock ?? systemClock;
  const sleep = deps.sleep ?? defaultSleep;
  const readFile = deps.readFile ?? ((path: string) => readFileFromDisk(path, 'utf8'));
  const { log } = deps;
  const reporter: SendReporter = { sends: deps.sends, decisions: deps.decisions, bus: deps.bus, log, clock, sleep, metrics: deps.metrics, ttlMs: deps.config.settings.decision_ttl };

  /** Says in the log what a channel that cannot send would have said: local mode's console output. */
  function logUnsent(unit: SendUnit, requests: readonly NotifyItem[], reason: string): void {
    const { subject, body } = plainTextNotification(requests);
    log.info(`${unit.channel} notification not sent (${reason})`, { receiver: unit.receiver, channel: unit.channel, reason, subject, body });
  }

  /** Resolves what the config names (credential, URL file, `http_config`), then sends with the channel's sender. */
  async function send(unit: SendUnit, config: ChannelConfig, requests: readonly NotifyItem[], context: SendContext): Promise<SendOutcome> {
    const sender = SENDERS[unit.channel] as ChannelSender<NotifyChannel>;
    const dedupKey = sender.dedupKey(requests);
    const resolved = await sendSettings(sender, config, { secrets: deps.secrets, readFile });
    if ('outcome' in resolved) {
      if (resolved.unsent) logUnsent(unit, requests, resolved.unsent);
      return { ...resolved.outcome, dedupKey };
    }
    const { credential, url, http, tls } = resolved.settings;
    // Global fetch takes no TLS options: a config with tls_config is posted through node:https.
    const sendContext = tls ? { ...context, http: { ...context.http, fetch: (deps.tlsFetch ?? nodeTlsFetch)(tls) } } : context;
    return sender.send({ requests, receiver: unit.receiver, configIndex: unit.configIndex, config, credential, url, http, dedupKey }, sendContext);
  }

  /** What each request of a unit comes to: already sent, no such config, not wanted when resolved, or the send's outcome. */
  async function resultsOf(unit: SendUnit, context: SendContext): Promise<Map<string, ItemResult>> {
    const requests = [...unit.items.values()];
    const results = new Map<string, ItemResult>();
    const found = await Promise.all(requests.map((request) => deps.sends.find({ decisionId: request.decisionId, actionId: request.action.actionId }, clock())));
    const pending = requests.filter((request, i) => {
      const record = found[i];
      if (record) results.set(keyOfRequest(request), { outcome: { outcome: 'sent', transient: false, reason: 'already delivered; not sent again', attempts: record.attempts, dedupKey: record.dedupKey }, fresh: false });
      return !record;
    });
    if (pending.length < requests.length) {
      log.info('redelivered requests already sent; not sending them again', { channel: unit.channel, receiver: unit.receiver, count: requests.length - pending.length });
    }
    if (pending.length === 0) return results;
    const sender = SENDERS[unit.channel] as ChannelSender<NotifyChannel>;
    const config = channelConfig(deps.config, unit.receiver, unit.channel, unit.configIndex);
    if (config === undefined) {
      const reason = `receiver "${unit.receiver}" has no ${unit.channel}_configs[${unit.configIndex}] in this configuration`;
      log.error('notify request names a channel config that does not exist', { receiver: unit.receiver, channel: unit.channel, configIndex: unit.configIndex });
      for (const request of pending) results.set(keyOfRequest(request), { outcome: { outcome: 'failed', transient: false, reason, attempts: 0, dedupKey: sender.dedupKey([request]) }, fresh: true });
      return results;
    }
    const wanted = pending.filter((request) => request.alert.status === 'firing' || config.send_resolved);
    for (const request of pending.filter((r) => !wanted.includes(r))) {
      results.set(keyOfRequest(request), { outcome: skipped('resolved, and send_resolved is false', sender.dedupKey([request])), fresh: true });
    }
    if (wanted.length === 0) return results;
    const outcome = await send(unit, config, wanted, context);
    for (const request of wanted) results.set(keyOfRequest(request), { outcome, fresh: true });
    const extra = { channel: unit.channel, receiver: unit.receiver, alerts: wanted.length, outcome: outcome.outcome, reason: outcome.reason, attempts: outcome.attempts, dedupKey: outcome.dedupKey };
    if (outcome.outcome === 'failed') log.warn('notification failed', { ...extra, willRetry: outcome.transient });
    else log.info(`notification ${outcome.outcome}`, extra);
    return results;
  }

  return {
    async notify(requests, options = {}) {
      const http: HttpPostContext = {
        fetch: deps.fetch ?? globalThis.fetch,
        retry: { ...DEFAULT_RETRY, ...deps.retry },
        sleep,
        now: () => clock().getTime(),
        random: deps.random ?? Math.random,
        deadline: options.remainingTimeMs !== undefined ? Date.now() + options.remainingTimeMs - (deps.deadlineMarginMs ?? 5_000) : undefined,
      };
      const context: SendContext = { http, sns: deps.sns, snsTopicArn: deps.snsTopicArn, clock, log };
      const limit = limiter(deps.concurrency ?? 8);
      const results = new Map<string, ItemResult>();
      const itemErrors = new Map<string, Error | undefined>();
      const run = async (unit: SendUnit): Promise<void> => {
        try {
          const unitResults = await resultsOf(unit, context);
          for (const [key, result] of unitResults) results.set(key, result);
          for (const [key, error] of await recordUnit(reporter, unit, unitResults)) itemErrors.set(key, error);
        } catch (error) {
          // A unit that could not even be looked up or recorded (the store is down) fails its own items only.
          for (const key of unit.items.keys()) itemErrors.set(key, error as Error);
        }
      };
      await Promise.all(sendUnits(requests.flatMap(itemsOf)).map((unit) => limit(() => run(unit))));
      const errorsOf = (request: NotifyRequested) => request.alerts.map((m) => itemErrors.get(requestKey(m.decisionId, m.actionId)));
      // Reported only when every item of the request was recorded (its redelivery reports the rest), and once per part.
      const complete = new Map(requests.filter((request) => !errorsOf(request).some(isRecordError)).map((request) => [partKey(request), request]));
      const publishError = await reportRequests(reporter, [...complete.values()], results);
      return requests.map((request) => errorsOf(request).find((e) => e !== undefined) ?? (complete.has(partKey(request)) ? publishError : undefined));
    },
  };
}
