import { BatchProcessor, EventType, processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import type { Log } from '../../shared/log';

/**
 * The one inbound adapter for "an EventBridge event delivered by an SQS
 * target", which is how every stage after ingest is fed. It parses each
 * record's body as the EventBridge envelope, routes it by detail-type to the
 * schema the stage declared, hands the typed events to the stage's use case,
 * and answers SQS with a partial batch response (Powertools' batch
 * processing), so only the records that failed are delivered again.
 */

/**
 * A record no retry can fix: not JSON, not an EventBridge event, a
 * detail-type the stage does not take, or a detail that does not parse. It
 * fails like any other record, and SQS parks it in the DLQ after its receives.
 */
export class PoisonMessageError extends Error {
  override readonly name = 'PoisonMessageError';
  constructor(
    readonly messageId: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`message ${messageId} ${reason}`, options);
  }
}

/** An event as the use case receives it: the detail typed by its detail-type's schema. */
export interface InboundEvent<K extends string = string, T = unknown> {
  readonly detailType: K;
  readonly source: string;
  /** The EventBridge event id: the same on every delivery of this event. */
  readonly eventId: string;
  /** The SQS message id: the same on every receive of this message. */
  readonly messageId: string;
  readonly detail: T;
}

/** The detail schema of each detail-type a stage takes. */
export type DetailSchemas = Readonly<Record<string, z.ZodMiniType>>;

/** The union of typed events for a stage's detail schemas. */
export type InboundOf<S extends DetailSchemas> = { [K in keyof S & string]: InboundEvent<K, z.infer<S[K]>> }[keyof S & string];

/** The invocation an event arrived in. */
export interface Invocation<S extends DetailSchemas> {
  readonly batch: readonly InboundOf<S>[];
  /** Lambda's context (its remaining time); absent in local mode. */
  readonly context?: Context | undefined;
}

/** Why one record failed: told to the failure hook, so nothing has to learn it from a log line. */
export interface RecordFailure {
  readonly messageId: string;
  readonly reason: string;
  /** True when no retry can help (a `PoisonMessageError`). */
  readonly poison: boolean;
}

interface SqsEventHandlerBase<S extends DetailSchemas> {
  /** What the stage does, for the failure reason: `"route"` gives "could not route record: …". */
  readonly verb: string;
  readonly detailTypes: S;
  /**
   * A FIFO queue: records run in order, and a failure fails the rest of its
   * message group in this batch (so order holds), while other groups go on.
   * @default false
   */
  readonly fifo?: boolean;
  readonly log: Log;
  /** Called once for every record that fails, with its reason. @default - none */
  readonly onFailure?: (failure: RecordFailure) => void;
}

/** The stage's use case: one event at a time, or the batch as a whole; exactly one of the two. */
export type SqsEventHandlerOptions<S extends DetailSchemas> = SqsEventHandlerBase<S> &
  (
    | {
        /** The use case, one event at a time. Throw to fail the record; SQS delivers it again. */
        readonly handle: (event: InboundOf<S>) => Promise<unknown>;
        readonly handleBatch?: never;
      }
    | {
        /**
         * The use case for a use case that acts on a batch as a whole (coalescing
         * the alerts of several notifications): called once per invocation with
         * every event that parsed; resolves to each record's error by message id
         * (absent or `undefined`: done).
         */
        readonly handleBatch: (invocation: Invocation<S>) => Promise<ReadonlyMap<string, Error | undefined>>;
        readonly handle?: never;
      }
  );

// EventBridge always sets `id` and `source`; a message without them (put on the queue by hand) is still read by detail-type.
const envelopeSchema = z.looseObject({ id: z.optional(z.string()), 'detail-type': z.string(), source: z.optional(z.string()), detail: z.unknown() });

const article = (word: string) => (/^[aeiou]/i.test(word) ? 'an' : 'a');

function describeIssue(issues: readonly z.core.$ZodIssue[]): string {
  const issue = issues[0];
  if (!issue) return 'invalid';
  return `${issue.path.length > 0 ? issue.path.join('.') : '(detail)'}: ${issue.message}`;
}

