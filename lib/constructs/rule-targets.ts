import { Duration, aws_events_targets as targets, aws_lambda as lambda, aws_sqs as sqs } from 'aws-cdk-lib';

/**
 * EventBridge retries a failing delivery for up to a day (its own maximum),
 * then parks the event in the target's dead-letter queue instead of dropping it.
 */
const DELIVERY_RETRY = { retryAttempts: 185, maxEventAge: Duration.hours(24) } as const;

/** An SQS target that retries, then parks undeliverable events in `deadLetterQueue` (a standard queue). */
export function queueTarget(queue: sqs.IQueue, deadLetterQueue: sqs.IQueue, messageGroupId?: string): targets.SqsQueue {
  return new targets.SqsQueue(queue, { ...DELIVERY_RETRY, deadLetterQueue, messageGroupId });
}

/** A Lambda target that retries, then parks undeliverable events in `deadLetterQueue`. */
export function functionTarget(fn: lambda.IFunction, deadLetterQueue: sqs.IQueue): targets.LambdaFunction {
  return new targets.LambdaFunction(fn, { ...DELIVERY_RETRY, deadLetterQueue });
}
