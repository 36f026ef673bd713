import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

/** A consumer of SQS batches, as a Lambda function with `ReportBatchItemFailures` is. */
export type SqsBatchConsumer = (event: SQSEvent) => Promise<SQSBatchResponse | void>;

/** What the in-process queues know of a message to hand it over as SQS would. */
export interface QueuedMessage {
  readonly messageId: string;
  readonly body: string;
  readonly groupId?: string | undefined;
  readonly receiveCount: number;
  /** Epoch ms it was sent; also its FIFO sequence number. */
  readonly sentAt: number;
}

/** A message while a queue holds it: its receive count goes up with every receive. */
export type HeldMessage = Omit<QueuedMessage, 'receiveCount'> & { receiveCount: number };

/**
 * A message as SQS hands it to a Lambda function: the record shape the
 * stages' SQS adapter parses, with the receive count, and on a FIFO queue the
 * message group and a sequence number.
 */
export function sqsRecord(message: QueuedMessage, queue: string, region: string): SQSRecord {
  return {
    messageId: message.messageId,
    receiptHandle: message.messageId,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentAt),
      SenderId: region,
      ApproximateFirstReceiveTimestamp: String(message.sentAt),
      ...(message.groupId ? { MessageGroupId: message.groupId, MessageDeduplicationId: message.messageId, SequenceNumber: String(message.sentAt) } : {}),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${region}:000000000000:${queue}`,
    awsRegion: region,
  };
}

/** Which records of a batch failed, and the error when the consumer threw. */
export interface BatchOutcome {
  readonly failed: ReadonlySet<string>;
  /** The consumer threw: every record failed, with this message. */
  readonly thrown?: string | undefined;
}

/** Hands one batch to the consumer; a consumer that throws fails its whole batch, as a Lambda invocation error does. */
export async function consumeBatch(consumer: SqsBatchConsumer, records: readonly SQSRecord[]): Promise<BatchOutcome> {
  try {
    const response = await consumer({ Records: [...records] });
    return { failed: new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier)) };
  } catch (error) {
    return { failed: new Set(records.map((record) => record.messageId)), thrown: (error as Error).message };
  }
}
