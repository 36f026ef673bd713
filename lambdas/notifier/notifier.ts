import { readFile as readFileFromDisk } from 'node:fs/promises';
import { DEFAULT_RETRY, type HttpPostContext, type PostFetch, type RetrySettings } from '../adapters/http/http-post';
import { tlsFetch as nodeTlsFetch, type TlsSettings } from '../adapters/http/tls-fetch';
import { sleep as defaultSleep } from '../shared/backoff';
import { systemClock, type Clock } from '../shared/clock';
import type { Config } from '../shared/config/schema';
import type { ActionRecorder } from '../shared/decisions';
import type { NotifyRequested } from '../shared/events';
import type { Log } from '../shared/log';
import type { Metrics } from '../shared/metrics';
import type { EventBus } from '../shared/publish';
import type { SendContext } from './channels/sender';
import type { SecretResolver, SendStore, SnsPublisher } from './ports';
import { recordUnit, reportRequests, type ItemResult, type SendReporter } from './reporting';
import { itemsOf } from './items';
import { limiter } from '../shared/concurrency';
import { requestKey, sendUnits, type SendUnit } from './send-units';
import { resultsOfUnit, type UnitDeps } from './unit-results';

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
  const { log } = deps;
  const unitDeps: UnitDeps = {
    config: deps.config,
    sends: deps.sends,
    secrets: deps.secrets,
    readFile: deps.readFile ?? ((path: string) => readFileFromDisk(path, 'utf8')),
    tlsFetch: deps.tlsFetch ?? nodeTlsFetch,
    clock,
    log,
  };
  const reporter: SendReporter = { sends: deps.sends, decisions: deps.decisions, bus: deps.bus, log, clock, sleep, metrics: deps.metrics, ttlMs: deps.config.settings.decision_ttl };

  /** The retry budget and transports of one invocation; no retry starts inside the Lambda's last `deadlineMarginMs`. */
  const sendContext = (remainingTimeMs: number | undefined): SendContext => {
    const http: HttpPostContext = {
      fetch: deps.fetch ?? globalThis.fetch,
      retry: { ...DEFAULT_RETRY, ...deps.retry },
      sleep,
      now: () => clock().getTime(),
      random: deps.random ?? Math.random,
      // The Lambda's remaining time is wall time, whatever clock the decisions use.
      deadline: remainingTimeMs !== undefined ? Date.now() + remainingTimeMs - (deps.deadlineMarginMs ?? 5_000) : undefined,
    };
    return { http, sns: deps.sns, snsTopicArn: deps.snsTopicArn, clock, log };
  };

  return {
    async notify(requests, options = {}) {
      const context = sendContext(options.remainingTimeMs);
      const limit = limiter(deps.concurrency ?? 8);
      const results = new Map<string, ItemResult>();
      const itemErrors = new Map<string, Error | undefined>();
      const run = async (unit: SendUnit): Promise<void> => {
        try {
          const unitResults = await resultsOfUnit(unitDeps, unit, context);
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
