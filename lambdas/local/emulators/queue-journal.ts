import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Log } from '../../shared/log';

/**
 * One line of a queue journal (JSON Lines). A message is `send`, then either
 * `done` (deleted after its consumer succeeded) or `dlq` (parked); a parked
 * message may come back with `redrive`.
 */
export type JournalRecord =
  | { readonly op: 'send'; readonly id: string; readonly body: string; readonly group?: string | undefined; readonly sentAt: number }
  | { readonly op: 'done'; readonly id: string }
  | { readonly op: 'dlq'; readonly id: string; readonly receiveCount: number; readonly error: string; readonly at: string }
  | { readonly op: 'redrive'; readonly id: string };

/** A message the journal holds: sent, and neither deleted nor parked. */
export interface JournaledMessage {
  readonly id: string;
  readonly body: string;
  readonly groupId?: string | undefined;
  readonly sentAt: number;
}

/** A parked message as the journal holds it. */
export interface JournaledDeadLetter extends JournaledMessage {
  readonly receiveCount: number;
  readonly error: string;
  readonly at: string;
}

/** What a journal holds: the messages still to process, in send order, and the dead-letter list. */
export interface JournalState {
  readonly pending: readonly JournaledMessage[];
  readonly deadLetters: readonly JournaledDeadLetter[];
}

/** The journal file could not be read, written or compacted; the message names the file. */
export class QueueJournalError extends Error {
  override readonly name = 'QueueJournalError';
}

/**
 * Rebuilds a queue's state from its journal text. Lines that do not parse are
 * skipped and counted: the only one a crash can leave is a torn last line, a
 * record whose write never completed — and whose message was therefore never
 * acknowledged.
 */
export function replayJournal(text: string): JournalState & { readonly skippedLines: number } {
  const messages = new Map<string, JournaledMessage | JournaledDeadLetter>();
  const parked = new Set<string>();
  let skippedLines = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let record: JournalRecord;
    try {
      record = JSON.parse(line) as JournalRecord;
    } catch {
      skippedLines++;
      continue;
    }
    if (typeof record !== 'object' || record === null || typeof record.id !== 'string') {
      skippedLines++;
      continue;
    }
    switch (record.op) {
      case 'send':
        if (typeof record.body !== 'string') {
          skippedLines++;
          break;
        }
        messages.set(record.id, { id: record.id, body: record.body, groupId: record.group, sentAt: record.sentAt });
        break;
      case 'done':
        messages.delete(record.id);
        parked.delete(record.id);
        break;
      case 'dlq': {
        const message = messages.get(record.id);
        if (!message) break;
        messages.set(record.id, { ...message, receiveCount: record.receiveCount, error: record.error, at: record.at });
        parked.add(record.id);
        break;
      }
      case 'redrive': {
        const message = messages.get(record.id);
        if (!message || !parked.has(record.id)) break;
        // Back of its queue (and of its FIFO group), as SQS's redrive sends it anew.
        messages.delete(record.id);
        messages.set(record.id, { id: message.id, body: message.body, groupId: message.groupId, sentAt: message.sentAt });
        parked.delete(record.id);
        break;
      }
      default:
        skippedLines++;
    }
  }
  const pending: JournaledMessage[] = [];
  const deadLetters: JournaledDeadLetter[] = [];
  for (const message of messages.values()) {
    if (parked.has(message.id)) deadLetters.push(message as JournaledDeadLetter);
    else pending.push(message);
  }
  return { pending, deadLetters, skippedLines };
}

