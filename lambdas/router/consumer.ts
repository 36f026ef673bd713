import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { sqsEventHandler, type RecordFailure } from '../adapters/sqs/event-handler';
import { alertEventSchema, DetailType } from '../shared/events';
import type { Log } from '../shared/log';
import type { Router } from './router';

/** The router on its queue: `Alertmanager Alert` events delivered by SQS; Lambda and local mode wrap it alike. */
export function routerConsumer(
  router: Router,
  options: { readonly log: Log; readonly onFailure?: (failure: RecordFailure) => void },
): (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse> {
  return sqsEventHandler({
    verb: 'route',
    detailTypes: { [DetailType.Alert]: alertEventSchema },
    handle: (event) => router.routeAlert(event.detail, event.eventId),
    log: options.log,
    onFailure: options.onFailure,
  });
}
