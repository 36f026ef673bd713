import {
  Duration,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as cloudwatchActions,
  aws_lambda as lambda,
  aws_lambda_event_sources as eventSources,
  aws_sns as sns,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { InfrastructureError } from '../errors';
import { DeadLetterQueue } from './dead-letter-queue';

/** Properties of a {@link QueueConsumer}. */
export interface QueueConsumerProps {
  /** The function that consumes the queue; its handler must return partial batch responses. */
  readonly consumer: lambda.Function;
  /** What the queue carries, for alarm descriptions: "notifications for the router". */
  readonly purpose: string;
  /** Operators' topic for the dead-letter and message-age alarms. */
  readonly alarmTopic: sns.ITopic;
  /**
   * A FIFO queue with content-based deduplication; message groups then run one
   * at a time, in order.
   * @default false
   */
  readonly fifo?: boolean;
  /**
   * Records per invocation.
   * @default 10
   */
  readonly batchSize?: number;
  /**
   * How long Lambda gathers records before invoking. Not allowed on FIFO queues.
   * @default - none: invoke as soon as records are there
   */
  readonly maxBatchingWindow?: Duration;
  /**
   * Receives before a message is parked in the dead-letter queue.
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * How long a received message stays hidden; a failed one is received again
   * after this. At least the consumer's timeout (Lambda refuses less).
   * @default - six times the consumer's timeout plus the batching window, as Lambda recommends
   */
  readonly visibilityTimeout?: Duration;
  /**
   * How long SQS keeps a message that was never processed; older ones are deleted.
   * @default Duration.days(4) - SQS's own default
   */
  readonly retentionPeriod?: Duration;
  /**
   * The age of the oldest waiting message that raises the age alarm.
   * @default Duration.minutes(5)
   */
  readonly maxExpectedAge?: Duration;
  /**
   * What to do with messages in the dead-letter queue, for its alarm.
   * @default - inspect them and redrive once the cause is fixed
   */
  readonly deadLetterAdvice?: string;
}

/**
 * An SQS queue feeding a Lambda function, the way every stage of alertscale is
 * fed: SSE, TLS only, a dead-letter queue with an alarm, partial batch
 * responses (a failing record is retried, the rest of the batch is not redone),
 * a visibility timeout of six times the function's timeout plus the batching
 * window unless the stage needs faster retries, and an alarm when the oldest
 * message has waited longer than the stage should ever take.
 */
export class QueueConsumer extends Construct {
  /** The queue the consumer reads. */
  readonly queue: sqs.Queue;
  /** Where messages go after `maxReceiveCount` receives. */
  readonly deadLetterQueue: DeadLetterQueue;
  /** ApproximateAgeOfOldestMessage above `maxExpectedAge`: the consumer is behind, stuck or failing. */
  readonly ageAlarm: cloudwatch.Alarm;
  /** The receives before a message is parked. */
  readonly maxReceiveCount: number;

  constructor(scope: Construct, id: string, props: QueueConsumerProps) {
    super(scope, id);
    const fifo = props.fifo ?? false;
    if (fifo && props.maxBatchingWindow !== undefined) {
      throw new InfrastructureError(`${this.node.path}: maxBatchingWindow is not supported on a FIFO queue; remove it`);
    }
    const timeout = props.consumer.timeout ?? Duration.seconds(3);
    const window = props.maxBatchingWindow?.toSeconds() ?? 0;
    const visibilityTimeout = props.visibilityTimeout ?? Duration.seconds(6 * timeout.toSeconds() + window);
    if (visibilityTimeout.toSeconds() < timeout.toSeconds()) {
      throw new InfrastructureError(
        `${this.node.path}: visibilityTimeout ${visibilityTimeout.toSeconds()} s is shorter than the consumer's timeout ${timeout.toSeconds()} s; Lambda refuses that event source: make it at least ${timeout.toSeconds()} s`,
      );
    }
    this.maxReceiveCount = props.maxReceiveCount ?? 5;

    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetterQueue', {
      purpose: `${props.purpose} that failed ${this.maxReceiveCount} times`,
      alarmTopic: props.alarmTopic,
      fifo,
      advice: props.deadLetterAdvice,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      fifo: fifo || undefined,
      contentBasedDeduplication: fifo || undefined,
      visibilityTimeout,
      retentionPeriod: props.retentionPeriod,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue.queue, maxReceiveCount: this.maxReceiveCount },
    });
    props.consumer.addEventSource(
      new eventSources.SqsEventSource(this.queue, {
        batchSize: props.batchSize ?? 10,
        maxBatchingWindow: props.maxBatchingWindow,
        reportBatchItemFailures: true,
      }),
    );

    const maxAge = props.maxExpectedAge ?? Duration.minutes(5);
    this.ageAlarm = new cloudwatch.Alarm(this, 'AgeAlarm', {
      alarmDescription: `alertscale: the oldest of the ${props.purpose} has waited over ${maxAge.toHumanString()}; the consumer is behind, stuck on a failing message or not running`,
      metric: this.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: maxAge.toSeconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.ageAlarm.addAlarmAction(new cloudwatchActions.SnsAction(props.alarmTopic));
  }
}
