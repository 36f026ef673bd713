import { Duration, aws_events as events } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { EVENT_SOURCE } from '../../lambdas/shared/events';

/** Properties of an {@link AlertscaleEventBus}. */
export interface AlertscaleEventBusProps {
  /**
   * Name of the custom bus; subscribers' rules name it.
   * @default 'alertscale'
   */
  readonly eventBusName?: string;
  /**
   * How long the archive keeps alertscale's events for replay.
   * @default Duration.days(30)
   */
  readonly archiveRetention?: Duration;
}

/**
 * The custom EventBridge bus every stage of alertscale talks through, and the
 * public contract other teams subscribe to (see `lambdas/shared/events.ts`).
 * Its archive keeps every event with source `alertscale`, so an operator can
 * replay a window of alerts after fixing a bad route or a failed stage.
 */
export class AlertscaleEventBus extends Construct {
  /** The bus. */
  readonly bus: events.EventBus;
  /** The archive of alertscale's own events. */
  readonly archive: events.Archive;

  constructor(scope: Construct, id: string, props: AlertscaleEventBusProps = {}) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', {
      eventBusName: props.eventBusName ?? 'alertscale',
      description: 'alertscale: Alertmanager alerts, decisions and actions',
    });
    this.archive = this.bus.archive('Archive', {
      description: 'alertscale: every alertscale event, for replay',
      eventPattern: { source: [EVENT_SOURCE] },
      retention: props.archiveRetention ?? Duration.days(30),
    });
  }
}
