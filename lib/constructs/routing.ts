import { Duration, aws_dynamodb as dynamodb, aws_events as events, aws_sns as sns, aws_sqs as sqs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { Config } from '../../lambdas/shared/config/schema';
import { patterns } from '../../lambdas/shared/events';
import { AlertscaleFunction } from '../alertscale-function';
import { toEventPattern } from '../event-pattern';
import { QueueConsumer } from './queue-consumer';
import { DEFAULT_NOTIFICATION_MAX_AGE, deliveryRetry, queueTarget } from './rule-targets';

/** Properties of {@link Routing}. */
export interface RoutingProps {
  /** The validated configuration, embedded in the bundle (route tree, receivers, time intervals). */
  readonly config: Config;
  /** The alertscale bus: notifications come from it; decisions and action requests go to it. */
  readonly bus: events.IEventBus;
  /** The decision table (dedupe and decision records). */
  readonly table: dynamodb.ITable;
  /** Operators' topic for the queue's and the function's alarms. */
  readonly alarmTopic: sns.ITopic;
  /** A standard queue where EventBridge parks notifications it could not deliver to the router's queue. */
  readonly eventTargetDeadLetterQueue: sqs.IQueue;
  /**
   * How old a notification may be and still be routed: the rule target's event
   * age and the queue's retention. Older ones stay in the bus archive.
   * @default DEFAULT_NOTIFICATION_MAX_AGE - six hours
   */
  readonly maxNotificationAge?: Duration;
  /**
   * The router's timeout.
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
}

/**
 * The routing stage: `Alertmanager Notification` (one per webhook) → the
 * router's queue → the router, which dedupes each alert, walks the route tree
 * and puts `Alert Decided`, `Scale Requested` and `Notify Requested`.
 */
export class Routing extends Construct {
  /** Notifications → decisions and action requests. */
  readonly router: AlertscaleFunction;
  /** The router's queue, its dead-letter queue and alarms. */
  readonly queue: QueueConsumer;
  /** `Alertmanager Notification` → the router's queue. */
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: RoutingProps) {
    super(scope, id);
    const maxAge = props.maxNotificationAge ?? DEFAULT_NOTIFICATION_MAX_AGE;
    this.router = new AlertscaleFunction(this, 'RouterFunction', {
      entry: 'lambdas/router/handler.ts',
      serviceName: 'router',
      description: 'alertscale router: dedupe, route tree, decisions',
      config: props.config,
      alarmTopic: props.alarmTopic,
      timeout: props.timeout ?? Duration.seconds(30),
    });
    this.router.useTable(props.table, 'router').useEventBus(props.bus, 'router');
    this.queue = new QueueConsumer(this, 'RouterQueue', {
      consumer: this.router,
      purpose: 'notifications for the router',
      alarmTopic: props.alarmTopic,
      batchSize: 10,
      maxBatchingWindow: Duration.seconds(1),
      retentionPeriod: maxAge,
      // Routing takes milliseconds; five minutes behind delays every decision and scale-up.
      maxExpectedAge: Duration.minutes(5),
    });
    this.rule = new events.Rule(this, 'NotificationsRule', {
      description: 'alertscale: Alertmanager Notification → the router',
      eventBus: props.bus,
      eventPattern: toEventPattern(patterns.notifications),
      targets: [queueTarget(this.queue.queue, props.eventTargetDeadLetterQueue, deliveryRetry(maxAge))],
    });
  }
}
