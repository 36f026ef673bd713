import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { sqsEventHandler, type RecordFailure } from '../adapters/sqs/event-handler';
import type { Log } from '../shared/log';
import type { DrainRequests } from './drain-request';
import { TERMINATE_LIFECYCLE_ACTION, TERMINATE_SUCCESSFUL, terminateLifecycleActionSchema, terminateSuccessfulSchema } from './lifecycle-events';

/**
 * The drain on a queue of Auto Scaling's lifecycle and termination events,
 * as local mode feeds it (on AWS they come straight from the default bus).
 */
export function drainConsumer(drains: DrainRequests, options: { readonly log: Log; readonly onFailure?: (failure: RecordFailure) => void }): (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse> {
  return sqsEventHandler({
    verb: 'drain',
    detailTypes: { [TERMINATE_LIFECYCLE_ACTION]: terminateLifecycleActionSchema, [TERMINATE_SUCCESSFUL]: terminateSuccessfulSchema },
    handle: async (event) => {
      if (event.detailType === TERMINATE_SUCCESSFUL) return drains.handleTerminated(event.detail);
      return drains.handleLifecycleAction(event.detail);
    },
    log: options.log,
    onFailure: options.onFailure,
  });
}
