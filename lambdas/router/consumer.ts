import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { sqsEventHandler, type RecordFailure } from '../adapters/sqs/event-handler';
import { DetailType, notificationEventSchema } from '../shared/events';
import type { Log } from '../shared/log';
import type { Router } from './router';

/**
 * The router on its queue: the batch's `Alertmanager Notification` events
 * are routed together (so their decisions coalesce into few requests), and a
 * record fails only when its own work did. Lambda and local mode wrap it alike.
 */
export function routerConsumer(
  router: Router,
  options: { readonly log: Log; readonly onFailure?: (failure: RecordFailure) => void },
): (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse> {
  return sqsEventHandler({
    verb: 'route',
    detailTypes: { [DetailType.Notification]: notificationEventSchema },
    handleBatch: async ({ batch }) => {
      const outcome = await router.routeBatch(batch.map((event) => ({ messageId: event.messageId, eventId: event.eventId, notification: event.detail })));
      return outcome.errors;
    },
    log: options.log,
    onFailure: options.onFailure,
  });
}
