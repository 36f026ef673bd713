import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { sqsEventHandler, type RecordFailure } from '../adapters/sqs/event-handler';
import { DetailType, scaleRequestedSchema } from '../shared/events';
import type { Log } from '../shared/log';
import { LAUNCH_UNSUCCESSFUL, launchUnsuccessfulDetailSchema } from './launch-failure';
import type { Scaler } from './scaler';

/**
 * The scaler on its FIFO queue (message group = node group): `Scale
 * Requested`, and Auto Scaling's launch failures when they are routed through
 * the queue (local mode). A failure stops the rest of its node group in the
 * batch, keeping that group's order, while other groups go on.
 */
export function scalerConsumer(
  scaler: Scaler,
  options: { readonly log: Log; readonly onFailure?: (failure: RecordFailure) => void },
): (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse> {
  return sqsEventHandler({
    verb: 'scale',
    detailTypes: { [DetailType.ScaleRequested]: scaleRequestedSchema, [LAUNCH_UNSUCCESSFUL]: launchUnsuccessfulDetailSchema },
    fifo: true,
    handle: async (event) => {
      if (event.detailType === LAUNCH_UNSUCCESSFUL) return scaler.handleLaunchUnsuccessful(event.detail);
      const result = await scaler.handleScaleRequested(event.detail);
      const alertnames = [...new Set(event.detail.alerts.map((member) => member.alert.labels.alertname))];
      options.log.info(`scale request handled: ${event.detail.nodeGroup} ${result.outcome}`, { actionId: event.detail.actionId, nodeGroup: event.detail.nodeGroup, alertnames, decisions: event.detail.decisionIds.length, ...result });
    },
    log: options.log,
    onFailure: options.onFailure,
  });
}
