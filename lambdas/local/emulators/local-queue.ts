import { randomUUID } from 'node:crypto';
import type { Log } from '../../shared/log';
import type { JournalState, JournaledMessage, QueueJournal } from './queue-journal';
import { consumeBatch, sqsRecord, type HeldMessage, type SqsBatchConsumer } from './sqs-batch';

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
interface Message extends HeldMessage {
  /** Epoch ms from when it may be received (again, after a failed receive and its retry delay). */
  availableAt: number;
}

export type QueueConsumer = SqsBatchConsumer;

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
  /** Delay before a failed message is visible again (the visibility timeout's role). @default 200ms doubling, at most 5s */
  readonly retryDelayMs?: (receiveCount: number) => number;
  /** Batches in flight at once (standard queues). @default 4 */
  readonly concurrency?: number;
  /**
   * Makes the queue durable: every send, deletion, parking and redrive is
   * written to this journal before the call returns, and the messages it held
   * when opened are delivered again. A journaled queue delivers nothing until
   * `start()`, so the caller can finish wiring first. @default - in memory only
   */
  readonly journal?: QueueJournal | undefined;
}

const BATCH_ITEM_FAILURE = 'reported as a batch item failure';

/**
 * An in-process stand-in for an SQS queue with a Lambda event source: batches,
 * partial batch failures, redelivery after a delay, a dead-letter list after
 * `maxReceiveCount`, and FIFO message groups. Local mode runs the same
 * consumers that Lambda runs on it.
 *
 * With a `journal` it keeps SQS's promise across a crash of the process: a
 * message is in the journal when `send` returns, stays there until its
 * consumer succeeded (or it is parked), and is delivered again after a
 * restart — at least once, like SQS; the consumers are idempotent per message.
 * Receive counts start again from zero after a restart.
 *
 * FIFO: a group's head that is waiting to be retried holds back only its own
 * group. A record that fails stops the rest of its group in that batch (the
 * consumer reports them failed too), and every message delivered in a batch
 * counts a receive, as on SQS — so followers that shared a poison message's
 * batches can be parked with it; `redrive` brings them back.
 */
export class LocalQueue {
  /** Messages parked after their retries, oldest first. */
  readonly deadLetters: DeadLetter[] = [];
  /** Standard queue: every waiting message. */
  private readonly pending: Message[] = [];
  /** FIFO queue: waiting messages per message group, in order; a group with none is absent. */
  private readonly groups = new Map<string, Message[]>();
  private readonly inFlight = new Map<string, Message>();
  private batchesInFlight = 0;
  private readonly busyGroups = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private waiters: (() => void)[] = [];
  private drainWaiters: (() => void)[] = [];
  private stopped = false;
  private started = false;
  private disabled = false;
  private receiveTotal = 0;
  private consumer: QueueConsumer;
  /** Reasons the consumer gave for records of batches in flight, until their batch is settled. */
  private readonly failureReasons = new Map<string, string>();

  constructor(private readonly options: LocalQueueOptions) {
    this.consumer = options.consumer;
    const recovered = options.journal?.recovered;
    if (recovered) {
      const now = Date.now();
      for (const message of recovered.pending) this.enqueue({ ...fromJournal(message), availableAt: now });
      this.deadLetters.push(...recovered.deadLetters.map((m) => ({ queue: options.name, messageId: m.id, body: m.body, groupId: m.groupId, receiveCount: m.receiveCount, error: m.error, at: m.at })));
    }
  }

  get name(): string {
    return this.options.name;
  }

  /**
   * Wraps the consumer, as SDK middleware wraps a command: for counting and
   * timing batches (the benchmark) without touching the consumer itself.
   */
  use(middleware: (next: QueueConsumer) => QueueConsumer): void {
    this.consumer = middleware(this.consumer);
  }

  /**
   * The consumer's own words for why a record failed: an SQS batch response
   * carries none, so the consumer's failure hook tells the queue, which shows
   * the reason on the dead letter. Only records in flight are remembered.
   */
  noteFailure(failure: { readonly messageId: string; readonly reason: string }): void {
    if (this.inFlight.has(failure.messageId)) this.failureReasons.set(failure.messageId, failure.reason);
  }

  get fifo(): boolean {
    return this.options.fifo === true;
  }

  /** Messages waiting or being processed. */
  get depth(): number {
    let waiting = this.pending.length;
    for (const group of this.groups.values()) waiting += group.length;
    return waiting + this.inFlight.size;
  }

  /** Receives so far, across messages (each delivery of a message in a batch counts one). */
  get receives(): number {
    return this.receiveTotal;
  }

