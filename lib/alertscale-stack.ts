import {
  CfnOutput,
  Duration,
  Stack,
  type StackProps,
  aws_events as events,
  aws_iam as iam,
  aws_secretsmanager as secretsmanager,
  aws_ssm as ssm,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { secretNamesIn } from '../lambdas/shared/channels';
import type { Config } from '../lambdas/shared/config/schema';
import { patterns } from '../lambdas/shared/events';
import { AlertscaleFunction } from './alertscale-function';
import { AlarmTopic } from './constructs/alarm-topic';
import { DeadLetterQueue } from './constructs/dead-letter-queue';
import { DecisionTable } from './constructs/decision-table';
import { AlertscaleEventBus } from './constructs/event-bus';
import { NodeGroupScaling } from './constructs/node-group-scaling';
import { Notifications } from './constructs/notifications';
import { QueueConsumer } from './constructs/queue-consumer';
import { queueTarget } from './constructs/rule-targets';
import { WebhookApi } from './constructs/webhook-api';
import { toEventPattern } from './event-pattern';
import { acknowledgeStackFindings } from './nag-suppressions';

/** Properties of the {@link AlertscaleStack}. */
export interface AlertscaleStackProps extends StackProps {
  /** The validated configuration (`loadConfig`): node groups, receivers, secrets. */
  readonly config: Config;
  /**
   * Name of the custom event bus.
   * @default 'alertscale'
   */
  readonly eventBusName?: string;
  /**
   * Name of the kill-switch parameter.
   * @default '/alertscale/paused'
   */
  readonly pauseParameterName?: string;
  /**
   * Steady-state requests per second the webhook accepts.
   * @default 1000 - far above any Alertmanager's peak, since a 429 drops a notification
   */
  readonly throttlingRateLimit?: number;
  /**
   * Burst of requests the webhook accepts.
   * @default 2000
   */
  readonly throttlingBurstLimit?: number;
}

/** Where the token file lives in the Alertmanager snippet; any path Alertmanager can read will do. */
const TOKEN_FILE = '/etc/alertmanager/alertscale-token';

/**
 * alertscale on AWS: Alertmanager → HTTP API → ingest → EventBridge bus →
 * SQS → router (dedupe in DynamoDB, route tree) → scale and notify actions,
 * each stage on its own queue with a dead-letter queue and an alarm. The
 * shape is described in DESIGN.md; each part is a construct in `constructs/`.
 */
export class AlertscaleStack extends Stack {
  /** The custom bus and its archive. */
  readonly eventBus: AlertscaleEventBus;
  /** The one DynamoDB table. */
  readonly table: DecisionTable;
  /** Operators' topic; every alarm notifies it. */
  readonly alarmTopic: AlarmTopic;
  /** The bearer token Alertmanager must send; generated at deploy time. */
  readonly webhookToken: secretsmanager.Secret;
  /** The kill switch: `on` pauses every scale action. */
  readonly pauseParameter: ssm.StringParameter;
  /** Where EventBridge parks events it could not deliver to a queue of the alertscale bus. */
  readonly eventTargetDeadLetterQueue: DeadLetterQueue;
  /** Webhook → bus. */
  readonly ingest: AlertscaleFunction;
  /** `GET /api/decisions` and `GET /api/node-groups`, behind the webhook token. */
  readonly reads: AlertscaleFunction;
  /** The webhook endpoint. */
  readonly webhookApi: WebhookApi;
  /** Alerts → decisions and action events. */
  readonly router: AlertscaleFunction;
  /** The router's queue. */
  readonly alertQueue: QueueConsumer;
  /** `Alertmanager Alert` → the router's queue. */
  readonly alertsRule: events.Rule;
  /** The scaler, its FIFO queue and rules, and the capacity fallback. */
  readonly scaling: NodeGroupScaling;
  /** The notifier, its queue, rule and SNS topic. */
  readonly notifications: Notifications;

  constructor(scope: Construct, id: string, props: AlertscaleStackProps) {
    super(scope, id, {
      description: 'alertscale: Prometheus Alertmanager alerts → GPU node group scaling and on-call pages',
      ...props,
    });
    const { config } = props;

    this.alarmTopic = new AlarmTopic(this, 'AlarmTopic');
    const alarmTopic = this.alarmTopic.topic;
    this.eventBus = new AlertscaleEventBus(this, 'EventBus', { eventBusName: props.eventBusName });
    const bus = this.eventBus.bus;
    this.table = new DecisionTable(this, 'DecisionTable');
    const table = this.table.table;

    this.webhookToken = new secretsmanager.Secret(this, 'WebhookToken', {
      description: 'alertscale: bearer token Alertmanager sends to the webhook',
      // Letters and digits only: the token travels in an HTTP header and a file, unquoted.
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
    });
    this.pauseParameter = new ssm.StringParameter(this, 'PauseParameter', {
      parameterName: props.pauseParameterName ?? '/alertscale/paused',
      stringValue: 'off',
      description: 'alertscale kill switch: "on" records scale actions as paused and changes nothing (paging still works); "off" resumes',
    });
    this.eventTargetDeadLetterQueue = new DeadLetterQueue(this, 'EventTargetDeadLetterQueue', {
      purpose: 'events EventBridge could not deliver to an alertscale queue',
      alarmTopic,
    });

    this.ingest = new AlertscaleFunction(this, 'IngestFunction', {
      entry: 'lambdas/ingest/handler.ts',
      serviceName: 'ingest',
      description: 'alertscale ingest: Alertmanager webhook → EventBridge',
      config,
      // Within API Gateway's 30 s integration limit, with room for PutEvents retries.
      timeout: Duration.seconds(25),
    });
    this.ingest.useEventBus(bus).useWebhookTokenSecret(this.webhookToken);
    this.reads = new AlertscaleFunction(this, 'ApiFunction', {
      entry: 'lambdas/api/handler.ts',
      serviceName: 'api',
      description: 'alertscale reads: GET /api/decisions, GET /api/node-groups',
      config,
      timeout: Duration.seconds(25),
    });
    this.reads.useTable(table, 'read').useWebhookTokenSecret(this.webhookToken);
    // DescribeAutoScalingGroups has no resource-level permissions.
    this.reads.addToRolePolicy(new iam.PolicyStatement({ actions: ['autoscaling:DescribeAutoScalingGroups'], resources: ['*'] }));
    this.webhookApi = new WebhookApi(this, 'WebhookApi', {
      ingest: this.ingest,
      reads: this.reads,
      alarmTopic,
      throttlingRateLimit: props.throttlingRateLimit,
      throttlingBurstLimit: props.throttlingBurstLimit,
    });

    this.router = new AlertscaleFunction(this, 'RouterFunction', {
      entry: 'lambdas/router/handler.ts',
      serviceName: 'router',
      description: 'alertscale router: dedupe, route tree, decisions',
      config,
      timeout: Duration.seconds(30),
    });
    this.router.useTable(table).useEventBus(bus);
    this.alertQueue = new QueueConsumer(this, 'AlertQueue', {
      consumer: this.router,
      purpose: 'alerts for the router',
      alarmTopic,
      batchSize: 10,
      maxBatchingWindow: Duration.seconds(1),
    });
    this.alertsRule = new events.Rule(this, 'AlertsRule', {
      description: 'alertscale: Alertmanager Notification → the router',
      eventBus: bus,
      eventPattern: toEventPattern(patterns.notifications),
      targets: [queueTarget(this.alertQueue.queue, this.eventTargetDeadLetterQueue.queue)],
    });

    this.scaling = new NodeGroupScaling(this, 'Scaling', {
      nodeGroups: config.node_groups,
      config,
      bus,
      table,
      pauseParameter: this.pauseParameter,
      alarmTopic,
      eventTargetDeadLetterQueue: this.eventTargetDeadLetterQueue,
    });
    this.notifications = new Notifications(this, 'Notifications', {
      config,
      secretNames: secretNamesIn(config),
      extraTopicArns: config.receivers.flatMap((r) => r.sns_configs.flatMap((c) => (c.topic_arn ? [c.topic_arn] : []))),
      bus,
      table,
      alarmTopic,
      eventTargetDeadLetterQueue: this.eventTargetDeadLetterQueue,
    });

    const webhookUrl = this.webhookApi.webhookUrl;
    new CfnOutput(this, 'WebhookUrl', { description: 'Alertmanager webhook URL', value: webhookUrl });
    new CfnOutput(this, 'AlertmanagerWebhookConfig', {
      description: 'Paste into alertmanager.yml under receivers; write the token file first (see the comment in it)',
      value: alertmanagerSnippet(webhookUrl, this.webhookToken.secretArn),
    });
    new CfnOutput(this, 'WebhookTokenSecretArn', {
      description: 'The bearer token Alertmanager must send (Secrets Manager)',
      value: this.webhookToken.secretArn,
    });
    new CfnOutput(this, 'EventBusName', { description: 'alertscale events; subscribe with your own rules', value: bus.eventBusName });
    new CfnOutput(this, 'TableName', { description: 'Decision records', value: table.tableName });
    new CfnOutput(this, 'PauseParameterName', {
      description: 'Kill switch: aws ssm put-parameter --overwrite --name <this> --value on',
      value: this.pauseParameter.parameterName,
    });
    new CfnOutput(this, 'AlarmTopicArn', { description: 'Subscribe operators to every alertscale alarm', value: alarmTopic.topicArn });
    new CfnOutput(this, 'NotificationTopicArn', {
      description: 'E-mail/SMS subscribers of sns_configs',
      value: this.notifications.topic.topicArn,
    });

    acknowledgeStackFindings(this);
  }
}

/**
 * A ready-to-paste Alertmanager receiver. `max_alerts: 0` sends every alert of
 * a group (alertscale acts per alert); the token is read from a file so it
 * never sits in alertmanager.yml.
 */
function alertmanagerSnippet(webhookUrl: string, secretArn: string): string {
  return [
    '# First write the token file Alertmanager reads:',
    `#   aws secretsmanager get-secret-value --secret-id ${secretArn} --query SecretString --output text > ${TOKEN_FILE}`,
    'receivers:',
    '  - name: alertscale',
    '    webhook_configs:',
    `      - url: ${webhookUrl}`,
    '        send_resolved: true',
    '        max_alerts: 0',
    '        http_config:',
    '          authorization:',
    '            type: Bearer',
    `            credentials_file: ${TOKEN_FILE}`,
    '',
  ].join('\n');
}
