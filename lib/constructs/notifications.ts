import {
  ArnFormat,
  Duration,
  Stack,
  aws_dynamodb as dynamodb,
  aws_events as events,
  aws_iam as iam,
  aws_kms as kms,
  aws_sns as sns,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { Config } from '../../lambdas/shared/config/schema';
import { patterns } from '../../lambdas/shared/events';
import { AlertscaleFunction } from '../alertscale-function';
import { toEventPattern } from '../event-pattern';
import type { DeadLetterQueue } from './dead-letter-queue';
import { QueueConsumer } from './queue-consumer';
import { queueTarget } from './rule-targets';

/** Properties of {@link Notifications}. */
export interface NotificationsProps {
  /** The validated configuration, embedded in the bundle (see `AlertscaleFunctionProps.config`). */
  readonly config: Config;
  /**
   * Secrets Manager names (or full ARNs) the notifier may read: the `*_secret`
   * keys of the configuration, from `secretNamesIn(config)`.
   */
  readonly secretNames: readonly string[];
  /**
   * SNS topics named by `sns_configs[].topic_arn`, besides the stack's own topic.
   * @default - none
   */
  readonly extraTopicArns?: readonly string[];
  /** The alertscale bus: `Notify Requested` comes from it; `Notification Sent` goes to it. */
  readonly bus: events.IEventBus;
  /** The decision table (delivery records, so a retry never sends twice). */
  readonly table: dynamodb.ITable;
  /** Operators' topic for the dead-letter alarm. */
  readonly alarmTopic: sns.ITopic;
  /** A standard queue where EventBridge parks events it could not deliver to the notify queue. */
  readonly eventTargetDeadLetterQueue: DeadLetterQueue;
  /**
   * The notifier's timeout: channel requests time out after 10 s each and are retried with backoff.
   * @default Duration.seconds(60)
   */
  readonly timeout?: Duration;
}

/**
 * Pages and tells: `Notify Requested` events → a queue → the notifier, which
 * sends to PagerDuty, Slack, the SNS topic and signed webhooks.
 *
 * Channel secrets (PagerDuty routing keys, Slack webhook URLs, webhook signing
 * keys) are referenced by name from the configuration and not created here, so
 * their values never pass through CloudFormation. Create each one before the
 * first alert, e.g. `aws secretsmanager create-secret --name alertscale/pagerduty
 * --secret-string <routing key>`; the notifier may read exactly those names
 * and nothing else.
 *
 * The `NotificationTopic` is for e-mail and SMS subscribers of `sns_configs`;
 * it is encrypted with the AWS managed SNS key, which lets any principal of the
 * account that may publish use it, so publishing needs no KMS grant.
 */
export class Notifications extends Construct {
  /** Consumes the notify queue. */
  readonly notifier: AlertscaleFunction;
  /** The queue, its dead-letter queue and alarm. */
  readonly notifyQueue: QueueConsumer;
  /** `Notify Requested` → the notify queue. */
  readonly rule: events.Rule;
  /** For e-mail and SMS subscribers. */
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'NotificationTopic', {
      displayName: 'alertscale notifications',
      masterKey: kms.Alias.fromAliasName(this, 'AwsManagedSnsKey', 'alias/aws/sns'),
      enforceSSL: true,
    });

    this.notifier = new AlertscaleFunction(this, 'NotifierFunction', {
      entry: 'lambdas/notifier/handler.ts',
      serviceName: 'notifier',
      description: 'alertscale notifier: Notify Requested → PagerDuty, Slack, SNS, webhooks',
      config: props.config,
      timeout: props.timeout ?? Duration.seconds(60),
    });
    this.notifier.useTable(props.table).useEventBus(props.bus).useNotificationTopic(this.topic);
    const extraTopics = [...new Set(props.extraTopicArns ?? [])];
    if (extraTopics.length > 0) {
      this.notifier.addToRolePolicy(
        new iam.PolicyStatement({ sid: 'PublishToConfiguredTopics', actions: ['sns:Publish'], resources: extraTopics }),
      );
    }
    if (props.secretNames.length > 0) {
      this.notifier.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'ReadChannelSecrets',
          actions: ['secretsmanager:GetSecretValue'],
          resources: props.secretNames.map((name) => secretArn(this, name)),
        }),
      );
    }

    this.notifyQueue = new QueueConsumer(this, 'NotifyQueue', {
      consumer: this.notifier,
      purpose: 'notification requests',
      alarmTopic: props.alarmTopic,
      batchSize: 10,
      // One Alertmanager group notification's alerts arrive within moments of each other;
      // waiting a little lets Slack and webhooks get them as one message.
      maxBatchingWindow: Duration.seconds(5),
    });
    this.rule = new events.Rule(this, 'NotifyRequestedRule', {
      description: 'alertscale: Notify Requested → the notifier',
      eventBus: props.bus,
      eventPattern: toEventPattern(patterns.notifyRequested),
      targets: [queueTarget(this.notifyQueue.queue, props.eventTargetDeadLetterQueue.queue)],
    });
  }
}

/**
 * The ARN pattern of a secret given by name. Secrets Manager appends a dash
 * and six random characters to every secret's ARN, hence `-??????`, which
 * matches exactly that suffix and so never a longer name with the same prefix.
 */
function secretArn(scope: Construct, nameOrArn: string): string {
  if (nameOrArn.startsWith('arn:')) return nameOrArn;
  return Stack.of(scope).formatArn({
    service: 'secretsmanager',
    resource: 'secret',
    resourceName: `${nameOrArn}-??????`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}
