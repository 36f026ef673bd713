import {
  Duration,
  aws_apigateway as apigateway,
  aws_apigatewayv2 as apigwv2,
  aws_apigatewayv2_integrations as integrations,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as cloudwatchActions,
  aws_lambda as lambda,
  aws_logs as logs,
  aws_sns as sns,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** The path Alertmanager posts to, on AWS and in local mode. */
export const WEBHOOK_PATH = '/alertmanager';

/** The reads DESIGN.md serves behind the webhook token, on AWS as locally. */
export const READ_PATHS = ['/api/decisions', '/api/node-groups'] as const;

/** Namespace of the metrics alertscale derives itself (the API publishes no 429 count of its own). */
export const METRIC_NAMESPACE = 'alertscale';

/** Properties of a {@link WebhookApi}. */
export interface WebhookApiProps {
  /** The ingest function; it receives payload format 2.0 events. */
  readonly ingest: lambda.IFunction;
  /**
   * The function serving `GET /api/decisions` and `GET /api/node-groups` (behind the same token).
   * @default - no read routes
   */
  readonly reads?: lambda.IFunction;
  /** Operators' topic for the API's alarms. */
  readonly alarmTopic: sns.ITopic;
  /**
   * Steady-state requests per second the stage accepts.
   * @default 1000
   */
  readonly throttlingRateLimit?: number;
  /**
   * Requests the stage accepts in a burst.
   * @default 2000
   */
  readonly throttlingBurstLimit?: number;
  /**
   * 4xx answers within five minutes that raise the alarm.
   * @default 1 - every 4xx is an Alertmanager notification dropped for good
   */
  readonly clientErrorAlarmThreshold?: number;
}

/**
 * The webhook Alertmanager posts to: an HTTP API (cheaper and faster than a
 * REST API, and nothing here needs REST's extras) with `POST /alertmanager`
 * proxied to the ingest function, which checks the bearer token itself.
 *
 * Alertmanager retries only 5xx and network errors; every 4xx, 429 included,
 * drops the notification for good. So the stage's throttle sits far above any
 * expected peak (one request per Alertmanager group notification, per
 * replica), and any 4xx or 429 raises an alarm: it means alerts were lost, or
 * that Alertmanager is misconfigured (a wrong token answers 401).
 */
export class WebhookApi extends Construct {
  /** The HTTP API. */
  readonly api: apigwv2.HttpApi;
  /** Its `$default` stage, with throttling and access logs. */
  readonly stage: apigwv2.HttpStage;
  /** The full webhook URL, `https://…/alertmanager`. */
  readonly webhookUrl: string;
  /** Access log records, one JSON object per request (no headers, so never the token). */
  readonly accessLogs: logs.LogGroup;
  /** Any 4xx answer. */
  readonly clientErrorAlarm: cloudwatch.Alarm;
  /** A 429 answer (throttled), counted from the access logs. */
  readonly throttledAlarm: cloudwatch.Alarm;
  /** 5xx answers: Alertmanager retries them, but a run of them means ingest is failing. */
  readonly serverErrorAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: WebhookApiProps) {
    super(scope, id);
    this.api = new apigwv2.HttpApi(this, 'HttpApi', {
      description: 'alertscale: Alertmanager webhook',
      createDefaultStage: false,
    });
    this.api.addRoutes({
      path: WEBHOOK_PATH,
      methods: [apigwv2.HttpMethod.POST],
      integration: new integrations.HttpLambdaIntegration('IngestIntegration', props.ingest, {
        payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
      }),
    });

    if (props.reads) {
      const reads = new integrations.HttpLambdaIntegration('ReadsIntegration', props.reads, {
        payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
      });
      for (const path of READ_PATHS) this.api.addRoutes({ path, methods: [apigwv2.HttpMethod.GET], integration: reads });
    }

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: logs.RetentionDays.ONE_MONTH });
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      // Far above peak: a 429 is a notification Alertmanager drops, never retries.
      throttle: {
        rateLimit: props.throttlingRateLimit ?? 1000,
        burstLimit: props.throttlingBurstLimit ?? 2000,
      },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        format: apigateway.AccessLogFormat.custom(ACCESS_LOG_FORMAT),
      },
    });
    this.webhookUrl = `${this.api.apiEndpoint}${WEBHOOK_PATH}`;

    const period = Duration.minutes(5);
    this.clientErrorAlarm = new cloudwatch.Alarm(this, 'ClientErrorAlarm', {
      alarmDescription:
        'alertscale: the webhook answered 4xx. Alertmanager drops a notification it gets a 4xx for; check the token (401), payload (400) and size (413) in the access logs',
      metric: this.api.metricClientError({ period, statistic: 'Sum' }),
      threshold: props.clientErrorAlarmThreshold ?? 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    const throttled = new logs.MetricFilter(this, 'ThrottledRequests', {
      logGroup: this.accessLogs,
      filterPattern: logs.FilterPattern.numberValue('$.status', '=', 429),
      metricNamespace: METRIC_NAMESPACE,
      metricName: 'WebhookThrottledRequests',
      metricValue: '1',
    });
    this.throttledAlarm = new cloudwatch.Alarm(this, 'ThrottledAlarm', {
      alarmDescription:
        'alertscale: the webhook answered 429 (throttled). Alertmanager drops these notifications; raise the stage throttle',
      metric: throttled.metric({ period, statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.serverErrorAlarm = new cloudwatch.Alarm(this, 'ServerErrorAlarm', {
      alarmDescription:
        'alertscale: the webhook answered 5xx for five minutes running. Alertmanager retries, but ingest is failing; see the ingest function logs',
      metric: this.api.metricServerError({ period, statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    const action = new cloudwatchActions.SnsAction(props.alarmTopic);
    for (const alarm of [this.clientErrorAlarm, this.throttledAlarm, this.serverErrorAlarm]) alarm.addAlarmAction(action);
  }
}

/**
 * One JSON object per request. `status` is a number so a metric filter can
 * compare it; headers are left out so the bearer token never reaches a log.
 */
const ACCESS_LOG_FORMAT = [
  '{"requestId":"$context.requestId"',
  '"requestTime":"$context.requestTime"',
  '"sourceIp":"$context.identity.sourceIp"',
  '"userAgent":"$context.identity.userAgent"',
  '"routeKey":"$context.routeKey"',
  '"status":$context.status',
  '"protocol":"$context.protocol"',
  '"responseLength":"$context.responseLength"',
  '"responseLatency":"$context.responseLatency"',
  '"integrationStatus":"$context.integration.status"',
  '"integrationLatency":"$context.integration.latency"',
  '"integrationError":"$context.integration.error"',
  '"errorMessage":"$context.error.message"}',
].join(',');
