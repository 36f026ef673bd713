import {
  Duration,
  aws_apigatewayv2 as apigwv2,
  aws_apigatewayv2_integrations as integrations,
  aws_dynamodb as dynamodb,
  aws_iam as iam,
  aws_secretsmanager as secretsmanager,
  aws_sns as sns,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { Config } from '../../lambdas/shared/config/schema';
import { AlertscaleFunction } from '../alertscale-function';
import { DEFAULT_API_THROTTLE, type RouteThrottle, type WebhookApi } from './webhook-api';

/** The operators' reads, on AWS as locally. */
const READ_PATHS = ['/api/decisions', '/api/node-groups'] as const;

/** Properties of {@link ReadApi}. */
export interface ReadApiProps {
  /** The validated configuration, embedded in the bundle (node groups for `GET /api/node-groups`). */
  readonly config: Config;
  /** The decision table: decisions by id and through the `recent` index; node group state. */
  readonly table: dynamodb.ITable;
  /** The operators' bearer token, checked on every `/api/*` request. Not the webhook token. */
  readonly apiToken: secretsmanager.ISecret;
  /** The HTTP API to add the read routes to. */
  readonly api: WebhookApi;
  /** Operators' topic for the function's alarms. */
  readonly alarmTopic: sns.ITopic;
  /**
   * The read routes' own throttle, far below the webhook's: an operator's CLI or
   * dashboard polls now and then, and a runaway or hostile client must neither
   * run up DynamoDB reads nor take the webhook's share of the account's quota.
   * @default - 10 requests/s, bursts of 20
   */
  readonly throttle?: RouteThrottle;
}

/**
 * The operators' API: `GET /api/decisions` and `GET /api/node-groups` → the
 * api function, behind the API token (Alertmanager's webhook token opens none
 * of it). `POST /api/drain/complete`, on the same API and token, is `NodeDrain`'s.
 */
export class ReadApi extends Construct {
  /** Serves the reads. */
  readonly reads: AlertscaleFunction;
  /** The read routes. */
  readonly routes: readonly apigwv2.HttpRoute[];

  constructor(scope: Construct, id: string, props: ReadApiProps) {
    super(scope, id);
    this.reads = new AlertscaleFunction(this, 'ApiFunction', {
      entry: 'lambdas/api/handler.ts',
      serviceName: 'api',
      description: 'alertscale reads: GET /api/decisions, GET /api/node-groups',
      config: props.config,
      alarmTopic: props.alarmTopic,
      timeout: Duration.seconds(25),
    });
    this.reads.useTable(props.table, 'api').useApiTokenSecret(props.apiToken);
    // DescribeAutoScalingGroups has no resource-level permissions.
    this.reads.addToRolePolicy(
      new iam.PolicyStatement({ sid: 'DescribeNodeGroups', actions: ['autoscaling:DescribeAutoScalingGroups'], resources: ['*'] }),
    );
    this.routes = props.api.addRoutes({
      paths: READ_PATHS,
      method: apigwv2.HttpMethod.GET,
      integration: new integrations.HttpLambdaIntegration('ReadsIntegration', this.reads, {
        payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
      }),
      throttle: props.throttle ?? DEFAULT_API_THROTTLE,
    });
  }
}