/** Parses one record into the typed event it carries, or throws `PoisonMessageError`. */
export function parseRecord<S extends DetailSchemas>(record: Pick<SQSRecord, 'body' | 'messageId'>, detailTypes: S): InboundOf<S> {
  const expected = Object.keys(detailTypes);
  const what = expected.map((type) => `"${type}"`).join(' or ');
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch (error) {
    throw new PoisonMessageError(record.messageId, 'is not JSON', { cause: error });
  }
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) {
    throw new PoisonMessageError(record.messageId, `is not an EventBridge event: ${describeIssue(envelope.error.issues)}`, { cause: envelope.error });
  }
  const detailType = envelope.data['detail-type'];
  const schema = Object.hasOwn(detailTypes, detailType) ? detailTypes[detailType] : undefined;
  if (!schema) {
    throw new PoisonMessageError(record.messageId, `is not ${article(expected[0] ?? '')} ${what} event (detail-type ${JSON.stringify(detailType)})`);
  }
  const detail = schema.safeParse(envelope.data.detail);
  if (!detail.success) {
    throw new PoisonMessageError(record.messageId, `is not a valid "${detailType}" event: ${describeIssue(detail.error.issues)}`, { cause: detail.error });
  }
  const { id = record.messageId, source = '' } = envelope.data;
  return { detailType, source, eventId: id, messageId: record.messageId, detail: detail.data } as InboundOf<S>;
}

/**
 * Builds a stage's SQS consumer: `(SQSEvent) => SQSBatchResponse`. Every
 * record is parsed first (so `handle` sees the whole batch), then each is
 * handled; a record that throws is reported as a batch item failure, logged
 * once, and told to `onFailure` with its reason. A batch whose every record
 * failed is reported like any other, so local mode and Lambda agree.
 */
export function sqsEventHandler<S extends DetailSchemas>(options: SqsEventHandlerOptions<S>): (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse> {
  const { detailTypes, log } = options;
  return (event, context) => {
    const parsed = new Map<string, InboundOf<S> | PoisonMessageError>();
    for (const record of event.Records) {
      try {
        parsed.set(record.messageId, parseRecord(record, detailTypes));
      } catch (error) {
        if (!(error instanceof PoisonMessageError)) throw error;
        parsed.set(record.messageId, error);
      }
    }
    const invocation: Invocation<S> = { batch: [...parsed.values()].filter((entry): entry is InboundOf<S> => !(entry instanceof PoisonMessageError)), context };
    let batchRun: Promise<ReadonlyMap<string, Error | undefined>> | undefined;
    const run = async (entry: InboundOf<S>): Promise<void> => {
      if (options.handle) {
        await options.handle(entry);
        return;
      }
      batchRun ??= options.handleBatch(invocation);
      const error = (await batchRun).get(entry.messageId);
      if (error) throw error;
    };

    const handleRecord = async (record: SQSRecord): Promise<void> => {
      const entry = parsed.get(record.messageId);
      try {
        if (entry === undefined || entry instanceof PoisonMessageError) throw entry ?? new PoisonMessageError(record.messageId, 'was not in the batch');
        await run(entry);
      } catch (error) {
        const err = error as Error;
        const poison = err instanceof PoisonMessageError;
        const reason = `could not ${options.verb} record: ${err.message}`;
        log.error(poison ? `${reason}; it goes to the DLQ` : `${reason}; it will be retried, then parked in the DLQ`, { messageId: record.messageId, error: err.message });
        options.onFailure?.({ messageId: record.messageId, reason, poison });
        throw error;
      }
    };
    const withContext = context ? { context } : {};
    // A processor per batch: it holds one batch's state, and local mode runs several batches at once.
    if (options.fifo) {
      return processPartialResponse(event, handleRecord, new SqsFifoPartialProcessorAsync(), { ...withContext, skipGroupOnError: true, throwOnFullBatchFailure: false });
    }
    return processPartialResponse(event, handleRecord, new BatchProcessor(EventType.SQS), { ...withContext, throwOnFullBatchFailure: false });
  };
}
