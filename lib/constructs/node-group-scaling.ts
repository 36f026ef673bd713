import {
  Duration,
  aws_dynamodb as dynamodb,
  aws_events as events,
  aws_iam as iam,
  aws_sns as sns,
  aws_sqs as sqs,
  aws_ssm as ssm,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { Config } from '../../lambdas/shared/config/schema';
import { patterns } from '../../lambdas/shared/events';
import { AlertscaleFunction } from '../alertscale-function';
import { InfrastructureError } from '../errors';
import { toEventPattern } from '../event-pattern';
import { fleetStatement } from '../fleet-access';
import { DeadLetterQueue } from './dead-letter-queue';
import { QueueConsumer } from './queue-consumer';
import { asyncInvokeWithin, deliveryRetry, functionTarget, queueTarget, type DeliveryRetry } from './rule-targets';

/** A node group name becomes a FIFO MessageGroupId: 1–128 printable ASCII characters, no spaces. */
const MESSAGE_GROUP_ID = /^[\x21-\x7e]{1,128}$/;

/** The shortest age EventBridge (a target's event age) and SQS (a queue's retention) can expire. */
const SHORTEST_EXPIRY_S = 60;

/**
 * What `settings.max_action_age` sets on the way to the scaler: nothing older
 * is delivered, queued or retried, so a scale-up is applied in time or not at
 * all (the scaler also refuses any request older than that by `requestedAt`).
 */
export interface ScaleDeliveryLimits {
  /** The scale rules' targets: an event older than `max_action_age` is parked, not delivered. */
  readonly delivery: DeliveryRetry;
  /** The scale queue's retention. */
  readonly queueRetention: Duration;
  /**
   * The launch-failure rule's target. Lambda then holds the asynchronous
   * invocation for up to {@link asyncEventAge} more, so each gets half of
   * `max_action_age` (at least the 60 s both services require).
   */
  readonly launchFailureDelivery: DeliveryRetry;
  /** The launch-failure function's asynchronous invocations (Lambda allows 60 s to 6 h). */
  readonly asyncEventAge: Duration;
  readonly asyncRetryAttempts: number;
  /** The age of the oldest scale request that raises the alarm: half the allowed age, while there is time to act. */
  readonly ageAlarmAfter: Duration;
}

/** The limits `max_action_age` (in ms, as the configuration holds it) sets; throws below 60 s, which nothing could enforce. */
export function scaleDeliveryLimits(maxActionAgeMs: number): ScaleDeliveryLimits {
  const seconds = Math.floor(maxActionAgeMs / 1000);
  if (seconds < SHORTEST_EXPIRY_S) {
    throw new InfrastructureError(
      `settings.max_action_age is ${maxActionAgeMs / 1000} s: the scale rules and the scale queue cannot expire anything younger than ${SHORTEST_EXPIRY_S} s (EventBridge's and SQS's minimum); set it to 1m or more`,
    );
  }
  const half = Math.max(SHORTEST_EXPIRY_S, Math.floor(seconds / 2));
  const asyncInvoke = asyncInvokeWithin(Duration.seconds(half));
  return {
    delivery: deliveryRetry(Duration.seconds(seconds)),
    queueRetention: Duration.seconds(Math.min(seconds, 14 * 86_400)),
    launchFailureDelivery: deliveryRetry(Duration.seconds(half)),
    asyncEventAge: asyncInvoke.maxEventAge,
    asyncRetryAttempts: asyncInvoke.retryAttempts,
    ageAlarmAfter: Duration.seconds(half),
  };
}

/** Properties of {@link NodeGroupScaling}. */
export interface NodeGroupScalingProps {
  /**
   * The validated configuration: embedded in the bundles; its `node_groups`
   * get a rule and a FIFO message group each, and its `settings.max_action_age`
   * bounds every delivery on the way to the scaler.
   */
  readonly config: Config;
  /** The alertscale bus: `Scale Requested` comes from it; `Scaling Action` goes to it. */
  readonly bus: events.IEventBus;
  /** The decision table (node group state, cooldowns, decision records). */
  readonly table: dynamodb.ITable;
  /** The kill switch. */
  readonly pauseParameter: ssm.IStringParameter;
  /** Operators' topic for the queue's, dead-letter and function alarms. */
  readonly alarmTopic: sns.ITopic;
  /** A standard queue where EventBridge parks scale requests it could not deliver in time. */
  readonly eventTargetDeadLetterQueue: sqs.IQueue;
  /**
   * The scaler's timeout; Auto Scaling throttling is retried inside one invocation.
   * The scale queue hides a received message for twice this, so a failing request
   * is retried (and a poison one parked) quickly.
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
}

/** Receives of one scale request before it is parked: a poison request holds its node group for at most this many visibility timeouts. */
const SCALE_MAX_RECEIVE_COUNT = 3;

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
 * Never a late action: the targets, the queue and the launch-failure
 * function's asynchronous invocations give up on anything older than
 * `settings.max_action_age` (the launch-failure rule and Lambda's own queue
 * of asynchronous invocations get half each, since their ages add up). On the
 * scale path the rule's retries (only while SQS refuses a send) and the
 * queue's retention could add up too; there the scaler's own check of
 * `requestedAt` holds the exact bound, and these are the backstop. A request that fails blocks the later ones of its
 * node group (FIFO) for at most 3 receives × the visibility timeout (2 × 30 s:
 * three minutes by default) before it is parked, and never past
 * `max_action_age`, when SQS deletes it.
 *
 * Only the scale rules may send to the scale queue (a Deny in its policy for
 * any `sqs:SendMessage` without one of their ARNs as `aws:SourceArn`).
 *
 * IAM: `autoscaling:DescribeAutoScalingGroups` and `ec2:DescribeInstances`
 * (node names, for targeted scale-in) on `*` (neither has resource-level
 * permissions; both only read), and `autoscaling:SetDesiredCapacity` and
 * `autoscaling:TerminateInstanceInAutoScalingGroup` only on the configured
 * groups' ARNs and only while they are tagged `alertscale:managed` = `true`.
 * Tag every Auto Scaling group alertscale should scale, e.g.
 * `aws autoscaling create-or-update-tags --tags ResourceId=<asg>,ResourceType=auto-scaling-group,Key=alertscale:managed,Value=true,PropagateAtLaunch=false`.
 */
export class NodeGroupScaling extends Construct {
  /** Consumes the FIFO scale queue. */
  readonly scaler: AlertscaleFunction;
  /** Runs the scaler's `launchUnsuccessfulHandler` on Auto Scaling launch failures. */
  readonly launchUnsuccessful: AlertscaleFunction;
  /** The FIFO queue, its dead-letter queue and alarms. */
  readonly scaleQueue: QueueConsumer;
  /** One rule per node group, keyed by node group name. */
  readonly scaleRules: ReadonlyMap<string, events.Rule>;
  /** The default-bus rule for `EC2 Instance Launch Unsuccessful`; absent without node groups. */
  readonly launchUnsuccessfulRule?: events.Rule;
  /** Failed launch-unsuccessful deliveries and invocations. */
  readonly launchUnsuccessfulDeadLetterQueue: DeadLetterQueue;
  /** The Auto Scaling permissions, shared by both functions. */
  readonly autoScalingPolicy: iam.Policy;
  /** What `max_action_age` set. */
  readonly limits: ScaleDeliveryLimits;
  /** The configured Auto Scaling groups, the only ones the functions may change. */
  readonly asgNames: readonly string[];

  constructor(scope: Construct, id: string, props: NodeGroupScalingProps) {
    super(scope, id);
    const nodeGroups = props.config.node_groups;
    assertMessageGroupIds(nodeGroups.map((group) => group.name));
    this.limits = scaleDeliveryLimits(props.config.settings.max_action_age);
    this.asgNames = [...new Set(nodeGroups.map((group) => group.asg_name))];
    const timeout = props.timeout ?? Duration.seconds(30);

    this.scaler = new AlertscaleFunction(this, 'ScalerFunction', {
      entry: 'lambdas/scaler/handler.ts',
      serviceName: 'scaler',
      description: 'alertscale scaler: Scale Requested → Auto Scaling',
      config: props.config,
      alarmTopic: props.alarmTopic,
      timeout,
    });
    this.launchUnsuccessfulDeadLetterQueue = new DeadLetterQueue(this, 'LaunchUnsuccessfulDeadLetterQueue', {
      purpose: 'Auto Scaling launch failures the fallback handler could not process in time',
      alarmTopic: props.alarmTopic,
      advice: 'inspect them for the cause, but do not redrive: a capacity fallback this late would be a late scale-up',
    });
    this.launchUnsuccessful = this.launchUnsuccessfulFunction(props, timeout);
    this.autoScalingPolicy = this.fleetPolicy();
    this.scaler.useTable(props.table, 'scaler');
    this.launchUnsuccessful.useTable(props.table, 'launchFailure');
    for (const fn of [this.scaler, this.launchUnsuccessful]) {
      fn.useEventBus(props.bus, 'scaler').usePauseParameter(props.pauseParameter);
      this.autoScalingPolicy.attachToRole(fn.role!);
    }

    this.scaleQueue = new QueueConsumer(this, 'ScaleQueue', {
      consumer: this.scaler,
      purpose: 'scale requests',
      alarmTopic: props.alarmTopic,
      fifo: true,
      batchSize: 10,
      maxReceiveCount: SCALE_MAX_RECEIVE_COUNT,
      visibilityTimeout: Duration.seconds(2 * timeout.toSeconds()),
      retentionPeriod: this.limits.queueRetention,
      maxExpectedAge: this.limits.ageAlarmAfter,
      deadLetterAdvice:
        'inspect them for the cause, but do not redrive: they are past max_action_age, and the scaler would only record them as expired',
    });
    this.scaleRules = this.scaleRulesFor(props);
    this.onlyTheScaleRulesSend();

    if (nodeGroups.length > 0) {
      this.launchUnsuccessfulRule = new events.Rule(this, 'LaunchUnsuccessfulRule', {
        description: 'alertscale: Auto Scaling could not launch an instance → move the increment to a fallback node group',
        // No eventBus: Auto Scaling publishes to the account's default bus.
        eventPattern: toEventPattern(patterns.launchUnsuccessful(this.asgNames)),
        targets: [functionTarget(this.launchUnsuccessful, this.launchUnsuccessfulDeadLetterQueue.queue, this.limits.launchFailureDelivery)],
      });
    }
  }

  private launchUnsuccessfulFunction(props: NodeGroupScalingProps, timeout: Duration): AlertscaleFunction {
    const fn = new AlertscaleFunction(this, 'LaunchUnsuccessfulFunction', {
      entry: 'lambdas/scaler/handler.ts',
      handler: 'launchUnsuccessfulHandler',
      serviceName: 'launch-unsuccessful',
      description: 'alertscale scaler: EC2 Instance Launch Unsuccessful → capacity fallback',
      config: props.config,
      alarmTopic: props.alarmTopic,
      timeout,
      // EventBridge invokes asynchronously: after Lambda's own retries, failures are parked here too.
      deadLetterQueue: this.launchUnsuccessfulDeadLetterQueue.queue,
    });
    // Lambda's default for asynchronous invocations is 2 retries over up to 6 h: a fallback
    // scale-up hours late. Bound it like every other path to the fleet.
    fn.configureAsyncInvoke({ maxEventAge: this.limits.asyncEventAge, retryAttempts: this.limits.asyncRetryAttempts });
    return fn;
  }

  private fleetPolicy(): iam.Policy {
    const change = fleetStatement(this, 'scaler', this.asgNames);
    return new iam.Policy(this, 'AutoScalingPolicy', {
      statements: [
        new iam.PolicyStatement({ sid: 'DescribeNodeGroups', actions: ['autoscaling:DescribeAutoScalingGroups'], resources: ['*'] }),
        // remove_node_label: a node's private DNS name to its instance. ec2:DescribeInstances
        // supports no resource-level permissions, so its Resource must be *; it only reads.
        new iam.PolicyStatement({ sid: 'LookUpNodes', actions: ['ec2:DescribeInstances'], resources: ['*'] }),
        ...(change ? [change] : []),
      ],
    });
  }

  private scaleRulesFor(props: NodeGroupScalingProps): ReadonlyMap<string, events.Rule> {
    const rules = new Map<string, events.Rule>();
    for (const group of props.config.node_groups) {
      rules.set(
        group.name,
        new events.Rule(this, `ScaleRequestedRule-${group.name.replaceAll('/', '_')}`, {
          description: `alertscale: Scale Requested for node group ${group.name} → its FIFO message group`,
          eventBus: props.bus,
          eventPattern: toEventPattern(patterns.scaleRequested(group.name)),
          targets: [queueTarget(this.scaleQueue.queue, props.eventTargetDeadLetterQueue, this.limits.delivery, group.name)],
        }),
      );
    }
    return rules;
  }

  /**
   * The bus policy keeps other principals from putting Scale Requested; this keeps them
   * from sending one to the queue directly. EventBridge's deliveries carry their rule as
   * aws:SourceArn; a direct SendMessage (anyone's, a DLQ redrive's) carries none, and the
   * negated condition denies it. Redriving expired scale requests is never wanted anyway.
   */
  private onlyTheScaleRulesSend(): void {
    if (this.scaleRules.size === 0) return;
    this.scaleQueue.queue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OnlyTheScaleRulesSend',
        effect: iam.Effect.DENY,
        principals: [new iam.StarPrincipal()],
        actions: ['sqs:SendMessage'],
        resources: [this.scaleQueue.queue.queueArn],
        conditions: { ArnNotEquals: { 'aws:SourceArn': [...this.scaleRules.values()].map((rule) => rule.ruleArn) } },
      }),
    );
  }
}

function assertMessageGroupIds(names: readonly string[]): void {
  for (const name of names) {
    if (!MESSAGE_GROUP_ID.test(name)) {
      throw new InfrastructureError(
        `node group name ${JSON.stringify(name)} cannot be a FIFO message group id: use 1-128 printable ASCII characters without spaces`,
      );
    }
  }
}
