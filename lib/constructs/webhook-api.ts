import {
  Duration,
  aws_apigateway as apigateway,
  aws_apigatewayv2 as apigwv2,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as cloudwatchActions,
  aws_logs as logs,
  aws_sns as sns,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { METRIC_NAMESPACE, MetricDimension, MetricName } from '../../lambdas/shared/metric-names';

/** The path Alertmanager posts to, on AWS and in local mode. */
export const WEBHOOK_PATH = '/alertmanager';
/** The webhook's route key, as API Gateway writes it in the access log. */
const WEBHOOK_ROUTE_KEY = `POST ${WEBHOOK_PATH}`;

/**
 * The answers to the webhook that mean Alertmanager dropped a notification
 * because of us or its own configuration: bad payload, bad or missing token,
 * forbidden, too large. 404 is not among them: it is what a scanner gets for
 * a path that does not exist, and Alertmanager never posts anywhere else.
 */
const REJECTED_STATUSES = [400, 401, 403, 413] as const;

/** The period of every API alarm. */
const ALARM_PERIOD = Duration.minutes(5);

/** Properties of a {@link WebhookApi}. */
export interface WebhookApiProps {
  /** Operators' topic for the API's alarms. */
  readonly alarmTopic: sns.ITopic;
  /**
   * The API's name in the console (names of HTTP APIs need not be unique; the stack gives its own).
   * @default 'alertscale'
   */
  readonly apiName?: string;
  /**
   * Steady-state requests per second of every route without a throttle of its own (the webhook).
   * @default 1000 - far above any Alertmanager's peak, since a 429 drops a notification
   */
  readonly throttlingRateLimit?: number;
  /**
   * Requests in a burst, for those routes.
   * @default 2000
   */
  readonly throttlingBurstLimit?: number;
}

/** Routes to add with {@link WebhookApi.addRoutes}. */
export interface WebhookApiRoutes {
  /** Paths, e.g. `/api/decisions`. */
  readonly paths: readonly string[];
  readonly method: apigwv2.HttpMethod;
  readonly integration: apigwv2.HttpRouteIntegration;
  /**
   * A throttle for these routes alone (stage route settings), instead of the stage's default.
   * @default - the stage's default throttle
   */
  readonly throttle?: RouteThrottle;
}

/** A route's own throttle. */
export interface RouteThrottle {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Requests in a burst. */
  readonly burstLimit: number;
}

/** The operators' routes' throttle unless told otherwise: ample for people and scripts, small for a leaked token. */
export const DEFAULT_API_THROTTLE: RouteThrottle = { rateLimit: 10, burstLimit: 20 };

/**
 * The HTTP API alertscale answers on: `POST /alertmanager` for Alertmanager
 * (added by `Ingest`) and the `/api/*` reads for operators (added by
 * `ReadApi`). An HTTP API is cheaper and faster than a REST API, and nothing
 * here needs REST's extras; each function checks its own bearer token.
 *
 * Alertmanager retries only 5xx and network errors; every 4xx, 429 included,
 * drops the notification for good. So the stage's default throttle sits far
 * above any expected peak (one request per group notification, per replica)
 * and the reads get a lower one of their own; the webhook's rejections and
 * 429s are counted from the access log, by route, and alarm.
 */
export class WebhookApi extends Construct {
  /** The HTTP API. */
  readonly api: apigwv2.HttpApi;
  /** Its `$default` stage, with throttling and access logs. */
  readonly stage: apigwv2.HttpStage;
  /** The full webhook URL, `https://…/alertmanager`. */
  readonly webhookUrl: string;
  /** The base of the operators' routes, `https://…/api/`. */
  readonly apiUrl: string;
  /** Access log records, one JSON object per request (no headers, so never a token). */
  readonly accessLogs: logs.LogGroup;
  /** The webhook answered 400/401/403/413, again and again. */
  readonly clientErrorAlarm: cloudwatch.Alarm;
  /** The webhook answered 429 (throttled). */
  readonly throttledAlarm: cloudwatch.Alarm;
  /** 5xx answers: Alertmanager retries them, but a run of them means a function is failing. */
  readonly serverErrorAlarm: cloudwatch.Alarm;
  private readonly routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};

  constructor(scope: Construct, id: string, props: WebhookApiProps) {
    super(scope, id);
    this.api = new apigwv2.HttpApi(this, 'HttpApi', {
      apiName: props.apiName ?? 'alertscale',
      description: 'alertscale: Alertmanager webhook and operator API',
      createDefaultStage: false,
    });

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
    this.apiUrl = `${this.api.apiEndpoint}/api/`;

    // A wrong token or a payload we refuse repeats for every group notification of
    // every replica, period after period; a scanner's probe is one burst. Three or more
    // rejections in 2 of 3 five-minute periods catch the first and let the second pass.
    this.clientErrorAlarm = new cloudwatch.Alarm(this, 'ClientErrorAlarm', {
      alarmDescription:
        'alertscale: POST /alertmanager answered 400/401/403/413 again and again. Alertmanager drops a notification it gets a 4xx for; check the token (401/403), the payload (400) and its size (413) in the access logs',
      metric: this.webhookAnswers('RejectedRequests', REJECTED_STATUSES, MetricName.WebhookRejectedRequests),
      threshold: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.throttledAlarm = new cloudwatch.Alarm(this, 'ThrottledAlarm', {
      alarmDescription:
        'alertscale: the webhook answered 429 (throttled). Alertmanager drops these notifications; raise the stage throttle',
      metric: this.webhookAnswers('ThrottledRequests', [429], MetricName.WebhookThrottledRequests),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.serverErrorAlarm = new cloudwatch.Alarm(this, 'ServerErrorAlarm', {
      alarmDescription:
        'alertscale: the API answered 5xx. Alertmanager retries, but a function is failing; see the ingest and api function logs',
      metric: this.api.metricServerError({ period: ALARM_PERIOD, statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    const action = new cloudwatchActions.SnsAction(props.alarmTopic);
    for (const alarm of [this.clientErrorAlarm, this.throttledAlarm, this.serverErrorAlarm]) alarm.addAlarmAction(action);
  }

  /**
   * Counts the webhook's answers with these statuses from the access logs (a
   * metric filter) and returns that count per alarm period. The API id is a
   * dimension so two stacks in one account count their own requests.
   */
  private webhookAnswers(id: string, statuses: readonly number[], metricName: string): cloudwatch.Metric {
    new logs.MetricFilter(this, id, {
      logGroup: this.accessLogs,
      filterPattern: logs.FilterPattern.all(
        logs.FilterPattern.stringValue('$.routeKey', '=', WEBHOOK_ROUTE_KEY),
        logs.FilterPattern.any(...statuses.map((status) => logs.FilterPattern.numberValue('$.status', '=', status))),
      ),
      metricNamespace: METRIC_NAMESPACE,
      metricName,
      metricValue: '1',
      dimensions: { [MetricDimension.ApiId]: '$.apiId' },
    });
    return new cloudwatch.Metric({
      namespace: METRIC_NAMESPACE,
      metricName,
      dimensionsMap: { [MetricDimension.ApiId]: this.api.apiId },
      period: ALARM_PERIOD,
      statistic: 'Sum',
    });
  }

  /**
   * Adds routes (payload format 2.0 integrations), with a throttle of their
   * own when given. HTTP APIs throttle per route through the stage's route
   * settings, which CDK's `HttpStage` does not expose, so they are set on the
   * `AWS::ApiGatewayV2::Stage` itself; the stage then depends on the routes,
   * since CloudFormation refuses settings for a route that does not exist yet.
   */
  addRoutes(routes: WebhookApiRoutes): apigwv2.HttpRoute[] {
    const added = routes.paths.flatMap((path) => this.api.addRoutes({ path, methods: [routes.method], integration: routes.integration }));
    if (routes.throttle) {
      for (const path of routes.paths) {
        this.routeSettings[`${routes.method} ${path}`] = {
          ThrottlingRateLimit: routes.throttle.rateLimit,
          ThrottlingBurstLimit: routes.throttle.burstLimit,
        };
      }
      (this.stage.node.defaultChild as apigwv2.CfnStage).routeSettings = { ...this.routeSettings };
      for (const route of added) this.stage.node.addDependency(route);
    }
    return added;
  }
}

/**
 * One JSON object per request. `status` is a number so a metric filter can
 * compare it; `apiId` becomes the metrics' dimension; headers are left out so
 * a bearer token never reaches a log.
 */
const ACCESS_LOG_FORMAT = [
  '{"requestId":"$context.requestId"',
  '"apiId":"$context.apiId"',
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
