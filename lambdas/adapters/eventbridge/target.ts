import type { EventBridgeEvent } from 'aws-lambda';
import type * as z from 'zod/mini';
import type { Log } from '../../shared/log';

/** An event whose detail is not what the target takes; Lambda's retries cannot fix it, so it ends in the DLQ. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}

/**
 * A Lambda invoked directly by an EventBridge rule (asynchronously): the
 * detail is parsed with `schema` and handed to the use case. A detail that
 * does not parse, or a use case that throws, fails the invocation, which
 * Lambda retries and then parks in the function's dead-letter queue.
 */
export function eventBridgeTarget<S extends z.ZodMiniType>(
  schema: S,
  /** Gets the parsed detail, and the event itself for its envelope (`time`). */
  handle: (detail: z.infer<S>, event: Pick<EventBridgeEvent<string, unknown>, 'detail' | 'detail-type' | 'id'> & { readonly time?: string }) => Promise<void>,
  log: Log,
): (event: Pick<EventBridgeEvent<string, unknown>, 'detail' | 'detail-type' | 'id'> & { readonly time?: string }) => Promise<void> {
  return async (event) => {
    const parsed = schema.safeParse(event.detail);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      log.error('event detail does not parse; it goes to the DLQ after the retries', { eventId: event.id, detailType: event['detail-type'], issue: issue?.message });
      throw new InvalidEventError(`"${event['detail-type']}" event ${event.id} detail does not parse: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim());
    }
    await handle(parsed.data, event);
  };
}