  /**
   * Puts a message on the queue. With a journal, the message is written to it
   * before this returns, so a caller that acknowledges after `send` returns
   * acknowledges only what survives a crash; when the journal cannot be
   * written this throws and the message is not queued.
   */
  send(body: string, groupId?: string): string {
    if (this.options.fifo && !groupId) throw new Error(`queue ${this.name} is FIFO: a message group id is required`);
    const now = Date.now();
    const message: Message = { messageId: randomUUID(), body, groupId, sentAt: now, receiveCount: 0, availableAt: now };
    this.options.journal?.append({ op: 'send', id: message.messageId, body, group: groupId, sentAt: now });
    this.enqueue(message);
    if (this.started || !this.options.journal) this.schedule(now + (this.options.batchWindowMs ?? 0));
    return message.messageId;
  }

  /**
   * Starts delivering what the journal held when the queue was made. Local
   * mode calls it once every queue and rule is wired, so a replayed message
   * finds everything it publishes to.
   */
  start(): void {
    this.started = true;
    if (this.depth > 0) this.schedule(Date.now());
  }

  /**
   * Moves dead letters back onto the queue, as SQS's redrive does: to the back
   * of the queue (of its group, on a FIFO queue), with a fresh receive count.
   * Without ids, every dead letter moves. Returns the ids moved.
   */
  redrive(messageIds?: readonly string[]): string[] {
    const wanted = messageIds ? new Set(messageIds) : undefined;
    const moved: string[] = [];
    const now = Date.now();
    for (let i = 0; i < this.deadLetters.length; ) {
      const letter = this.deadLetters[i]!;
      if (wanted && !wanted.has(letter.messageId)) {
        i++;
        continue;
      }
      this.options.journal?.append({ op: 'redrive', id: letter.messageId });
      this.deadLetters.splice(i, 1);
      this.enqueue({ messageId: letter.messageId, body: letter.body, groupId: letter.groupId, sentAt: now, receiveCount: 0, availableAt: now });
      moved.push(letter.messageId);
    }
    if (moved.length > 0) {
      this.options.log.info('dead letters moved back to the queue', { queue: this.name, count: moved.length });
      this.schedule(now);
    }
    return moved;
  }

  /** Resolves once nothing is waiting, in flight or due for retry. */
  idle(): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Whether the consumer is fed: false after `setEnabled(false)`. */
  get enabled(): boolean {
    return !this.disabled;
  }

  /**
   * Turns the consumer off and on, as disabling a Lambda function's SQS event
   * source mapping does: while off, messages wait in the queue (and its
   * journal) and nothing new goes to the consumer; batches already with it
   * finish. Not kept across restarts: a mapping switched off locally is on
   * again at the next start.
   */
  setEnabled(enabled: boolean): void {
    this.disabled = !enabled;
    if (enabled) this.schedule(Date.now());
  }

