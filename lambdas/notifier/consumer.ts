import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { sqsEventHandler, type InboundEvent, type RecordFailure } from '../adapters/sqs/event-handler';
import { DetailType, notifyRequestedSchema } from '../shared/events';
import type { Log } from '../shared/log';
import type { Notifier } from './notifier';
import { keyOfRequest } from './send-units';

/**
 * The notifier on its queue: the batch's `Notify Requested` events are sent
 * together (so a group notification's alerts make one message), and each
 * record fails only when its own request must be retried.
 */
export function notifierConsumer(
  notifier: Notifier,
  options: { readonly log: Log; readonly onFailure?: (failure: RecordFailure) => void },
): (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse> {
  // One send per batch: the first record handled starts it, the others await the same run.
  const runs = new WeakMap<readonly InboundEvent[], Promise<ReadonlyMap<string, Error | undefined>>>();
  return sqsEventHandler({
    verb: 'notify',
    detailTypes: { [DetailType.NotifyRequested]: notifyRequestedSchema },
    handle: async (event, { batch, context }) => {
      let run = runs.get(batch);
      if (!run) {
        run = notifier.notify(
          batch.map((entry) => entry.detail),
          { remainingTimeMs: context?.getRemainingTimeInMillis() },
        );
        runs.set(batch, run);
      }
      const error = (await run).get(keyOfRequest(event.detail));
      if (error) throw error;
    },
    log: options.log,
    onFailure: options.onFailure,
  });
}
