import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { sqsEventHandler, type RecordFailure } from '../adapters/sqs/event-handler';
import { DetailType, notifyRequestedSchema } from '../shared/events';
import type { Log } from '../shared/log';
import type { Notifier } from './notifier';

/**
 * The notifier on its queue: the batch's `Notify Requested` events are sent
 * together, and each record fails only when its own request must be retried.
 */
export function notifierConsumer(
  notifier: Notifier,
  options: { readonly log: Log; readonly onFailure?: (failure: RecordFailure) => void },
): (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse> {
  return sqsEventHandler({
    verb: 'notify',
    detailTypes: { [DetailType.NotifyRequested]: notifyRequestedSchema },
    handleBatch: async ({ batch, context }) => {
      const errors = await notifier.notify(
        batch.map((event) => event.detail),
        { remainingTimeMs: context?.getRemainingTimeInMillis() },
      );
      return new Map(batch.map((event, i) => [event.messageId, errors[i]]));
    },
    log: options.log,
    onFailure: options.onFailure,
  });
}
