import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Log } from '../../shared/ports';

/** A message parked after `maxReceiveCount` failed receives, where an operator can see it. */
export interface DeadLetter {
  readonly queue: string;
  readonly messageId: string;
  readonly body: string;
  readonly groupId?: string | undefined;
  readonly receiveCount: number;
  readonly error: string;
  readonly at: string;
}

interface Message {
  readonly messageId: string;
  readonly body: string;
  readonly groupId?: string | undefined;
  readonly sentAt: number;
  receiveCount: number;
  availableAt: number;
}

export type QueueConsumer = (event: SQSEvent) => Promise<SQSBatchResponse | void>;

export interface LocalQueueOptions {
  readonly name: string;
  readonly consumer: QueueConsumer;
  readonly log: Log;
  /** First-in-first-out per message group, one batch per group at a time, as SQS FIFO. @default false */
  readonly fifo?: boolean;
  /** @default 10 */
  readonly batchSize?: number;
  /** How long to gather a batch before invoking, like the event source's batching window. @default 0 */
  readonly batchWindowMs?: number;
  /** Receives before a message goes to the dead-letter list. @default 5 */
  readonly maxReceiveCount?: number;
  /** Delay before a failed message is visible again (the visibility timeout's role). @default 200ms doubling */
  readonly retryDelayMs?: (receiveCount: number) => number;
  /** Batches in flight at once (standard queues). @default 4 */
  readonly concurrency?: number;
}

/**
 * An in-process stand-in for an SQS queue with a Lambda event source: batches,
 * partial batch failures, redelivery after a delay, a dead-letter list after
 * `maxReceiveCount`, and FIFO message groups. Local mode runs the same
 * consumers that Lambda runs on it.
 */
export class LocalQueue {
  readonly deadLetters: DeadLetter[] = [];
  private readonly pending: Message[] = [];
  private inFlight = 0;
  private readonly busyGroups = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private waiters: (() => void)[] = [];
  private stopped = false;

  constructor(private readonly options: LocalQueueOptions) {}

  get name(): string {
    return this.options.name;
  }

  /** Messages waiting or being processed. */
  get depth(): number {
    return this.pending.length + this.inFlight;
  }

  send(body: string, groupId?: string): void {
    if (this.options.fifo && !groupId) throw new Error(`queue ${this.name} is FIFO: a message group id is required`);
    const now = Date.now();
    this.pending.push({ messageId: randomUUID(), body, groupId, sentAt: now, receiveCount: 0, availableAt: now });
    this.schedule(now + (this.options.batchWindowMs ?? 0));
  }

  /** Resolves once nothing is waiting, in flight or due for retry. */
  idle(): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(at: number): void {
    if (this.stopped || at >= this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timerAt = Number.POSITIVE_INFINITY;
      this.pump();
    }, Math.max(0, at - Date.now()));
  }

  private takeBatch(now: number): Message[] {
    const size = this.options.batchSize ?? 10;
    if (!this.options.fifo) {
      const batch: Message[] = [];
      for (let i = 0; i < this.pending.length && batch.length < size; ) {
        const message = this.pending[i]!;
        if (message.availableAt <= now) {
          batch.push(message);
          this.pending.splice(i, 1);
        } else i++;
      }
      return batch;
    }
    // FIFO: the head of one idle group, and as many of its followers as fit.
    const head = this.pending.find((m) => !this.busyGroups.has(m.groupId!));
    if (!head || head.availableAt > now) return [];
    const group = head.groupId!;
    const batch = this.pending.filter((m) => m.groupId === group).slice(0, size);
    for (const message of batch) this.pending.splice(this.pending.indexOf(message), 1);
    this.busyGroups.add(group);
    return batch;
  }

  private pump(): void {
    if (this.stopped) return;
    const now = Date.now();
    const limit = this.options.fifo ? Number.POSITIVE_INFINITY : (this.options.concurrency ?? 4);
    while (this.inFlight < limit) {
      const batch = this.takeBatch(now);
      if (batch.length === 0) break;
      this.inFlight++;
      void this.deliver(batch);
    }
    const next = Math.min(...this.pending.filter((m) => !(m.groupId && this.busyGroups.has(m.groupId))).map((m) => m.availableAt));
    if (Number.isFinite(next)) this.schedule(Math.max(next, now));
    this.notifyIdle();
  }

  private async deliver(batch: Message[]): Promise<void> {
    for (const message of batch) message.receiveCount++;
    let failed: Set<string>;
    let error = 'reported as a batch item failure';
    try {
      const response = await this.options.consumer({ Records: batch.map((m) => this.toRecord(m)) });
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (thrown) {
      // A consumer that throws fails its whole batch, as a Lambda invocation error does.
      error = (thrown as Error).message;
      failed = new Set(batch.map((m) => m.messageId));
    }
    const retry: Message[] = [];
    for (const message of batch) {
      if (!failed.has(message.messageId)) continue;
      if (message.receiveCount >= (this.options.maxReceiveCount ?? 5)) {
        this.deadLetters.push({
          queue: this.name,
          messageId: message.messageId,
          body: message.body,
          groupId: message.groupId,
          receiveCount: message.receiveCount,
          error,
          at: new Date().toISOString(),
        });
        this.options.log.error('message moved to the dead-letter list', { queue: this.name, messageId: message.messageId, receiveCount: message.receiveCount });
      } else {
        const delay = this.options.retryDelayMs?.(message.receiveCount) ?? Math.min(200 * 2 ** (message.receiveCount - 1), 5_000);
        message.availableAt = Date.now() + delay;
        retry.push(message);
      }
    }
    // FIFO order: retried messages go back to the front of their group.
    if (this.options.fifo) this.pending.unshift(...retry);
    else this.pending.push(...retry);
    if (batch[0]?.groupId) this.busyGroups.delete(batch[0].groupId);
    this.inFlight--;
    this.pump();
  }

  private toRecord(message: Message): SQSRecord {
    return {
      messageId: message.messageId,
      receiptHandle: message.messageId,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentAt),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(message.sentAt),
        ...(message.groupId ? { MessageGroupId: message.groupId, MessageDeduplicationId: message.messageId, SequenceNumber: String(message.sentAt) } : {}),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:local:000000000000:${this.name}`,
      awsRegion: 'local',
    };
  }

  private notifyIdle(): void {
    if (this.depth > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((resolve) => resolve());
  }
}
