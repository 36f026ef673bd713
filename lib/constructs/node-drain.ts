import {
  Duration,
  aws_apigatewayv2 as apigwv2,
  aws_apigatewayv2_integrations as integrations,
  aws_autoscaling as autoscaling,
  aws_dynamodb as dynamodb,
  aws_events as events,
  aws_iam as iam,
  aws_secretsmanager as secretsmanager,
  aws_sns as sns,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { DRAIN_CALLBACK_PATH } from '../../lambdas/drain/drain-webhook';
import { secretNamesIn } from '../../lambdas/shared/channels';
import type { Config } from '../../lambdas/shared/config/schema';
import { Env } from '../../lambdas/shared/env';
import { patterns } from '../../lambdas/shared/events';
import { AlertscaleFunction } from '../alertscale-function';
import { InfrastructureError } from '../errors';
import { toEventPattern } from '../event-pattern';
import { fleetStatement } from '../fleet-access';
import { DeadLetterQueue } from './dead-letter-queue';
import { notifierTimeout, secretArn } from './notifications';
import { asyncInvokeWithin, deliveryRetry, functionTarget } from './rule-targets';
import { DEFAULT_API_THROTTLE, type RouteThrottle, type WebhookApi } from './webhook-api';


/** Properties of {@link NodeDrain}. */
export interface NodeDrainProps {
  /**
   * The validated configuration: its node groups with `drain` get a lifecycle
   * hook each, and the drain may read exactly the secrets their receivers'
   * webhooks name.
   */
  readonly config: Config;
  /** The alertscale bus: `Drain Requested` and `Drain Completed` go to it. */
  readonly bus: events.IEventBus;
  /** The decision table (pending drains). */
  readonly table: dynamodb.ITable;
  /** The operators' API token: the control plane confirms with it. */
  readonly apiToken: secretsmanager.ISecret;
  /** The HTTP API `POST /api/drain/complete` is added to. */
  readonly api: WebhookApi;
  /** Operators' topic for the functions' and dead-letter queue's alarms. */
  readonly alarmTopic: sns.ITopic;
  /**
   * The name of the termination lifecycle hook on every drained group; unique
   * per stack (the stack gives its own), so two stacks never answer each
   * other's hooks.
   */
  readonly hookName: string;
  /**
   * The callback route's throttle.
   * @default - 10 requests/s, bursts of 20
   */
  readonly throttle?: RouteThrottle;
}

/**
 * Drains a node before it terminates, for the node groups with `drain`: a
 * termination lifecycle hook on each group's Auto Scaling group (which the
 * stack does not own: `AWS::AutoScaling::LifecycleHook` references it by
 * name) holds every instance it terminates in `Terminating:Wait` — alertscale's
 * targeted scale-in, anyone's scale-in, a rebalance — with `CONTINUE` as the
 * default result once `drain.timeout` passes. Auto Scaling's events on the
 * default bus (`EC2 Instance-terminate Lifecycle Action` of this hook, and
 * `EC2 Instance Terminate Successful`, for the drained groups only) reach the
 * drain function, which asks the control plane; `POST /api/drain/complete`,
 * behind the API token on the stack's HTTP API, reaches the drain-callback
 * function, which completes the lifecycle action.
 *
 * IAM: the drain function reads and writes pending drains, puts the drain's
 * detail-types, reads exactly the secrets of the drain receivers' webhooks,
 * and `ec2:DescribeInstances` (node names; it has no resource-level
 * permissions). The callback function reads and updates pending drains,
 * puts `Drain Completed`, reads the API token, and may
 * `autoscaling:CompleteLifecycleAction` only on the drained groups' ARNs,
 * only while they carry the `alertscale:managed` tag.
 */
export class NodeDrain extends Construct {
  /** Auto Scaling's lifecycle and termination events → drain requests. */
  readonly drain: AlertscaleFunction;
  /** `POST /api/drain/complete` → `CompleteLifecycleAction`. */
  readonly callback: AlertscaleFunction;
  /** One per drained node group, by node group name. */
  readonly hooks: ReadonlyMap<string, autoscaling.CfnLifecycleHook>;
  /** Default bus: this hook's lifecycle actions of the drained groups. */
  readonly lifecycleActionRule: events.Rule;
  /** Default bus: terminated instances of the drained groups. */
  readonly terminatedRule: events.Rule;
  /** Events the drain function could not take in time. */
  readonly deadLetterQueue: DeadLetterQueue;
  /** The Auto Scaling groups that drain. */
  readonly asgNames: readonly string[];

  constructor(scope: Construct, id: string, props: NodeDrainProps) {
    super(scope, id);
    const drained = props.config.node_groups.filter((group) => group.drain);
    if (drained.length === 0) throw new InfrastructureError('NodeDrain needs at least one node group with drain; add drain: { receiver, timeout } to one, or leave the construct out');
    this.asgNames = [...new Set(drained.map((group) => group.asg_name))];
    const shortest = Math.min(...drained.map((group) => group.drain!.timeout));
    const longest = Math.max(...drained.map((group) => group.drain!.timeout));

    this.hooks = new Map(
      drained.map((group) => [
        group.name,
        new autoscaling.CfnLifecycleHook(this, `Hook-${group.name.replaceAll('/', '_')}`, {
          autoScalingGroupName: group.asg_name,
          lifecycleHookName: props.hookName,
          lifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
          defaultResult: 'CONTINUE',
          heartbeatTimeout: group.drain!.timeout / 1000,
        }),
      ]),
    );

    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetterQueue', {
      purpose: 'Auto Scaling lifecycle and termination events the drain could not process in time',
      alarmTopic: props.alarmTopic,
      advice: 'inspect them for the cause; their instances have terminated by now (each after its drain timeout), so redriving asks no one anything useful',
    });
    this.drain = this.drainFunction(props, longest);
    this.callback = this.callbackFunction(props);

    // A drain request past its deadline is worth nothing: retry deliveries only within the shortest timeout.
    const retry = deliveryRetry(Duration.millis(shortest));
    this.lifecycleActionRule = new events.Rule(this, 'LifecycleActionRule', {
      description: 'alertscale: an instance of a drained node group waits on the drain hook → ask the control plane to drain it',
      // No eventBus: Auto Scaling publishes to the account's default bus.
      eventPattern: toEventPattern(patterns.terminateLifecycleAction(this.asgNames, props.hookName)),
      targets: [functionTarget(this.drain, this.deadLetterQueue.queue, retry)],
    });
    this.terminatedRule = new events.Rule(this, 'TerminatedRule', {
      description: 'alertscale: an instance of a drained node group terminated → a drain nobody confirmed timed out',
      eventPattern: toEventPattern(patterns.instanceTerminated(this.asgNames)),
      targets: [functionTarget(this.drain, this.deadLetterQueue.queue, deliveryRetry(Duration.hours(1)))],
    });

    props.api.addRoutes({
      paths: [DRAIN_CALLBACK_PATH],
      method: apigwv2.HttpMethod.POST,
      integration: new integrations.HttpLambdaIntegration('DrainCallbackIntegration', this.callback, { payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0 }),
      throttle: props.throttle ?? DEFAULT_API_THROTTLE,
    });
  }

  private drainFunction(props: NodeDrainProps, longestTimeoutMs: number): AlertscaleFunction {
    const fn = new AlertscaleFunction(this, 'DrainFunction', {
      entry: 'lambdas/drain/handler.ts',
      serviceName: 'drain',
      description: 'alertscale drain: a terminating instance of a drained node group → signed drain request to the control plane',
      config: props.config,
      alarmTopic: props.alarmTopic,
      // Every webhook is sent at once, each with its timeout and retries: the worst case of the slowest
      // drain webhook, as the notifier is sized (100 s and its margin for the default 10 s), at least 3 min.
      timeout: Duration.seconds(Math.max(180, notifierTimeout({ receivers: drainReceivers(props.config) }).toSeconds())),
      deadLetterQueue: this.deadLetterQueue.queue,
      environment: { [Env.DrainHookName]: props.hookName, [Env.DrainCallbackUrl]: `${props.api.api.apiEndpoint}${DRAIN_CALLBACK_PATH}` },
    });
    // Lambda holds asynchronous invocations for up to 6 h by default: no drain waits that long.
    fn.configureAsyncInvoke(asyncInvokeWithin(Duration.millis(longestTimeoutMs)));
    fn.useTable(props.table, 'drain').useEventBus(props.bus, 'drain');
    // A node's name for its instance. ec2:DescribeInstances supports no resource-level permissions, so * it is; it only reads.
    fn.addToRolePolicy(new iam.PolicyStatement({ sid: 'LookUpNodeNames', actions: ['ec2:DescribeInstances'], resources: ['*'] }));
    const secrets = secretNamesIn({ receivers: drainReceivers(props.config) });
    if (secrets.length > 0) {
      fn.addToRolePolicy(new iam.PolicyStatement({ sid: 'ReadDrainWebhookSecrets', actions: ['secretsmanager:GetSecretValue'], resources: secrets.map((name) => secretArn(this, name)) }));
    }
    return fn;
  }

  private callbackFunction(props: NodeDrainProps): AlertscaleFunction {
    const fn = new AlertscaleFunction(this, 'DrainCallbackFunction', {
      entry: 'lambdas/drain/callback-handler.ts',
      serviceName: 'drain-callback',
      description: 'alertscale drain callback: POST /api/drain/complete → CompleteLifecycleAction',
      config: props.config,
      alarmTopic: props.alarmTopic,
      timeout: Duration.seconds(25),
    });
    fn.useTable(props.table, 'drainCallback').useEventBus(props.bus, 'drainCallback').useApiTokenSecret(props.apiToken);
    const complete = fleetStatement(this, 'drain', this.asgNames);
    if (complete) fn.addToRolePolicy(complete);
    return fn;
  }
}

/** The drain receivers, their webhooks only: the drain sends nothing else. */
function drainReceivers(config: Config): Config['receivers'] {
  const names = new Set(config.node_groups.flatMap((group) => (group.drain ? [group.drain.receiver] : [])));
  return config.receivers.filter((receiver) => names.has(receiver.name)).map((receiver) => ({ ...receiver, pagerduty_configs: [], slack_configs: [], sns_configs: [] }));
}