/** The journal lines that recreate `state` and nothing else. */
export function journalLines(state: JournalState): string {
  const lines: string[] = [];
  for (const m of state.pending) lines.push(JSON.stringify({ op: 'send', id: m.id, body: m.body, group: m.groupId, sentAt: m.sentAt }));
  for (const m of state.deadLetters) {
    lines.push(JSON.stringify({ op: 'send', id: m.id, body: m.body, group: m.groupId, sentAt: m.sentAt }));
    lines.push(JSON.stringify({ op: 'dlq', id: m.id, receiveCount: m.receiveCount, error: m.error, at: m.at }));
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

export interface QueueJournalOptions {
  /** The journal file, e.g. `DATA_DIR/queues/alertscale-alerts.jsonl`; created with its directory if absent. */
  readonly path: string;
  readonly log?: Log | undefined;
  /**
   * Appended records after which the queue may compact the journal down to
   * its live messages (see `shouldCompact`). @default 10000
   */
  readonly compactAfter?: number;
}

/**
 * An append-only journal that makes one local queue survive a crash of the
 * process: nothing acknowledged is lost.
 *
 * Durability: every record is written with a synchronous `write(2)` on a
 * descriptor opened `O_APPEND`, before the call returns — so once `send`
 * returns, the message is in the kernel's page cache and survives the process
 * being killed (SIGKILL, the OOM killer, an uncaught exception). There is no
 * `fdatasync` per write: local mode's other store, dynalite's LevelDB, does not
 * sync its writes either, so syncing the queues alone would not make the
 * pipeline survive a power loss or kernel crash — it would only cost a disk
 * flush per webhook. That is AWS mode's job (SQS, DynamoDB). Compaction, which
 * replaces the file, does fsync the new file and its directory before and
 * after the rename, so a crash mid-compaction leaves either the old journal or
 * the complete new one.
 *
 * Opening replays the file into `recovered` and compacts it at once, which
 * also drops a torn last line before anything is appended after it.
 */
export class QueueJournal {
  /** What the journal held when it was opened: messages to process again, and the dead-letter list. */
  readonly recovered: JournalState;
  readonly path: string;
  private fd: number;
  private closed = false;
  private appended = 0;
  private readonly compactAfter: number;

  private constructor(options: QueueJournalOptions, recovered: JournalState, fd: number) {
    this.path = options.path;
    this.recovered = recovered;
    this.fd = fd;
    this.compactAfter = options.compactAfter ?? 10_000;
  }

  /** Opens (or creates) the journal at `options.path`, replays it and compacts it. */
  static open(options: QueueJournalOptions): QueueJournal {
    const { path, log } = options;
    try {
      mkdirSync(dirname(path), { recursive: true });
      const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
      const { skippedLines, ...state } = replayJournal(text);
      if (skippedLines > 0) log?.warn('skipped unreadable queue journal lines (a write torn by a crash)', { path, skippedLines });
      writeCompacted(path, state);
      const fd = openSync(path, 'a');
      if (state.pending.length > 0 || state.deadLetters.length > 0) {
        log?.info('queue journal replayed', { path, pending: state.pending.length, deadLetters: state.deadLetters.length });
      }
      return new QueueJournal(options, state, fd);
    } catch (error) {
      throw new QueueJournalError(`cannot open the queue journal ${path}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Appends a record; returns once it is written to the OS. Throws `QueueJournalError` when it cannot be. */
  append(record: JournalRecord): void {
    // A closed descriptor's number may already belong to another file: never write through it.
    if (this.closed) throw new QueueJournalError(`the queue journal ${this.path} is closed`);
    const line = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
    try {
      // One write of the whole line: appends of a line never interleave with another's.
      let offset = 0;
      while (offset < line.byteLength) offset += writeSync(this.fd, line, offset);
    } catch (error) {
      throw new QueueJournalError(`cannot write to the queue journal ${this.path}: ${(error as Error).message}`, { cause: error });
    }
    this.appended++;
  }

  /** Whether enough has been appended that rewriting the journal with only `liveCount` messages pays. */
  shouldCompact(liveCount: number): boolean {
    return this.appended >= Math.max(this.compactAfter, 4 * liveCount);
  }

  /** Replaces the journal with exactly `state` (the queue's live messages), atomically. */
  compact(state: JournalState): void {
    if (this.closed) throw new QueueJournalError(`the queue journal ${this.path} is closed`);
    try {
      closeSync(this.fd);
      writeCompacted(this.path, state);
      this.fd = openSync(this.path, 'a');
      this.appended = 0;
    } catch (error) {
      throw new QueueJournalError(`cannot compact the queue journal ${this.path}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Closes the file; later appends throw `QueueJournalError`. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

function writeCompacted(path: string, state: JournalState): void {
  const temporary = `${path}.compacting`;
  const fd = openSync(temporary, 'w');
  try {
    const bytes = Buffer.from(journalLines(state), 'utf8');
    let offset = 0;
    while (offset < bytes.byteLength) offset += writeSync(fd, bytes, offset);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  // The rename is durable only once the directory entry is.
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/** Where the journal of queue `name` lives under a data directory. */
export const journalPath = (dataDir: string, name: string) => join(dataDir, 'queues', `${name}.jsonl`);
