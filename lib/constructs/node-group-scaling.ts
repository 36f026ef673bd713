import {
  Duration,
  aws_dynamodb as dynamodb,
  aws_events as events,
  aws_iam as iam,
  aws_sns as sns,
  aws_ssm as ssm,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { patterns } from '../../lambdas/shared/events';
import type { Config, NodeGroupConfig } from '../../lambdas/shared/config/schema';
import { AlertscaleFunction } from '../alertscale-function';
import { toEventPattern } from '../event-pattern';
import { DeadLetterQueue } from './dead-letter-queue';
import { QueueConsumer } from './queue-consumer';
import { functionTarget, queueTarget } from './rule-targets';

/**
 * The resource tag an Auto Scaling group must carry, with the value `"true"`,
 * for alertscale to change its desired capacity. Without it the scaler's
 * `SetDesiredCapacity` is denied, whatever the configuration names: a typo in
 * `asg_name` cannot resize someone else's fleet.
 */
export const MANAGED_TAG_KEY = 'alertscale:managed';
/** The value {@link MANAGED_TAG_KEY} must have. */
export const MANAGED_TAG_VALUE = 'true';

/** A node group name becomes a FIFO MessageGroupId: 1–128 printable ASCII characters, no spaces. */
const MESSAGE_GROUP_ID = /^[\x21-\x7e]{1,128}$/;

/** Properties of {@link NodeGroupScaling}. */
export interface NodeGroupScalingProps {
  /** The configured node groups; each gets its own rule and FIFO message group. */
  readonly nodeGroups: readonly NodeGroupConfig[];
  /** The validated configuration, embedded in the bundles (see `AlertscaleFunctionProps.config`). */
  readonly config: Config;
  /** The alertscale bus: `Scale Requested` comes from it; `Scaling Action` goes to it. */
  readonly bus: events.IEventBus;
  /** The decision table (node group state, cooldowns, decision records). */
  readonly table: dynamodb.ITable;
  /** The kill switch. */
  readonly pauseParameter: ssm.IStringParameter;
  /** Operators' topic for the dead-letter alarms. */
  readonly alarmTopic: sns.ITopic;
  /** A standard queue where EventBridge parks events it could not deliver to the scale queue. */
  readonly eventTargetDeadLetterQueue: DeadLetterQueue;
  /**
   * The scaler's timeout; Auto Scaling throttling is retried inside one invocation.
   * @default Duration.seconds(60)
   */
  readonly timeout?: Duration;
}

/**
 * Scales GPU node groups: `Scale Requested` events → a FIFO queue → the scaler,
 * and Auto Scaling's own `EC2 Instance Launch Unsuccessful` events (default
 * bus) → the capacity-fallback handler.
 *
 * Scaling is serialized per node group by FIFO message groups. EventBridge's
 * SQS target takes only a static `MessageGroupId` (it cannot take one from
 * the event), so there is one rule per configured node group, each matching
 * `patterns.scaleRequested(name)` and sending with `MessageGroupId: name`.
 *
 * IAM: `autoscaling:DescribeAutoScalingGroups` on `*` (it has no resource-level
 * permissions), and `autoscaling:SetDesiredCapacity` on `*` only for groups
 * tagged `alertscale:managed` = `true` (condition
 * `autoscaling:ResourceTag/alertscale:managed`). Tag every Auto Scaling group
 * alertscale should scale, e.g.
 * `aws autoscaling create-or-update-tags --tags ResourceId=<asg>,ResourceType=auto-scaling-group,Key=alertscale:managed,Value=true,PropagateAtLaunch=false`.
 */
export class NodeGroupScaling extends Construct {
  /** Consumes the FIFO scale queue. */
  readonly scaler: AlertscaleFunction;
  /** Runs the scaler's `launchUnsuccessfulHandler` on Auto Scaling launch failures. */
  readonly launchUnsuccessful: AlertscaleFunction;
  /** The FIFO queue, its dead-letter queue and alarm. */
  readonly scaleQueue: QueueConsumer;
  /** One rule per node group, keyed by node group name. */
  readonly scaleRules: ReadonlyMap<string, events.Rule>;
  /** The default-bus rule for `EC2 Instance Launch Unsuccessful`. */
  readonly launchUnsuccessfulRule: events.Rule;
  /** Failed launch-unsuccessful deliveries and invocations. */
  readonly launchUnsuccessfulDeadLetterQueue: DeadLetterQueue;
  /** The Auto Scaling permissions, shared by both functions. */
  readonly autoScalingPolicy: iam.Policy;

  constructor(scope: Construct, id: string, props: NodeGroupScalingProps) {
    super(scope, id);
    for (const group of props.nodeGroups) {
      if (!MESSAGE_GROUP_ID.test(group.name)) {
        throw new Error(
          `node group name ${JSON.stringify(group.name)} cannot be a FIFO message group id: use 1-128 printable ASCII characters without spaces`,
        );
      }
    }
    const timeout = props.timeout ?? Duration.seconds(60);

    this.scaler = new AlertscaleFunction(this, 'ScalerFunction', {
      entry: 'lambdas/scaler/handler.ts',
      serviceName: 'scaler',
      description: 'alertscale scaler: Scale Requested → Auto Scaling',
      config: props.config,
      timeout,
    });
    this.launchUnsuccessfulDeadLetterQueue = new DeadLetterQueue(this, 'LaunchUnsuccessfulDeadLetterQueue', {
      purpose: 'Auto Scaling launch failures the fallback handler could not process',
      alarmTopic: props.alarmTopic,
    });
    this.launchUnsuccessful = new AlertscaleFunction(this, 'LaunchUnsuccessfulFunction', {
      entry: 'lambdas/scaler/handler.ts',
      handler: 'launchUnsuccessfulHandler',
      serviceName: 'launch-unsuccessful',
      description: 'alertscale scaler: EC2 Instance Launch Unsuccessful → capacity fallback',
      config: props.config,
      timeout,
      // EventBridge invokes asynchronously: after Lambda's own retries, failures are parked here too.
      deadLetterQueue: this.launchUnsuccessfulDeadLetterQueue.queue,
    });

    this.autoScalingPolicy = new iam.Policy(this, 'AutoScalingPolicy', {
      statements: [
        new iam.PolicyStatement({
          sid: 'DescribeNodeGroups',
          actions: ['autoscaling:DescribeAutoScalingGroups'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'ScaleManagedNodeGroups',
          actions: ['autoscaling:SetDesiredCapacity'],
          resources: ['*'],
          conditions: { StringEquals: { [`autoscaling:ResourceTag/${MANAGED_TAG_KEY}`]: MANAGED_TAG_VALUE } },
        }),
      ],
    });
    for (const fn of [this.scaler, this.launchUnsuccessful]) {
      fn.useTable(props.table).useEventBus(props.bus).usePauseParameter(props.pauseParameter);
      this.autoScalingPolicy.attachToRole(fn.role!);
    }

    this.scaleQueue = new QueueConsumer(this, 'ScaleQueue', {
      consumer: this.scaler,
      purpose: 'scale requests',
      alarmTopic: props.alarmTopic,
      fifo: true,
      batchSize: 10,
    });

    const rules = new Map<string, events.Rule>();
    for (const group of props.nodeGroups) {
      rules.set(
        group.name,
        new events.Rule(this, `ScaleRequestedRule-${group.name.replaceAll('/', '_')}`, {
          description: `alertscale: Scale Requested for node group ${group.name} → its FIFO message group`,
          eventBus: props.bus,
          eventPattern: toEventPattern(patterns.scaleRequested(group.name)),
          targets: [queueTarget(this.scaleQueue.queue, props.eventTargetDeadLetterQueue.queue, group.name)],
        }),
      );
    }
    this.scaleRules = rules;

    this.launchUnsuccessfulRule = new events.Rule(this, 'LaunchUnsuccessfulRule', {
      description: 'alertscale: Auto Scaling could not launch an instance → move the increment to a fallback node group',
      // No eventBus: Auto Scaling publishes to the account's default bus.
      eventPattern: toEventPattern(patterns.launchUnsuccessful(props.nodeGroups.map((group) => group.asg_name))),
      targets: [functionTarget(this.launchUnsuccessful, this.launchUnsuccessfulDeadLetterQueue.queue)],
    });
  }
}
