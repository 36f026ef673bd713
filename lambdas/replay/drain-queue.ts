import { consumeBatch, sqsRecord, type HeldMessage, type SqsBatchConsumer } from '../local/emulators/sqs-batch';

/** A message a queue gave up on after its receives, and the consumer's reason. */
export interface ReplayDeadLetter {
  readonly queue: string;
  readonly body: string;
  readonly reason: string;
}

export type DrainConsumer = SqsBatchConsumer;

/** `sentAt` is its place in the queue, as SQS's FIFO sequence number: the virtual clock stands still while a queue drains. */
type Message = HeldMessage;

export interface DrainQueueOptions {
  readonly name: string;
  readonly consumer: DrainConsumer;
  /** First-in-first-out per message group, one batch per group at a time, as SQS FIFO. @default false */
  readonly fifo?: boolean;
  /** @default 10, as the stack's event sources */
  readonly batchSize?: number;
  /** @default 5, as the stack's redrive policies */
  readonly maxReceiveCount?: number;
}

/**
 * An SQS queue with its Lambda event source, for a clock that stands still:
 * the same batches, partial batch failures, FIFO message groups and
 * dead-lettering after `maxReceiveCount` as local mode's `LocalQueue`, but
 * delivered when replay calls `drain()` rather than on timers — a message
 * that failed is received again in the next round, at the same virtual
 * instant. The consumers are the stages' own SQS consumers.
 */
export class DrainQueue {
  readonly deadLetters: ReplayDeadLetter[] = [];
  private pending: Message[] = [];
  private next = 0;
  private readonly reasons = new Map<string, string>();

  constructor(private readonly options: DrainQueueOptions) {}

  get name(): string {
    return this.options.name;
  }

  get depth(): number {
    return this.pending.length;
  }

  send(body: string, groupId?: string): void {
    if (this.options.fifo && !groupId) throw new Error(`queue ${this.name} is FIFO: a message group id is required`);
    this.next += 1;
    this.pending.push({ messageId: `${this.name}-${this.next}`, body, groupId, sentAt: this.next, receiveCount: 0 });
  }

  /** The consumer's own words for why a record failed (its failure hook), shown on a dead letter. */
  noteFailure(failure: { readonly messageId: string; readonly reason: string }): void {
    this.reasons.set(failure.messageId, failure.reason);
  }

  /** Delivers one round: every waiting message, in batches (per message group on a FIFO queue). Resolves to how many were delivered. */
  async drain(): Promise<number> {
    const round = this.pending;
    this.pending = [];
    const retry: Message[] = [];
    for (const batch of this.batches(round)) retry.push(...(await this.deliver(batch)));
    // Retried messages go before anything sent meanwhile, keeping each group's order.
    this.pending = [...retry, ...this.pending];
    return round.length;
  }

  private batches(messages: readonly Message[]): Message[][] {
    const size = this.options.batchSize ?? 10;
    const batches: Message[][] = [];
    if (!this.options.fifo) {
      for (let i = 0; i < messages.length; i += size) batches.push(messages.slice(i, i + size));
      return batches;
    }
    const groups = new Map<string, Message[]>();
    for (const message of messages) groups.set(message.groupId!, [...(groups.get(message.groupId!) ?? []), message]);
    for (const group of groups.values()) for (let i = 0; i < group.length; i += size) batches.push(group.slice(i, i + size));
    return batches;
  }

  /** One batch to the consumer; resolves to the messages to receive again. */
  private async deliver(batch: readonly Message[]): Promise<Message[]> {
    for (const message of batch) message.receiveCount++;
    const { failed, thrown } = await consumeBatch(this.options.consumer, batch.map((message) => sqsRecord(message, this.name, 'replay')));
    const retry: Message[] = [];
    for (const message of batch) {
      if (!failed.has(message.messageId)) continue;
      const reason = thrown ?? this.reasons.get(message.messageId) ?? 'reported as a batch item failure';
      this.reasons.delete(message.messageId);
      if (message.receiveCount >= (this.options.maxReceiveCount ?? 5)) this.deadLetters.push({ queue: this.name, body: message.body, reason });
      else retry.push(message);
    }
    return retry;
  }
}
