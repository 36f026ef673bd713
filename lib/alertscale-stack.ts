import {
  CfnOutput,
  Stack,
  type StackProps,
  aws_secretsmanager as secretsmanager,
  aws_sns as sns,
  aws_ssm as ssm,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { Config } from '../lambdas/shared/config/schema';
import { AlarmTopic } from './constructs/alarm-topic';
import { DeadLetterQueue } from './constructs/dead-letter-queue';
import { DecisionTable } from './constructs/decision-table';
import { AlertscaleEventBus } from './constructs/event-bus';
import { Ingest } from './constructs/ingest';
import { NodeDrain } from './constructs/node-drain';
import { NodeGroupScaling } from './constructs/node-group-scaling';
import { Notifications } from './constructs/notifications';
import { OperationsDashboard } from './constructs/operations-dashboard';
import { ReadApi } from './constructs/read-api';
import { Routing } from './constructs/routing';
import { DEFAULT_API_THROTTLE, WebhookApi } from './constructs/webhook-api';
import { stackNames, type StackNames } from './names';
import { acknowledgeStackFindings } from './nag-suppressions';

/** Properties of the {@link AlertscaleStack}. */
export interface AlertscaleStackProps extends StackProps {
  /** The validated configuration (`loadConfig`): node groups, receivers, secrets, `settings.max_action_age`. */
  readonly config: Config;
  /**
   * Put in front of the stack name in the names people type (context `alertscale:prefix`; see `lib/names.ts`).
   * @default - the stack name alone
   */
  readonly namePrefix?: string;
  /**
   * Name of the custom event bus.
   * @default - the stack name (after the prefix) in kebab case: `alertscale` for the stack `Alertscale`
   */
  readonly eventBusName?: string;
  /**
   * Name of the kill-switch parameter.
   * @default - `/<bus name>/paused`: `/alertscale/paused` for the stack `Alertscale`
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
  /**
   * Steady-state requests per second each `/api/*` route accepts.
   * @default 10
   */
  readonly apiThrottlingRateLimit?: number;
  /**
   * Burst of requests each `/api/*` route accepts.
   * @default 20
   */
  readonly apiThrottlingBurstLimit?: number;
  /**
   * E-mail addresses subscribed to the alarm topic (context `alertscale:alarmEmails`).
   * @default - none
   */
  readonly alarmEmails?: readonly string[];
  /**
   * An existing SNS topic every alarm notifies as well (context `alertscale:alarmTopicArn`).
   * @default - none
   */
  readonly alarmTopicArn?: string;
  /**
   * IAM roles that may put `Alertmanager Notification` on the bus besides ingest
   * (context `alertscale:notificationProducers`).
   * @default - none
   */
  readonly notificationProducerRoleArns?: readonly string[];
}

/** Where the token file lives in the Alertmanager snippet; any path Alertmanager can read will do. */
const TOKEN_FILE = '/etc/alertmanager/alertscale-token';

/**
 * alertscale on AWS, wired from its stage constructs: `Ingest` (webhook →
 * bus), `Routing` (notifications → decisions), `NodeGroupScaling` (scale
 * requests → Auto Scaling) and `Notifications` (notify requests → channels),
 * `NodeDrain` (drain before termination, when a node group asks for it),
 * plus the operators' `ReadApi`, around one bus, one table and one alarm
 * topic. Each stage has its own queue, dead-letter queue and alarms; the
 * stack adds the bus policy, the dashboard and the outputs.
 */
export class AlertscaleStack extends Stack {
  /** The names people and tools type, derived from the stack name and prefix. */
  readonly names: StackNames;
  /** The custom bus, its archive and its policy. */
  readonly eventBus: AlertscaleEventBus;
  /** The one DynamoDB table. */
  readonly table: DecisionTable;
  /** Operators' topic; every alarm notifies it. */
  readonly alarmTopic: AlarmTopic;
  /** The bearer token Alertmanager must send; it can only post notifications. Generated at deploy time. */
  readonly webhookToken: secretsmanager.Secret;
  /** The operators' bearer token for `/api/*`. Generated at deploy time. */
  readonly apiToken: secretsmanager.Secret;
  /** The kill switch: `on` pauses every scale action. */
  readonly pauseParameter: ssm.StringParameter;
  /** Where EventBridge parks events it could not deliver to a queue of the alertscale bus. */
  readonly eventTargetDeadLetterQueue: DeadLetterQueue;
  /** The HTTP API: the webhook and the operators' routes. */
  readonly webhookApi: WebhookApi;
  /** Webhook → bus. */
  readonly ingest: Ingest;
  /** `GET /api/decisions` and `GET /api/node-groups`, behind the API token. */
  readonly reads: ReadApi;
  /** Notifications → decisions and action requests. */
  readonly routing: Routing;
  /** The scaler, its FIFO queue and rules, and the capacity fallback. */
  readonly scaling: NodeGroupScaling;
  /** The notifier, its queue, rule and SNS topic. */
  readonly notifications: Notifications;
  /** Drain before termination: lifecycle hooks, the drain and callback functions; absent when no node group has `drain`. */
  readonly drain?: NodeDrain;
  /** The operators' dashboard. */
  readonly dashboard: OperationsDashboard;

  constructor(scope: Construct, id: string, props: AlertscaleStackProps) {
    super(scope, id, {
      description: 'alertscale: Prometheus Alertmanager alerts → GPU node group scaling and on-call pages',
      ...props,
    });
    const { config } = props;
    this.names = stackNames(this, props.namePrefix);

    this.alarmTopic = new AlarmTopic(this, 'AlarmTopic', {
      displayName: `${this.names.base} alarms`,
      emails: props.alarmEmails,
      alsoNotify: props.alarmTopicArn ? sns.Topic.fromTopicArn(this, 'OperatorsTopic', props.alarmTopicArn) : undefined,
    });
    const alarmTopic = this.alarmTopic.topic;
    this.eventBus = new AlertscaleEventBus(this, 'EventBus', { eventBusName: props.eventBusName ?? this.names.eventBus });
    const bus = this.eventBus.bus;
    this.table = new DecisionTable(this, 'DecisionTable');
    const table = this.table.table;

    this.webhookToken = bearerTokenSecret(this, 'WebhookToken', 'alertscale: bearer token Alertmanager sends to the webhook (posting only)');
    this.apiToken = bearerTokenSecret(this, 'ApiToken', 'alertscale: bearer token operators send to /api/* (reads and control routes)');
    this.pauseParameter = killSwitch(this, props.pauseParameterName ?? this.names.pauseParameter);
    this.eventTargetDeadLetterQueue = eventTargetDeadLetterQueue(this, alarmTopic);

    this.webhookApi = new WebhookApi(this, 'WebhookApi', {
      apiName: this.names.base,
      alarmTopic,
      throttlingRateLimit: props.throttlingRateLimit,
      throttlingBurstLimit: props.throttlingBurstLimit,
    });
    const apiThrottle = { rateLimit: props.apiThrottlingRateLimit ?? DEFAULT_API_THROTTLE.rateLimit, burstLimit: props.apiThrottlingBurstLimit ?? DEFAULT_API_THROTTLE.burstLimit };
    this.ingest = new Ingest(this, 'Ingest', { config, bus, webhookToken: this.webhookToken, alarmTopic, api: this.webhookApi });
    this.reads = new ReadApi(this, 'ReadApi', { config, table, apiToken: this.apiToken, api: this.webhookApi, alarmTopic, throttle: apiThrottle });

    const stage = { config, bus, table, alarmTopic, eventTargetDeadLetterQueue: this.eventTargetDeadLetterQueue.queue };
    this.routing = new Routing(this, 'Routing', stage);
    this.scaling = new NodeGroupScaling(this, 'Scaling', { ...stage, pauseParameter: this.pauseParameter });
    this.notifications = new Notifications(this, 'Notifications', { ...stage, topicDisplayName: `${this.names.base} notifications` });
    if (config.node_groups.some((group) => group.drain)) {
      this.drain = new NodeDrain(this, 'Drain', {
        config,
        bus,
        table,
        apiToken: this.apiToken,
        api: this.webhookApi,
        alarmTopic,
        hookName: `${this.names.base}-drain`,
        throttle: apiThrottle,
      });
    }

    this.allowPublishers(props.notificationProducerRoleArns);
    this.dashboard = this.operationsDashboard(config);

    this.addOutputs();
    this.alarmTopic.coverAlarmsOf(this);
    acknowledgeStackFindings(this);
  }

  /** Only the stage functions may put their own detail-types on the bus (and Alertmanager notifications, the producers given). */
  private allowPublishers(notificationProducerArns: readonly string[] | undefined): void {
    const functions = [this.ingest.ingest, this.routing.router, this.scaling.scaler, this.scaling.launchUnsuccessful, this.notifications.notifier];
    if (this.drain) functions.push(this.drain.drain, this.drain.callback);
    this.eventBus.allowPublishers({ functionRoles: functions.map((fn) => fn.role!), notificationProducerArns });
  }

  private operationsDashboard(config: Config): OperationsDashboard {
    return new OperationsDashboard(this, 'Dashboard', {
      dashboardName: this.names.dashboard,
      nodeGroups: config.node_groups.map((group) => group.name),
      queues: [
        { label: 'router', queue: this.routing.queue.queue },
        { label: 'scale', queue: this.scaling.scaleQueue.queue },
        { label: 'notify', queue: this.notifications.notifyQueue.queue },
      ],
      deadLetterQueues: [
        { label: 'router', queue: this.routing.queue.deadLetterQueue.queue },
        { label: 'scale', queue: this.scaling.scaleQueue.deadLetterQueue.queue },
        { label: 'notify', queue: this.notifications.notifyQueue.deadLetterQueue.queue },
        { label: 'event targets', queue: this.eventTargetDeadLetterQueue.queue },
        { label: 'launch failures', queue: this.scaling.launchUnsuccessfulDeadLetterQueue.queue },
        ...(this.drain ? [{ label: 'drain', queue: this.drain.deadLetterQueue.queue }] : []),
      ],
    });
  }

  private addOutputs(): void {
    const webhookUrl = this.webhookApi.webhookUrl;
    new CfnOutput(this, 'WebhookUrl', { description: 'Alertmanager webhook URL', value: webhookUrl });
    new CfnOutput(this, 'AlertmanagerWebhookConfig', {
      description: 'Paste into alertmanager.yml under receivers; write the token file first (see the comment in it)',
      value: alertmanagerSnippet(webhookUrl, this.webhookToken.secretArn),
    });
    new CfnOutput(this, 'WebhookTokenSecretArn', {
      description: 'The bearer token Alertmanager must send (Secrets Manager); it can only post notifications',
      value: this.webhookToken.secretArn,
    });
    new CfnOutput(this, 'ApiUrl', { description: 'Operators: GET <this>decisions, GET <this>node-groups', value: this.webhookApi.apiUrl });
    new CfnOutput(this, 'ApiTokenSecretArn', {
      description: 'The bearer token for /api/* (Secrets Manager); give it to operators only',
      value: this.apiToken.secretArn,
    });
    new CfnOutput(this, 'EventBusName', { description: 'alertscale events; subscribe with your own rules', value: this.eventBus.bus.eventBusName });
    new CfnOutput(this, 'TableName', { description: 'Decision records', value: this.table.table.tableName });
    new CfnOutput(this, 'PauseParameterName', {
      description: 'Kill switch: aws ssm put-parameter --overwrite --name <this> --value on',
      value: this.pauseParameter.parameterName,
    });
    new CfnOutput(this, 'AlarmTopicArn', { description: 'Every alertscale alarm notifies this topic', value: this.alarmTopic.topic.topicArn });
    new CfnOutput(this, 'DashboardName', { description: 'The CloudWatch dashboard', value: this.dashboard.dashboard.dashboardName });
    new CfnOutput(this, 'NotificationTopicArn', {
      description: 'E-mail/SMS subscribers of sns_configs',
      value: this.notifications.topic.topicArn,
    });
  }
}

function killSwitch(scope: Construct, parameterName: string): ssm.StringParameter {
  return new ssm.StringParameter(scope, 'PauseParameter', {
    parameterName,
    stringValue: 'off',
    description: 'alertscale kill switch: "on" records scale actions as paused and changes nothing (paging still works); "off" resumes',
  });
}

function eventTargetDeadLetterQueue(scope: Construct, alarmTopic: sns.ITopic): DeadLetterQueue {
  return new DeadLetterQueue(scope, 'EventTargetDeadLetterQueue', {
    purpose: 'events EventBridge could not deliver to an alertscale queue in time',
    alarmTopic,
    advice:
      'inspect them; route a notification again by replaying its window from the bus archive; send a notify request again by sending its message, as it is, to the notify queue (the archive keeps notifications only); scale requests here are past max_action_age, and the scaler would only record them as expired',
  });
}

/** A bearer token generated at deploy time: letters and digits only, since it travels in an HTTP header and a file, unquoted. */
function bearerTokenSecret(scope: Construct, id: string, description: string): secretsmanager.Secret {
  return new secretsmanager.Secret(scope, id, {
    description,
    generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
  });
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
