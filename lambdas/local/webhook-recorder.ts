import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AcceptedWebhook } from '../ingest/ingest';
import type { Log } from '../shared/log';

/** Past this size the recording is rotated. */
export const DEFAULT_RECORDING_MAX_BYTES = 64 * 1024 * 1024;
/** Rotated files kept besides the current one: `FILE.1` (newest) to `FILE.5` (oldest). */
export const DEFAULT_RECORDINGS_KEPT = 5;

export interface WebhookRecorderOptions {
  /** The recording, e.g. `history.jsonl`; created with its directory if absent, appended to if present. */
  readonly path: string;
  readonly log: Log;
  /** @default DEFAULT_RECORDING_MAX_BYTES (64 MiB) */
  readonly maxBytes?: number;
  /** @default DEFAULT_RECORDINGS_KEPT (5) */
  readonly keep?: number;
}

/** The recording file could not be opened; the message names it. */
export class WebhookRecordingError extends Error {
  override readonly name = 'WebhookRecordingError';
}

/**
 * `serve --record FILE`: appends every webhook ingest accepted to FILE as one
 * JSON line, `{"receivedAt": ISO, "body": <the webhook as parsed>}`, the
 * history `alertscale replay` reads.
 *
 * Durable as the queue journal is: each line goes out in one synchronous
 * `write(2)` on an `O_APPEND` descriptor before ingest answers 2xx, so an
 * acknowledged webhook is in the file even if the process is killed the next
 * moment (not through a power loss: there is no fsync per line).
 *
 * Bounded: a line that would take the file past `maxBytes` first rotates it —
 * FILE becomes FILE.1, FILE.1 becomes FILE.2, …, and what would become
 * FILE.(keep+1) is deleted — with a warning in the log, so a recording never
 * takes more than (keep + 1) × maxBytes of disk. Replay reads the rotated
 * files together with FILE in any order (it sorts by `receivedAt`).
 *
 * A write that fails is logged and the webhook is still answered 2xx: a
 * recording is for rehearsal and must never cost a scale-up.
 */
export class WebhookRecorder {
  private fd: number;
  private bytes: number;
  private closed = false;
  private failing = false;
  private readonly maxBytes: number;
  private readonly keep: number;

  private constructor(
    private readonly options: WebhookRecorderOptions,
    fd: number,
  ) {
    this.fd = fd;
    this.bytes = fstatSync(fd).size;
    this.maxBytes = options.maxBytes ?? DEFAULT_RECORDING_MAX_BYTES;
    this.keep = options.keep ?? DEFAULT_RECORDINGS_KEPT;
  }

  /** Opens (or creates) the recording for appending. Throws `WebhookRecordingError` when it cannot. */
  static open(options: WebhookRecorderOptions): WebhookRecorder {
    try {
      mkdirSync(dirname(options.path), { recursive: true });
      return new WebhookRecorder(options, openSync(options.path, 'a'));
    } catch (error) {
      throw new WebhookRecordingError(`cannot open the recording ${options.path}: ${(error as Error).message}`, { cause: error });
    }
  }

  get path(): string {
    return this.options.path;
  }

  /** Appends one accepted webhook; never throws (a failure is logged). */
  record(accepted: AcceptedWebhook): void {
    if (this.closed) return;
    try {
      const line = Buffer.from(`${JSON.stringify({ receivedAt: accepted.receivedAt, body: accepted.body })}\n`, 'utf8');
      if (this.bytes > 0 && this.bytes + line.byteLength > this.maxBytes) this.rotate();
      let offset = 0;
      while (offset < line.byteLength) offset += writeSync(this.fd, line, offset);
      this.bytes += line.byteLength;
      if (this.failing) this.options.log.info('recording webhooks again', { path: this.path });
      this.failing = false;
    } catch (error) {
      // Said once per run of failures, not once per webhook: a full disk would otherwise flood the log.
      if (!this.failing) this.options.log.error('could not record a webhook; it was accepted, but replay will not see it', { path: this.path, error: (error as Error).message, notificationId: accepted.notificationId });
      this.failing = true;
    }
  }

  /** Closes the file; later webhooks are not recorded. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  private rotate(): void {
    const { path } = this;
    closeSync(this.fd);
    try {
      rmSync(`${path}.${this.keep}`, { force: true });
      for (let n = this.keep - 1; n >= 1; n--) {
        if (existsSync(`${path}.${n}`)) renameSync(`${path}.${n}`, `${path}.${n + 1}`);
      }
      if (this.keep > 0) renameSync(path, `${path}.1`);
      else rmSync(path, { force: true });
    } finally {
      // Reopened whatever happened above: a closed descriptor's number may already belong to another file.
      try {
        this.fd = openSync(path, 'a');
        this.bytes = fstatSync(this.fd).size;
      } catch (error) {
        this.closed = true;
        this.options.log.error('could not reopen the recording; webhooks are no longer recorded', { path, error: (error as Error).message });
      }
    }
    this.options.log.warn(`recording ${path} reached ${this.maxBytes} bytes: rotated to ${path}.1, keeping ${this.keep} rotated file(s); older history is deleted`, { path });
  }
}
