import {
  ArnFormat,
  Duration,
  Stack,
  aws_dynamodb as dynamodb,
  aws_events as events,
  aws_iam as iam,
  aws_kms as kms,
  aws_sns as sns,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { DEFAULT_RETRY, worstCaseSendMs } from '../../lambdas/adapters/http/http-post';
import { receiverChannels, secretNamesIn } from '../../lambdas/shared/channels';
import { DEFAULT_TIMEOUT_MS } from '../../lambdas/shared/config/receivers';
import type { Config } from '../../lambdas/shared/config/schema';
import { patterns } from '../../lambdas/shared/events';
import { AlertscaleFunction } from '../alertscale-function';
import { InfrastructureError } from '../errors';
import { toEventPattern } from '../event-pattern';
import { QueueConsumer } from './queue-consumer';
import { DEFAULT_NOTIFICATION_MAX_AGE, deliveryRetry, queueTarget } from './rule-targets';

/** Lambda's longest timeout. */
const LAMBDA_MAX_TIMEOUT_S = 900;
/**
 * Time on top of the slowest send: reading secrets and send records, putting
 * `Notification Sent`, and the 5 s the notifier keeps free before its deadline.
 */
const NOTIFIER_MARGIN = Duration.seconds(20);

/**
 * The longest channel `timeout` in the configuration and where it is. Every
 * HTTP channel has one (10 s unless set); a configuration with SNS channels
 * only has none, and then alertscale's default bounds the SDK's call.
 */
function longestChannelTimeout(config: Pick<Config, 'receivers'>): { readonly ms: number; readonly at?: string } {
  let longest: { ms: number; at?: string } | undefined;
  config.receivers.forEach((receiver, i) => {
    for (const { channel, configIndex, config: channelConfig } of receiverChannels(receiver)) {
      const timeout = (channelConfig as { readonly timeout?: number }).timeout;
      if (timeout !== undefined && timeout > (longest?.ms ?? -1)) {
        longest = { ms: timeout, at: `receivers[${i}].${channel}_configs[${configIndex}].timeout` };
      }
    }
  });
  return longest ?? { ms: DEFAULT_TIMEOUT_MS };
}

/**
 * The notifier's timeout: the worst case of one send of the slowest channel
 * (`worstCaseSendMs` with the notifier's retry settings: 100 s for the default
 * 10 s timeout) plus {@link NOTIFIER_MARGIN}, at most Lambda's 900 s. Sends run
 * concurrently and the notifier starts no attempt it has no time left for, so
 * one send's worst case is what the function must outlast; when the worst case
 * passes 900 s, the last retries are given up and SQS redelivers instead.
 * Throws when not even one attempt fits.
 */
export function notifierTimeout(config: Pick<Config, 'receivers'>): Duration {
  const longest = longestChannelTimeout(config);
  const margin = NOTIFIER_MARGIN.toMilliseconds();
  if (longest.ms + margin > LAMBDA_MAX_TIMEOUT_S * 1000) {
    throw new InfrastructureError(
      `${longest.at ?? 'the channel timeout'} is ${longest.ms / 1000} s: one attempt and the notifier's ${margin / 1000} s margin do not fit in Lambda's ${LAMBDA_MAX_TIMEOUT_S} s; set it to ${LAMBDA_MAX_TIMEOUT_S - margin / 1000}s or less`,
    );
  }
  const worst = worstCaseSendMs(DEFAULT_RETRY, longest.ms) + margin;
  return Duration.seconds(Math.min(LAMBDA_MAX_TIMEOUT_S, Math.ceil(worst / 1000)));
}

/** Properties of {@link Notifications}. */
export interface NotificationsProps {
  /**
   * The validated configuration: embedded in the bundle; the notifier may read
   * exactly the secrets it names (`secretNamesIn`) and publish to exactly the
   * topics its `sns_configs` name; its channel timeouts size the function.
   */
  readonly config: Config;
  /** The alertscale bus: `Notify Requested` comes from it; `Notification Sent` goes to it. */
  readonly bus: events.IEventBus;
  /** The decision table (send records, so a retry never sends twice). */
  readonly table: dynamodb.ITable;
  /** Operators' topic for the queue's, dead-letter and function alarms. */
  readonly alarmTopic: sns.ITopic;
  /** A standard queue where EventBridge parks notify requests it could not deliver to the notify queue. */
  readonly eventTargetDeadLetterQueue: sqs.IQueue;
  /**
   * How late a page or message may still be sent: the rule target's event age
   * and the notify queue's retention.
   * @default DEFAULT_NOTIFICATION_MAX_AGE - six hours
   */
  readonly maxNotificationAge?: Duration;
  /**
   * The sender name subscribers of the notification topic see.
   * @default 'alertscale notifications'
   */
  readonly topicDisplayName?: string;
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
  /** The queue, its dead-letter queue and alarms. */
  readonly notifyQueue: QueueConsumer;
  /** `Notify Requested` → the notify queue. */
  readonly rule: events.Rule;
  /** For e-mail and SMS subscribers. */
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    const maxAge = props.maxNotificationAge ?? DEFAULT_NOTIFICATION_MAX_AGE;
    this.topic = new sns.Topic(this, 'NotificationTopic', {
      displayName: props.topicDisplayName ?? 'alertscale notifications',
      masterKey: kms.Alias.fromAliasName(this, 'AwsManagedSnsKey', 'alias/aws/sns'),
      enforceSSL: true,
    });

    this.notifier = new AlertscaleFunction(this, 'NotifierFunction', {
      entry: 'lambdas/notifier/handler.ts',
      serviceName: 'notifier',
      description: 'alertscale notifier: Notify Requested → PagerDuty, Slack, SNS, webhooks',
      config: props.config,
      alarmTopic: props.alarmTopic,
      timeout: notifierTimeout(props.config),
    });
    this.notifier.useTable(props.table, 'notifier').useEventBus(props.bus, 'notifier').useNotificationTopic(this.topic);
    const extraTopics = [
      ...new Set(props.config.receivers.flatMap((r) => r.sns_configs.flatMap((c) => (c.topic_arn ? [c.topic_arn] : [])))),
    ];
    if (extraTopics.length > 0) {
      this.notifier.addToRolePolicy(
        new iam.PolicyStatement({ sid: 'PublishToConfiguredTopics', actions: ['sns:Publish'], resources: extraTopics }),
      );
    }
    const secretNames = secretNamesIn(props.config);
    if (secretNames.length > 0) {
      this.notifier.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'ReadChannelSecrets',
          actions: ['secretsmanager:GetSecretValue'],
          resources: secretNames.map((name) => secretArn(this, name)),
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
      retentionPeriod: maxAge,
      // A page a quarter of an hour late is worth waking someone about.
      maxExpectedAge: Duration.minutes(15),
    });
    this.rule = new events.Rule(this, 'NotifyRequestedRule', {
      description: 'alertscale: Notify Requested → the notifier',
      eventBus: props.bus,
      eventPattern: toEventPattern(patterns.notifyRequested),
      targets: [queueTarget(this.notifyQueue.queue, props.eventTargetDeadLetterQueue, deliveryRetry(maxAge))],
    });
  }
}

/**
 * The ARN pattern of a secret given by name. Secrets Manager appends a dash
 * and six random characters to every secret's ARN, hence `-??????`, which
 * matches exactly that suffix and so never a longer name with the same prefix.
 */
export function secretArn(scope: Construct, nameOrArn: string): string {
  if (nameOrArn.startsWith('arn:')) return nameOrArn;
  return Stack.of(scope).formatArn({
    service: 'secretsmanager',
    resource: 'secret',
    resourceName: `${nameOrArn}-??????`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}