  /** Stops delivering. Messages sent afterwards are still journaled (and kept for the next start) but not delivered. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Resolves once no batch is with a consumer any more (after `stop`, nothing new starts). */
  settled(): Promise<void> {
    if (this.batchesInFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private enqueue(message: Message, front = false): void {
    if (!this.options.fifo) {
      if (front) this.pending.unshift(message);
      else this.pending.push(message);
      return;
    }
    const group = this.groups.get(message.groupId!);
    if (!group) this.groups.set(message.groupId!, [message]);
    else if (front) group.unshift(message);
    else group.push(message);
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
    // FIFO: the available head of one idle group, and the available messages right behind it.
    for (const [groupId, messages] of this.groups) {
      if (this.busyGroups.has(groupId) || messages[0]!.availableAt > now) continue;
      let count = 0;
      while (count < messages.length && count < size && messages[count]!.availableAt <= now) count++;
      const batch = messages.splice(0, count);
      if (messages.length === 0) this.groups.delete(groupId);
      this.busyGroups.add(groupId);
      return batch;
    }
    return [];
  }

  /** When the next waiting message becomes deliverable (a busy group's messages wait for their batch). */
  private nextAvailable(): number {
    let next = Number.POSITIVE_INFINITY;
    for (const message of this.pending) if (message.availableAt < next) next = message.availableAt;
    for (const [groupId, messages] of this.groups) {
      if (!this.busyGroups.has(groupId) && messages[0]!.availableAt < next) next = messages[0]!.availableAt;
    }
    return next;
  }

  private pump(): void {
    if (this.stopped || this.disabled) return;
    const now = Date.now();
    const limit = this.options.fifo ? Number.POSITIVE_INFINITY : (this.options.concurrency ?? 4);
    while (this.batchesInFlight < limit) {
      const batch = this.takeBatch(now);
      if (batch.length === 0) break;
      this.batchesInFlight++;
      for (const message of batch) this.inFlight.set(message.messageId, message);
      void this.deliver(batch);
    }
    const next = this.nextAvailable();
    if (Number.isFinite(next)) this.schedule(Math.max(next, now));
    this.notifyIdle();
  }

  private async deliver(batch: Message[]): Promise<void> {
    for (const message of batch) message.receiveCount++;
    this.receiveTotal += batch.length;
    const { failed, thrown: thrownError } = await consumeBatch(this.consumer, batch.map((m) => sqsRecord(m, this.name, 'local')));
    const retry: Message[] = [];
    for (const message of batch) {
      this.inFlight.delete(message.messageId);
      const reason = this.failureReasons.get(message.messageId);
      this.failureReasons.delete(message.messageId);
      if (!failed.has(message.messageId)) {
        this.journal('done', () => ({ op: 'done', id: message.messageId }));
        continue;
      }
      const error = thrownError ?? reason ?? BATCH_ITEM_FAILURE;
      if (message.receiveCount >= (this.options.maxReceiveCount ?? 5)) {
        const letter: DeadLetter = {
          queue: this.name,
          messageId: message.messageId,
          body: message.body,
          groupId: message.groupId,
          receiveCount: message.receiveCount,
          error,
          at: new Date().toISOString(),
        };
        this.journal('dlq', () => ({ op: 'dlq', id: letter.messageId, receiveCount: letter.receiveCount, error: letter.error, at: letter.at }));
        this.deadLetters.push(letter);
        this.options.log.error('message moved to the dead-letter list', { queue: this.name, messageId: message.messageId, receiveCount: message.receiveCount, error });
      } else {
        const delay = this.options.retryDelayMs?.(message.receiveCount) ?? Math.min(200 * 2 ** (message.receiveCount - 1), 5_000);
        message.availableAt = Date.now() + delay;
        retry.push(message);
      }
    }
    // FIFO order: retried messages go back to the front of their group, in their order.
    if (this.options.fifo) for (const message of retry.reverse()) this.enqueue(message, true);
    else this.pending.push(...retry);
    if (batch[0]?.groupId !== undefined && this.options.fifo) this.busyGroups.delete(batch[0].groupId);
    this.batchesInFlight--;
    this.compactIfDue();
    if (this.batchesInFlight === 0) {
      const drained = this.drainWaiters;
      this.drainWaiters = [];
      drained.forEach((resolve) => resolve());
    }
    this.pump();
  }

  /**
   * Writes a deletion or parking. If the journal cannot be written the message
   * is done in memory anyway; after a restart it is delivered again, which the
   * consumers absorb — at least once, never lost.
   */
  private journal(what: string, record: () => Parameters<QueueJournal['append']>[0]): void {
    const { journal } = this.options;
    if (!journal) return;
    try {
      journal.append(record());
    } catch (error) {
      this.options.log.error(`could not journal a ${what}; the message will be delivered again after a restart`, { queue: this.name, error: (error as Error).message });
    }
  }

  /** Keeps the journal about as large as what is live in the queue. */
  private compactIfDue(): void {
    const { journal } = this.options;
    if (!journal || !journal.shouldCompact(this.depth + this.deadLetters.length)) return;
    try {
      journal.compact(this.liveState());
    } catch (error) {
      this.options.log.error('could not compact the queue journal; it keeps growing until the next start', { queue: this.name, error: (error as Error).message });
    }
  }

  /** Everything not yet done, in an order that keeps each FIFO group's order: in flight first, then waiting. */
  private liveState(): JournalState {
    const waiting: Message[] = [...this.pending];
    for (const messages of this.groups.values()) waiting.push(...messages);
    const toJournal = (m: Message): JournaledMessage => ({ id: m.messageId, body: m.body, groupId: m.groupId, sentAt: m.sentAt });
    return {
      pending: [...this.inFlight.values(), ...waiting].map(toJournal),
      deadLetters: this.deadLetters.map((d) => ({ id: d.messageId, body: d.body, groupId: d.groupId, sentAt: Date.parse(d.at), receiveCount: d.receiveCount, error: d.error, at: d.at })),
    };
  }

  private notifyIdle(): void {
    if (this.depth > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((resolve) => resolve());
  }
}

const fromJournal = (message: JournaledMessage): Omit<Message, 'availableAt'> => ({
  messageId: message.id,
  body: message.body,
  groupId: message.groupId,
  sentAt: message.sentAt,
  receiveCount: 0,
});
