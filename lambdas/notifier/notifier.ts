import { createHash } from 'node:crypto';
import { readFile as readFileFromDisk } from 'node:fs/promises';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Config } from '../shared/config/schema';
import { DetailType, notifyRequestedSchema, type BusEvent, type NotificationSent, type NotifyChannel, type NotifyRequested } from '../shared/events';
import { systemClock, type Clock, type DecisionStore, type EventBus, type Log } from '../shared/ports';
import { publishAll } from '../shared/publish';
import { channelConfig, credentialSource, type ChannelConfig, type CredentialSource } from '../shared/channels';
import type { PagerdutyConfig, SlackConfig, SnsConfig, WebhookConfig } from '../shared/config/schema';
import type { DeliveryKey, DeliveryStore } from './delivery-store';
import { DEFAULT_RETRY, deliverHttp, type HttpDeliveryContext, type HttpDeliveryResult, type RetrySettings } from './http-delivery';
import { pagerdutyDedupKey, pagerdutyEvent } from './pagerduty';
import { plainTextNotification } from './render';
import { CredentialFileError, resolveCredential, SecretResolutionError, SecretUnavailableError, type SecretResolver } from './secrets';
import { slackMessage } from './slack';
import { SnsPublishError, type SnsPublisher } from './sns';
import { DELIVERY_HEADER, signatureHeaders, webhookBody } from './webhook';
import { sleep as defaultSleep } from '../shared/backoff';

export { secretNamesIn } from './secrets';
export { verifyWebhookSignature } from './webhook';
export type { RetrySettings } from './http-delivery';

/**
 * Everything the notifier talks to. The Lambda handler wires AWS adapters;
 * local mode wires `localNotifierDeps` (see `local.ts`); tests wire fakes and
 * small retry delays.
 */
export interface NotifierDeps {
  /** The validated configuration; channel configs are looked up in it by receiver, channel and index. */
  readonly config: Config;
  /** Each delivery's outcome is recorded on its decision (`recordAction`). */
  readonly decisions: DecisionStore;
  /** What has been sent, so a redelivered request never sends twice. */
  readonly deliveries: DeliveryStore;
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
  readonly fetch?: typeof fetch;
  /** @default DEFAULT_RETRY */
  readonly retry?: Partial<RetrySettings>;
  /** @default - setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default Math.random */
  readonly random?: () => number;
  /** Reads `*_file` credentials. @default - node:fs/promises readFile, UTF-8 */
  readonly readFile?: (path: string) => Promise<string>;
  /** Deliveries in flight at once in one invocation; PagerDuty throttles bursts per routing key. @default 8 */
  readonly concurrency?: number;
  /** Time kept free before the Lambda's timeout: no retry starts inside it. @default 5000 */
  readonly deadlineMarginMs?: number;
}

/** A record whose body is not a `Notify Requested` event; retrying cannot fix it, so it goes to the DLQ. */
export class InvalidNotifyRequestError extends Error {
  override readonly name = 'InvalidNotifyRequestError';
}

/** A delivery failed transiently after every retry; the record fails so SQS retries it, then parks it in the DLQ. */
export class DeliveryFailedError extends Error {
  override readonly name = 'DeliveryFailedError';
}

type Outcome = 'sent' | 'failed' | 'skipped';

/** What became of one channel delivery (one message, possibly for several requests). */
interface ChannelOutcome {
  readonly outcome: Outcome;
  /** Only for `failed`: whether SQS should try the record again. */
  readonly transient: boolean;
  readonly reason: string;
  readonly attempts: number;
  readonly dedupKey: string;
}

/** Requests delivered together: one per PagerDuty alert; one per group notification for the other channels. */
interface DeliveryUnit {
  readonly channel: NotifyChannel;
  readonly receiver: string;
  readonly configIndex: number;
  readonly requests: Map<string, NotifyRequested>;
  run?: Promise<Map<string, Error | undefined>>;
}


