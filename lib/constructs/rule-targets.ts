import { Duration, aws_events_targets as targets, aws_lambda as lambda, aws_sqs as sqs } from 'aws-cdk-lib';

/** EventBridge's bounds for a target's retry policy. */
const MIN_EVENT_AGE_S = 60;
const MAX_EVENT_AGE_S = 24 * 3600;
const MAX_RETRY_ATTEMPTS = 185;

/** Lambda's bounds for how long it keeps an asynchronous invocation (EventBridge invokes its Lambda targets so). */
const ASYNC_MIN_EVENT_AGE_S = 60;
const ASYNC_MAX_EVENT_AGE_S = 6 * 3600;

/** How long EventBridge keeps retrying a delivery, and how often at most. */
export interface DeliveryRetry {
  readonly maxEventAge: Duration;
  readonly retryAttempts: number;
}

/**
 * A retry policy that gives up on an event once it is `maxAge` old (clamped to
 * EventBridge's 60 s to 24 h) and parks it in the target's dead-letter queue.
 * Retries are capped at one per minute of allowed age on average (and at
 * EventBridge's 185), so a storm of failing deliveries stays bounded too.
 */
export function deliveryRetry(maxAge: Duration): DeliveryRetry {
  const seconds = Math.min(MAX_EVENT_AGE_S, Math.max(MIN_EVENT_AGE_S, Math.floor(maxAge.toSeconds({ integral: false }))));
  return { maxEventAge: Duration.seconds(seconds), retryAttempts: Math.min(MAX_RETRY_ATTEMPTS, Math.max(1, Math.floor(seconds / 60))) };
}

/**
 * The asynchronous invocations of a function EventBridge invokes: kept at
 * most `maxAge` (clamped to Lambda's 60 s to 6 h; its default is 6 h) and
 * retried twice, a minute and two minutes apart, as Lambda does.
 */
export function asyncInvokeWithin(maxAge: Duration): { readonly maxEventAge: Duration; readonly retryAttempts: number } {
  const seconds = Math.min(ASYNC_MAX_EVENT_AGE_S, Math.max(ASYNC_MIN_EVENT_AGE_S, Math.floor(maxAge.toSeconds({ integral: false }))));
  return { maxEventAge: Duration.seconds(seconds), retryAttempts: 2 };
}

/** An SQS target that retries within `retry`, then parks undeliverable events in `deadLetterQueue` (a standard queue). */
export function queueTarget(queue: sqs.IQueue, deadLetterQueue: sqs.IQueue, retry: DeliveryRetry, messageGroupId?: string): targets.SqsQueue {
  return new targets.SqsQueue(queue, { ...retry, deadLetterQueue, messageGroupId });
}

/** A Lambda target that retries within `retry`, then parks undeliverable events in `deadLetterQueue`. */
export function functionTarget(fn: lambda.IFunction, deadLetterQueue: sqs.IQueue, retry: DeliveryRetry): targets.LambdaFunction {
  return new targets.LambdaFunction(fn, { ...retry, deadLetterQueue });
}

/**
 * How late an Alertmanager notification may still be routed, and a page or
 * message still sent: six hours, for the routing and notify rules' targets and
 * queues alike. Late is better than lost here (the router sends one `Notify
 * Requested` per occurrence and none for Alertmanager's re-sends, so a dropped
 * request is a page never sent), but past a working shift a page is more
 * likely noise about an incident already handled. Six hours is also well past
 * any outage a retry could ride out, and within EventBridge's 24 h. A
 * notification that ages out is still in the bus archive (30 days) for a
 * replay; a notify request is not archived, and waits in the dead-letter
 * queue. Scale requests are held to `settings.max_action_age` instead.
 */
export const DEFAULT_NOTIFICATION_MAX_AGE = Duration.hours(6);
