import { Duration, Stack, aws_events as events, aws_iam as iam } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { DetailType, EVENT_SOURCE, patterns } from '../../lambdas/shared/events';
import { ACTION_DETAIL_TYPES } from '../bus-access';
import { toEventPattern } from '../event-pattern';

/** Properties of an {@link AlertscaleEventBus}. */
export interface AlertscaleEventBusProps {
  /**
   * Name of the custom bus; subscribers' rules name it. The stack derives it
   * from its own name (`lib/names.ts`), so two stacks never share a bus.
   * @default - a name CloudFormation derives from the construct path
   */
  readonly eventBusName?: string;
  /**
   * How long the archive keeps the Alertmanager notifications for replay.
   * @default Duration.days(30)
   */
  readonly archiveRetention?: Duration;
}

/** Who may put alertscale's events on the bus, for {@link AlertscaleEventBus.allowPublishers}. */
export interface BusPublishers {
  /** The roles of the stack's functions that publish (each further limited to its own detail-types by its role policy). */
  readonly functionRoles: readonly iam.IRole[];
  /**
   * Role ARNs (context `alertscale:notificationProducers`) that may also put
   * `Alertmanager Notification`, such as a replay tool or a second ingest path.
   * @default - none
   */
  readonly notificationProducerArns?: readonly string[];
}

/**
 * The custom EventBridge bus every stage of alertscale talks through, and the
 * public contract other teams subscribe to (see `lambdas/shared/events.ts`).
 * Its archive keeps every `Alertmanager Notification` (`patterns.archived`),
 * the history everything else is derived from, so an operator can replay a
 * window of alerts to the router after fixing a bad route or a failed stage.
 */
export class AlertscaleEventBus extends Construct {
  /** The bus. */
  readonly bus: events.EventBus;
  /** The archive of the notifications alertscale accepted. */
  readonly archive: events.Archive;

  constructor(scope: Construct, id: string, props: AlertscaleEventBusProps = {}) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', {
      eventBusName: props.eventBusName,
      description: 'alertscale: Alertmanager notifications, decisions and actions',
    });
    this.archive = this.bus.archive('Archive', {
      description: 'alertscale: every accepted Alertmanager notification, for replay',
      eventPattern: toEventPattern(patterns.archived),
      retention: props.archiveRetention ?? Duration.days(30),
    });
  }

  /**
   * Sets the bus policy. An explicit Deny in a resource policy wins over any
   * Allow in any principal's own policy, in this account or another, so:
   *
   * 1. `OnlyAlertscaleFunctionsPutActionEvents`: PutEvents of an action
   *    detail-type (`ACTION_DETAIL_TYPES`, whatever its source) is denied to
   *    every principal whose `aws:PrincipalArn` is not one of the stack's
   *    function roles. No one else can ask the scaler to scale or fake what
   *    alertscale did.
   * 2. `OnlyAlertscalePublishersPutAlertscaleEvents`: PutEvents with
   *    `events:source` = `alertscale` is denied to everyone but those roles
   *    and the named notification producers.
   * 3. `NotificationProducersPutNotifications` (only with producers): lets
   *    them put `Alertmanager Notification`, also from another account.
   *
   * `events:source` and `events:detail-type` are EventBridge's condition keys
   * for PutEvents, evaluated per entry; `aws:PrincipalArn` is the role's ARN
   * for a session of that role. A service principal has no `aws:PrincipalArn`,
   * which the negated operator treats as not matching: denied too.
   */
  allowPublishers(publishers: BusPublishers): iam.PolicyDocument {
    const roleArns = publishers.functionRoles.map((role) => role.roleArn);
    const producers = [...new Set(publishers.notificationProducerArns ?? [])];
    const everyone = [new iam.StarPrincipal()];
    const cfnBus = this.bus.node.defaultChild as events.CfnEventBus;
    // The bus's own ARN from its name: its Arn attribute would make the bus depend on itself.
    const resources = [Stack.of(this).formatArn({ service: 'events', resource: 'event-bus', resourceName: cfnBus.name })];
    const policy = new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          sid: 'OnlyAlertscaleFunctionsPutActionEvents',
          effect: iam.Effect.DENY,
          principals: everyone,
          actions: ['events:PutEvents'],
          resources,
          conditions: {
            StringEquals: { 'events:detail-type': [...ACTION_DETAIL_TYPES] },
            ArnNotEquals: { 'aws:PrincipalArn': roleArns },
          },
        }),
        new iam.PolicyStatement({
          sid: 'OnlyAlertscalePublishersPutAlertscaleEvents',
          effect: iam.Effect.DENY,
          principals: everyone,
          actions: ['events:PutEvents'],
          resources,
          conditions: {
            StringEquals: { 'events:source': EVENT_SOURCE },
            ArnNotEquals: { 'aws:PrincipalArn': [...roleArns, ...producers] },
          },
        }),
        ...(producers.length > 0
          ? [
              new iam.PolicyStatement({
                sid: 'NotificationProducersPutNotifications',
                principals: producers.map((arn) => new iam.ArnPrincipal(arn)),
                actions: ['events:PutEvents'],
                resources,
                conditions: { StringEquals: { 'events:source': EVENT_SOURCE, 'events:detail-type': DetailType.Notification } },
              }),
            ]
          : []),
      ],
    });
    // One document on the bus itself (its Policy property), replaced as a whole on every
    // deploy, rather than one AWS::Events::EventBusPolicy per statement.
    cfnBus.policy = policy;
    return policy;
  }
}
