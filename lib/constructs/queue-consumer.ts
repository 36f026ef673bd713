import {
  Duration,
  aws_lambda as lambda,
  aws_lambda_event_sources as eventSources,
  aws_sns as sns,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { DeadLetterQueue } from './dead-letter-queue';

/** Properties of a {@link QueueConsumer}. */
export interface QueueConsumerProps {
  /** The function that consumes the queue; its handler must return partial batch responses. */
  readonly consumer: lambda.Function;
  /** What the queue carries, for alarm descriptions: "alerts for the router". */
  readonly purpose: string;
  /** Operators' topic for the dead-letter alarm. */
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
}

/**
 * An SQS queue feeding a Lambda function, the way every stage of alertscale is
 * fed: SSE, TLS only, a dead-letter queue with an alarm, partial batch
 * responses (a failing record is retried, the rest of the batch is not redone),
 * and a visibility timeout six times the function's timeout plus the batching
 * window, as Lambda recommends, so a message is not handed out again while a
 * slow invocation still holds it.
 */
export class QueueConsumer extends Construct {
  /** The queue the consumer reads. */
  readonly queue: sqs.Queue;
  /** Where messages go after `maxReceiveCount` receives. */
  readonly deadLetterQueue: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: QueueConsumerProps) {
    super(scope, id);
    const fifo = props.fifo ?? false;
    if (fifo && props.maxBatchingWindow !== undefined) {
      throw new Error(`${this.node.path}: maxBatchingWindow is not supported on a FIFO queue; remove it`);
    }
    const timeout = props.consumer.timeout ?? Duration.seconds(3);
    const window = props.maxBatchingWindow?.toSeconds() ?? 0;

    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetterQueue', {
      purpose: `${props.purpose} that failed ${props.maxReceiveCount ?? 5} times`,
      alarmTopic: props.alarmTopic,
      fifo,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      fifo: fifo || undefined,
      contentBasedDeduplication: fifo || undefined,
      visibilityTimeout: Duration.seconds(6 * timeout.toSeconds() + window),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue.queue, maxReceiveCount: props.maxReceiveCount ?? 5 },
    });
    props.consumer.addEventSource(
      new eventSources.SqsEventSource(this.queue, {
        batchSize: props.batchSize ?? 10,
        maxBatchingWindow: props.maxBatchingWindow,
        reportBatchItemFailures: true,
      }),
    );
  }
}
