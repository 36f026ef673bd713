import { aws_events as events, aws_iam as iam } from 'aws-cdk-lib';
import { EVENT_SOURCE, PUBLISHED_BY, type DetailType, type Publisher } from '../lambdas/shared/events';

/**
 * The detail-types that make alertscale act or that report what it did:
 * everything a stage other than ingest publishes (`Alert Decided`, `Scale
 * Requested`, `Notify Requested`, `Scaling Action`, `Notification Sent`,
 * `Drain Requested`, `Drain Completed`). The bus policy lets only the stack's
 * own functions put these; `Alertmanager Notification` (ingest's) may also
 * come from named producers.
 */
export const ACTION_DETAIL_TYPES: readonly DetailType[] = [
  ...new Set(
    (Object.entries(PUBLISHED_BY) as [Publisher, readonly DetailType[]][])
      .filter(([publisher]) => publisher !== 'ingest')
      .flatMap(([, types]) => types),
  ),
].filter((type) => !(PUBLISHED_BY.ingest as readonly DetailType[]).includes(type));

/**
 * `events:PutEvents` on the alertscale bus only, for source `alertscale` and
 * the publisher's own detail-types from `PUBLISHED_BY`. EventBridge evaluates
 * `events:source` and `events:detail-type` per entry of a PutEvents call, so
 * an entry of any other type is refused (`NotAuthorizedForDetailTypeException`)
 * even inside an otherwise allowed batch.
 */
export function putOwnEventsStatement(bus: events.IEventBus, publisher: Publisher): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'PutOwnEvents',
    actions: ['events:PutEvents'],
    resources: [bus.eventBusArn],
    conditions: {
      StringEquals: {
        'events:source': EVENT_SOURCE,
        'events:detail-type': [...PUBLISHED_BY[publisher]],
      },
    },
  });
}