const keyOf = (request: NotifyRequested): string => `${request.decisionId}#${request.action.actionId}`;
const deliveryKey = (request: NotifyRequested): DeliveryKey => ({ decisionId: request.decisionId, actionId: request.action.actionId });

/** Channels whose messages are for people or systems that want one message per group notification, not per alert. */
const GROUPED: ReadonlySet<NotifyChannel> = new Set(['slack', 'webhook', 'sns']);

/** A stable id for one message: the same set of requests gives the same id on every retry. */
function messageId(channel: NotifyChannel, requests: readonly NotifyRequested[]): string {
  const keys = requests.map(keyOf).sort().join('\n');
  return `alertscale-${channel}-${createHash('sha256').update(keys).digest('hex').slice(0, 32)}`;
}

/** Runs at most `limit` tasks at once. */
function limiter(limit: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active += 1;
    try {
      return await task();
    } finally {
      active -= 1;
      waiting.shift()?.();
    }
  };
}

function parseRecord(record: SQSRecord): NotifyRequested {
  let event: unknown;
  try {
    event = JSON.parse(record.body);
  } catch (error) {
    throw new InvalidNotifyRequestError('record body is not JSON', { cause: error });
  }
  const detailType = (event as { 'detail-type'?: unknown } | null)?.['detail-type'];
  if (detailType !== DetailType.NotifyRequested) {
    throw new InvalidNotifyRequestError(`record is not a "${DetailType.NotifyRequested}" event (detail-type ${JSON.stringify(detailType)})`);
  }
  const parsed = notifyRequestedSchema.safeParse((event as { detail?: unknown }).detail);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidNotifyRequestError(`detail is not valid: ${issue ? `${issue.path.join('.') || '(detail)'}: ${issue.message}` : 'unknown'}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

/**
 * The notifier's use case: turns a batch of `Notify Requested` SQS records
 * into PagerDuty events (one per alert; its `dedup_key` merges repeats), and
 * Slack messages, SNS messages and control-plane webhooks (one per
 * Alertmanager group notification, listing its alerts). Each request's
 * outcome goes to its decision record and onto the bus as `Notification Sent`.
 *
 * Delivery semantics: what was sent is recorded per channel per decision, so
 * a redelivered record sends nothing twice; 429, 5xx and network errors are
 * retried with backoff (honouring `Retry-After`), and when the retries are
 * spent the decision is marked failed and the record fails, so SQS retries it
 * and finally parks it in the DLQ; other 4xx are permanent: marked failed, and
 * the record completes. Unparseable records fail (to the DLQ) without
 * failing the rest of the batch.
 */
export function createNotifier(deps: NotifierDeps): (event: SQSEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>) => Promise<SQSBatchResponse> {
  const clock = deps.clock ?? systemClock;
  const retry: RetrySettings = { ...DEFAULT_RETRY, ...deps.retry };
  const sleep = deps.sleep ?? defaultSleep;
  const readFile = deps.readFile ?? ((path: string) => readFileFromDisk(path, 'utf8'));
  const log = deps.log;
  const ttlMs = deps.config.settings.decision_ttl;

  /** Says in the log what a channel that cannot send would have said: local mode's console output. */
  function logUnsent(unit: DeliveryUnit, requests: readonly NotifyRequested[], reason: string): void {
    const { subject, body } = plainTextNotification(requests);
    log.info(`${unit.channel} notification not sent (${reason})`, { receiver: unit.receiver, channel: unit.channel, reason, subject, body });
  }

  /** The credential's value; or the outcome to report when there is none. */
  async function credential(
    unit: DeliveryUnit,
    requests: readonly NotifyRequested[],
    source: CredentialSource,
    what: string,
    dedupKey: string,
    required: boolean,
  ): Promise<{ readonly value: string | undefined } | { readonly outcome: ChannelOutcome }> {
    try {
      const value = await resolveCredential(source, deps.secrets, readFile);
      if (value === undefined && required) {
        logUnsent(unit, requests, `no ${what} configured`);
        return { outcome: { outcome: 'skipped', transient: false, reason: `no ${what} configured`, attempts: 0, dedupKey } };
      }
      return { value };
    } catch (error) {
      if (error instanceof SecretUnavailableError) {
        logUnsent(unit, requests, 'no local secret');
        return { outcome: { outcome: 'skipped', transient: false, reason: 'no local secret', attempts: 0, dedupKey } };
      }
      if (error instanceof SecretResolutionError) {
        return { outcome: { outcome: 'failed', transient: true, reason: error.message, attempts: 0, dedupKey } };
      }
      if (error instanceof CredentialFileError) {
        return { outcome: { outcome: 'failed', transient: false, reason: error.message, attempts: 0, dedupKey } };
      }
      throw error;
    }
  }

  function fromHttp(result: HttpDeliveryResult, dedupKey: string): ChannelOutcome {
    if (result.ok) {
      return { outcome: 'sent', transient: false, reason: `HTTP ${result.status}`, attempts: result.attempts, dedupKey };
    }
    return { outcome: 'failed', transient: result.transient, reason: result.reason, attempts: result.attempts, dedupKey };
  }

  async function deliver(unit: DeliveryUnit, config: ChannelConfig, requests: readonly NotifyRequested[], http: HttpDeliveryContext): Promise<ChannelOutcome> {
    switch (unit.channel) {
      case 'pagerduty': {
        const pd = config as PagerdutyConfig;
        const request = requests[0] as NotifyRequested;
        const dedupKey = pagerdutyDedupKey(request.alert);
        const key = await credential(unit, requests, credentialSource('pagerduty', pd), 'routing key', dedupKey, true);
        if ('outcome' in key) return key.outcome;
        const routingKey = key.value ?? '';
        const body = JSON.stringify(pagerdutyEvent(request, pd, routingKey));
        return fromHttp(await deliverHttp({ url: pd.url, body, headers: () => ({}), timeoutMs: pd.timeout, secrets: [routingKey] }, http), dedupKey);
      }
      case 'slack': {
        const slack = config as SlackConfig;
        const dedupKey = messageId('slack', requests);
        const url = await credential(unit, requests, credentialSource('slack', slack), 'api_url', dedupKey, true);
        if ('outcome' in url) return url.outcome;
        const apiUrl = url.value ?? '';
        const body = JSON.stringify(slackMessage(requests, slack));
        return fromHttp(await deliverHttp({ url: apiUrl, body, headers: () => ({}), timeoutMs: slack.timeout, secrets: [apiUrl] }, http), dedupKey);
      }
      case 'webhook': {
        const hook = config as WebhookConfig;
        const dedupKey = messageId('webhook', requests);
        const key = await credential(
          unit,
          requests,
          credentialSource('webhook', hook),
          'signing key',
          dedupKey,
          false,
        );
        if ('outcome' in key) return key.outcome;
        const signingKey = key.value;
        if (signingKey === undefined) log.warn('webhook has no signing key; sending it unsigned', { receiver: unit.receiver, configIndex: unit.configIndex });
        const body = JSON.stringify(webhookBody(requests, hook));
        const headers = () => ({ [DELIVERY_HEADER]: dedupKey, ...(signingKey !== undefined ? signatureHeaders(body, signingKey, clock()) : {}) });
        return fromHttp(await deliverHttp({ url: hook.url, body, headers, timeoutMs: hook.timeout, secrets: [signingKey] }, http), dedupKey);
      }
      case 'sns': {
        const sns = config as SnsConfig;
        const dedupKey = messageId('sns', requests);
        const topicArn = sns.topic_arn ?? deps.snsTopicArn;
        if (topicArn === undefined) {
          logUnsent(unit, requests, 'no topic_arn and no default topic');
          return { outcome: 'skipped', transient: false, reason: 'no topic_arn and no default topic', attempts: 0, dedupKey };
        }
        const text = plainTextNotification(requests);
        try {
          const result = await deps.sns.publish({ topicArn, subject: sns.subject ?? text.subject, body: text.body });
          return result.delivered
            ? { outcome: 'sent', transient: false, reason: 'published', attempts: 1, dedupKey }
            : { outcome: 'skipped', transient: false, reason: result.reason, attempts: 0, dedupKey };
        } catch (error) {
          if (!(error instanceof SnsPublishError)) throw error;
          return { outcome: 'failed', transient: error.transient, reason: error.message, attempts: 1, dedupKey };
        }
      }
    }
  }

  /** Sends what has not been sent yet, then records and reports each request's outcome. Resolves to each request's error, if any. */
  async function runUnit(unit: DeliveryUnit, http: HttpDeliveryContext): Promise<Map<string, Error | undefined>> {
    const now = clock();
    const requests = [...unit.requests.values()];
    const results = new Map<string, { outcome: ChannelOutcome; fresh: boolean }>();

    const found = await Promise.all(requests.map((request) => deps.deliveries.find(deliveryKey(request), now)));
    const pending = requests.filter((request, i) => {
      const record = found[i];
      if (!record) return true;
      const reason = 'already delivered; not sent again';
      results.set(keyOf(request), { outcome: { outcome: 'sent', transient: false, reason, attempts: record.attempts, dedupKey: record.dedupKey }, fresh: false });
      return false;
    });
    if (pending.length < requests.length) {
      log.info('redelivered requests already sent; not sending them again', { channel: unit.channel, receiver: unit.receiver, count: requests.length - pending.length });
    }

    const config = channelConfig(deps.config, unit.receiver, unit.channel, unit.configIndex);
    if (pending.length > 0 && config === undefined) {
      const reason = `receiver "${unit.receiver}" has no ${unit.channel}_configs[${unit.configIndex}] in this configuration`;
      log.error('notify request names a channel config that does not exist', { receiver: unit.receiver, channel: unit.channel, configIndex: unit.configIndex });
      for (const request of pending) {
        results.set(keyOf(request), { outcome: { outcome: 'failed', transient: false, reason, attempts: 0, dedupKey: messageId(unit.channel, [request]) }, fresh: true });
      }
    } else if (pending.length > 0 && config !== undefined) {
      const wanted = pending.filter((request) => request.alert.status === 'firing' || config.send_resolved);
      for (const request of pending.filter((r) => !wanted.includes(r))) {
        const dedupKey = unit.channel === 'pagerduty' ? pagerdutyDedupKey(request.alert) : messageId(unit.channel, [request]);
        results.set(keyOf(request), { outcome: { outcome: 'skipped', transient: false, reason: 'resolved, and send_resolved is false', attempts: 0, dedupKey }, fresh: true });
      }
      if (wanted.length > 0) {
        const outcome = await deliver(unit, config, wanted, http);
        for (const request of wanted) results.set(keyOf(request), { outcome, fresh: true });
        const extra = { channel: unit.channel, receiver: unit.receiver, alerts: wanted.length, outcome: outcome.outcome, reason: outcome.reason, attempts: outcome.attempts, dedupKey: outcome.dedupKey };
        if (outcome.outcome === 'failed') log.warn('notification failed', { ...extra, willRetry: outcome.transient });
        else log.info(`notification ${outcome.outcome}`, extra);
      }
    }
    return report(unit, requests, results);
  }

  async function report(unit: DeliveryUnit, requests: readonly NotifyRequested[], results: Map<string, { outcome: ChannelOutcome; fresh: boolean }>) {
    const at = clock();
    const errors = new Map<string, Error | undefined>();
    const events: BusEvent<NotificationSent>[] = [];
    await Promise.all(
      requests.map(async (request) => {
        const result = results.get(keyOf(request));
        if (!result) return;
        const { outcome } = result;
        try {
          if (outcome.outcome === 'sent' && result.fresh) {
            const recorded = await deps.deliveries.recordSent(
              {
                ...deliveryKey(request),
                receiver: unit.receiver,
                channel: unit.channel,
                dedupKey: outcome.dedupKey,
                attempts: outcome.attempts,
                sentAt: at.toISOString(),
                expiresAt: Math.floor((at.getTime() + ttlMs) / 1000),
              },
              at,
            );
            if (!recorded) log.info('delivery was recorded by a concurrent attempt', { decisionId: request.decisionId, actionId: request.action.actionId });
          }
          await deps.decisions.recordAction(request.decisionId, {
            actionId: request.action.actionId,
            kind: 'notify',
            receiver: unit.receiver,
            target: unit.channel,
            outcome: outcome.outcome,
            at: at.toISOString(),
            detail: outcome.reason,
          });
          events.push({
            detailType: DetailType.NotificationSent,
            detail: {
              decisionId: request.decisionId,
              actionId: request.action.actionId,
              receiver: unit.receiver,
              channel: unit.channel,
              dedupKey: outcome.dedupKey,
              outcome: outcome.outcome,
              reason: outcome.reason,
              attempts: outcome.attempts,
              at: at.toISOString(),
            },
          });
          errors.set(
            keyOf(request),
            outcome.outcome === 'failed' && outcome.transient ? new DeliveryFailedError(`${unit.channel} delivery failed: ${outcome.reason}`) : undefined,
          );
        } catch (error) {
          errors.set(keyOf(request), error as Error);
        }
      }),
    );
    if (events.length > 0) {
      try {
        await publishAll(deps.bus, events, { log, sleep });
      } catch (error) {
        // The delivery itself is recorded; the redelivery will find it and only report again.
        log.error('could not publish Notification Sent events', { count: events.length, error: (error as Error).message });
        for (const event of events) {
          const key = `${event.detail.decisionId}#${event.detail.actionId}`;
          if (errors.get(key) === undefined) errors.set(key, error as Error);
        }
      }
    }
    return errors;
  }

  return async (event, context) => {
    const remaining = context?.getRemainingTimeInMillis?.();
    const http: HttpDeliveryContext = {
      fetch: deps.fetch ?? globalThis.fetch,
      retry,
      sleep,
      now: () => clock().getTime(),
      random: deps.random ?? Math.random,
      deadline: remaining !== undefined ? Date.now() + remaining - (deps.deadlineMarginMs ?? 5_000) : undefined,
    };
    const limit = limiter(deps.concurrency ?? 8);

    // Parse everything first, so alerts of one group notification in this batch become one message.
    const units = new Map<string, DeliveryUnit>();
    const prepared = new Map<string, { unit: DeliveryUnit; key: string } | { error: Error }>();
    for (const record of event.Records) {
      let request: NotifyRequested;
      try {
        request = parseRecord(record);
      } catch (error) {
        prepared.set(record.messageId, { error: error as Error });
        continue;
      }
      const { action } = request;
      const unitKey = GROUPED.has(action.channel)
        ? [action.channel, action.receiver, action.configIndex, request.group.notificationId].join('\u0000')
        : [action.channel, keyOf(request)].join('\u0000');
      let unit = units.get(unitKey);
      if (!unit) {
        unit = { channel: action.channel, receiver: action.receiver, configIndex: action.configIndex, requests: new Map() };
        units.set(unitKey, unit);
      }
      unit.requests.set(keyOf(request), request);
      prepared.set(record.messageId, { unit, key: keyOf(request) });
    }

    const recordHandler = async (record: SQSRecord): Promise<void> => {
      const entry = prepared.get(record.messageId);
      if (!entry) throw new InvalidNotifyRequestError('record was not prepared');
      if ('error' in entry) {
        log.error('dropping record that is not a valid Notify Requested event; it goes to the DLQ', { messageId: record.messageId, error: entry.error.message });
        throw entry.error;
      }
      const { unit, key } = entry;
      unit.run ??= limit(() => runUnit(unit, http));
      const error = (await unit.run).get(key);
      if (error) throw error;
    };

    // One processor per call: local mode may run several batches at once, and the processor keeps state.
    const processor = new BatchProcessor(EventType.SQS);
    return processPartialResponse(event, recordHandler, processor, { throwOnFullBatchFailure: false });
  };
}
