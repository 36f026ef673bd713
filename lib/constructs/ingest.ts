import {
  Duration,
  aws_apigatewayv2 as apigwv2,
  aws_apigatewayv2_integrations as integrations,
  aws_events as events,
  aws_secretsmanager as secretsmanager,
  aws_sns as sns,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { Config } from '../../lambdas/shared/config/schema';
import { AlertscaleFunction } from '../alertscale-function';
import { WEBHOOK_PATH, WebhookApi } from './webhook-api';

/** Properties of {@link Ingest}. */
export interface IngestProps {
  /** The validated configuration (see `AlertscaleFunctionProps.config`). */
  readonly config: Config;
  /** The alertscale bus: ingest puts one `Alertmanager Notification` per accepted webhook on it, and nothing else. */
  readonly bus: events.IEventBus;
  /** The bearer token Alertmanager sends. It can only post notifications: the reads have a token of their own. */
  readonly webhookToken: secretsmanager.ISecret;
  /** Operators' topic for the function's and the API's alarms. */
  readonly alarmTopic: sns.ITopic;
  /**
   * The HTTP API to add `POST /alertmanager` to, shared with the read API.
   * @default - an HTTP API of its own (id `WebhookApi`), throttled at its defaults
   */
  readonly api?: WebhookApi;
  /**
   * The ingest function's timeout.
   * @default Duration.seconds(25) - within API Gateway's 30 s integration limit, with room for PutEvents retries
   */
  readonly timeout?: Duration;
}

/**
 * The webhook stage: `POST /alertmanager` on the HTTP API → the ingest
 * function, which checks the webhook token in constant time, validates the
 * payload and answers 2xx only once its `Alertmanager Notification` is on the
 * bus (5xx otherwise, so Alertmanager retries).
 */
export class Ingest extends Construct {
  /** Webhook → bus. */
  readonly ingest: AlertscaleFunction;
  /** The HTTP API the webhook route is on. */
  readonly api: WebhookApi;
  /** `POST /alertmanager`. */
  readonly route: apigwv2.HttpRoute;

  constructor(scope: Construct, id: string, props: IngestProps) {
    super(scope, id);
    this.ingest = new AlertscaleFunction(this, 'IngestFunction', {
      entry: 'lambdas/ingest/handler.ts',
      serviceName: 'ingest',
      description: 'alertscale ingest: Alertmanager webhook → EventBridge',
      config: props.config,
      alarmTopic: props.alarmTopic,
      timeout: props.timeout ?? Duration.seconds(25),
    });
    this.ingest.useEventBus(props.bus, 'ingest').useWebhookTokenSecret(props.webhookToken);

    this.api = props.api ?? new WebhookApi(this, 'WebhookApi', { alarmTopic: props.alarmTopic });
    [this.route] = this.api.addRoutes({
      paths: [WEBHOOK_PATH],
      method: apigwv2.HttpMethod.POST,
      integration: new integrations.HttpLambdaIntegration('IngestIntegration', this.ingest, {
        payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
      }),
    }) as [apigwv2.HttpRoute];
  }
}
