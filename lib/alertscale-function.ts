import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Duration,
  Stack,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as cloudwatchActions,
  aws_dynamodb as dynamodb,
  aws_events as events,
  aws_iam as iam,
  aws_lambda as lambda,
  aws_lambda_nodejs as nodejs,
  aws_logs as logs,
  aws_secretsmanager as secretsmanager,
  aws_sns as sns,
  aws_ssm as ssm,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { Config } from '../lambdas/shared/config/schema';
import { Env } from '../lambdas/shared/env';
import type { Publisher } from '../lambdas/shared/events';
import { putOwnEventsStatement } from './bus-access';
import { acknowledgeFunctionFindings } from './nag-suppressions';
import { tableAccessStatement, type TableUser } from './table-access';

/** The repository root: entries, `package-lock.json` and `tsconfig.json` are found from here. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * esbuild's ESM output has no `require`; a few bundled CommonJS dependencies
 * still call it for Node built-ins, so the bundle gets one made from its own URL.
 * The alias keeps the banner from clashing with a bundled `createRequire`.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as alertscaleCreateRequire } from 'node:module';const require = alertscaleCreateRequire(import.meta.url);";

/**
 * Modules the bundles leave to the Lambda runtime: the AWS SDK v3, which the
 * nodejs22.x runtime ships (see the bundling options below). The benchmark
 * bundles with the same list, so its figures describe what is deployed.
 */
export const BUNDLE_EXTERNALS = ['@aws-sdk/*'] as const;

/** Properties of an {@link AlertscaleFunction}. */
export interface AlertscaleFunctionProps {
  /** The handler file, relative to `projectRoot` (or absolute), e.g. `lambdas/ingest/handler.ts`. */
  readonly entry: string;
  /**
   * The exported function of `entry` that Lambda calls.
   * @default 'handler'
   */
  readonly handler?: string;
  /**
   * The validated configuration (defaults applied, durations in ms). Embedded
   * in the bundle with esbuild's `define`, because an environment variable
   * would cap it at 4 KB; handlers read it with `embeddedConfig()`.
   */
  readonly config: Config;
  /** Operators' topic: the function's `Errors` and `Throttles` alarms notify it. */
  readonly alarmTopic: sns.ITopic;
  /**
   * Short name of the pipeline stage; becomes Powertools' service name.
   * @default - the construct id
   */
  readonly serviceName?: string;
  /** @default - a description naming the service */
  readonly description?: string;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /**
   * Memory in MB; on Lambda, CPU grows with it, so it also sets cold-start speed.
   * @default 256
   */
  readonly memorySize?: number;
  /** @default - no further environment variables */
  readonly environment?: Record<string, string>;
  /**
   * Where asynchronous invocations (EventBridge, for instance) go once Lambda's own retries are spent.
   * @default - none: only for functions invoked synchronously or by an event source mapping
   */
  readonly deadLetterQueue?: lambda.FunctionProps['deadLetterQueue'];
  /**
   * The repository root, holding `package-lock.json` and `tsconfig.json`.
   * @default - the parent directory of `lib/`
   */
  readonly projectRoot?: string;
}

/**
 * The one way alertscale builds a Lambda function: Node.js 22 on arm64, X-Ray
 * tracing, a log group kept for a month, and an ESM bundle made by esbuild
 * from `node_modules` (never Docker). The AWS SDK comes from the runtime (see
 * `externalModules` below); everything else is bundled and tree-shaken.
 *
 * Access is given with the `use*` methods, which set the environment variable
 * a handler reads (names from `lambdas/shared/env.ts`) and grant the matching
 * permission in one call, so neither can be forgotten. Every function gets
 * `ALERTSCALE_STACK_NAME` (the `stack` metric dimension) and two alarms:
 * `Errors` (failed invocations, in 2 of 3 five-minute periods: one failure
 * is retried by its event source, a run of them is an outage) and
 * `Throttles` (the first one: no reserved concurrency is set, so a throttle
 * means the account's concurrency ran out).
 */
export class AlertscaleFunction extends nodejs.NodejsFunction {
  /** Failed invocations (unhandled errors, timeouts), sustained. */
  readonly errorsAlarm: cloudwatch.Alarm;
  /** Any throttled invocation. */
  readonly throttlesAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: AlertscaleFunctionProps) {
    const projectRoot = props.projectRoot ?? PROJECT_ROOT;
    const entry = isAbsolute(props.entry) ? props.entry : join(projectRoot, props.entry);
    if (!existsSync(entry)) {
      throw new Error(`${id}: handler entry ${entry} does not exist; create it or fix the entry path`);
    }
    const serviceName = props.serviceName ?? id;
    // The log group and role are siblings of the function (a subclass cannot
    // create children before super()); their ids derive from the function's.
    const logGroup = new logs.LogGroup(scope, `${id}LogGroup`, { retention: logs.RetentionDays.ONE_MONTH });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `alertscale ${serviceName} function`,
    });
    // Writes to its own log group only, instead of AWSLambdaBasicExecutionRole's logs:* on every group.
    logGroup.grantWrite(role);

    super(scope, id, {
      entry,
      handler: props.handler ?? 'handler',
      description: props.description ?? `alertscale ${serviceName}`,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: props.timeout ?? Duration.seconds(30),
      memorySize: props.memorySize ?? 256,
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      role,
      deadLetterQueue: props.deadLetterQueue,
      projectRoot,
      depsLockFilePath: join(projectRoot, 'package-lock.json'),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: `alertscale-${serviceName}`,
        [Env.StackName]: Stack.of(scope).stackName,
        ...props.environment,
      },
      bundling: bundling(props.config),
    });
    acknowledgeFunctionFindings(this, role);

    const period = Duration.minutes(5);
    this.errorsAlarm = this.alarmOn('ErrorsAlarm', this.metricErrors({ period, statistic: 'Sum' }), props.alarmTopic, {
      alarmDescription: `alertscale ${serviceName}: invocations failed in 2 of the last 3 five-minute periods (unhandled errors or timeouts); see the function's logs`,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    });
    this.throttlesAlarm = this.alarmOn('ThrottlesAlarm', this.metricThrottles({ period, statistic: 'Sum' }), props.alarmTopic, {
      alarmDescription: `alertscale ${serviceName}: invocations were throttled; the account's Lambda concurrency ran out (raise the quota or find what uses it)`,
      evaluationPeriods: 1,
    });
  }

  /** An alarm on one or more of `metric` in the periods given, notifying the operators' topic. */
  private alarmOn(
    id: string,
    metric: cloudwatch.IMetric,
    topic: sns.ITopic,
    when: Pick<cloudwatch.AlarmProps, 'alarmDescription' | 'evaluationPeriods' | 'datapointsToAlarm'>,
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      ...when,
      metric,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new cloudwatchActions.SnsAction(topic));
    return alarm;
  }

  /**
   * Sets `TABLE_NAME` and grants exactly the DynamoDB actions `user`'s code
   * calls (`lib/table-access.ts`), on the table (and its index for the api).
   */
  useTable(table: dynamodb.ITable, user: TableUser): this {
    this.addEnvironment(Env.TableName, table.tableName);
    this.addToRolePolicy(tableAccessStatement(table, user));
    return this;
  }

  /**
   * Sets `EVENT_BUS_NAME` and grants `events:PutEvents` on that bus only, for
   * source `alertscale` and `publisher`'s own detail-types (`PUBLISHED_BY`).
   */
  useEventBus(bus: events.IEventBus, publisher: Publisher): this {
    this.addEnvironment(Env.EventBusName, bus.eventBusName);
    this.addToRolePolicy(putOwnEventsStatement(bus, publisher));
    return this;
  }

  /** Sets `WEBHOOK_TOKEN_SECRET_ARN` and grants reading that secret: Alertmanager's token, which ingest checks. */
  useWebhookTokenSecret(secret: secretsmanager.ISecret): this {
    this.addEnvironment(Env.WebhookTokenSecretArn, secret.secretArn);
    secret.grantRead(this);
    return this;
  }

  /** Sets `API_TOKEN_SECRET_ARN` and grants reading that secret: the operators' token for `/api/*`. */
  useApiTokenSecret(secret: secretsmanager.ISecret): this {
    this.addEnvironment(Env.ApiTokenSecretArn, secret.secretArn);
    secret.grantRead(this);
    return this;
  }

  /** Sets `PAUSE_PARAMETER_NAME` and grants `ssm:GetParameter` on the kill-switch parameter, the one call the scaler makes. */
  usePauseParameter(parameter: ssm.IStringParameter): this {
    this.addEnvironment(Env.PauseParameterName, parameter.parameterName);
    this.addToRolePolicy(
      new iam.PolicyStatement({ sid: 'ReadPauseSwitch', actions: ['ssm:GetParameter'], resources: [parameter.parameterArn] }),
    );
    return this;
  }

  /** Sets `SNS_TOPIC_ARN` and grants `sns:Publish` on the topic. */
  useNotificationTopic(topic: sns.ITopic): this {
    this.addEnvironment(Env.SnsTopicArn, topic.topicArn);
    topic.grantPublish(this);
    return this;
  }
}

/**
 * An ESM bundle made by esbuild from `node_modules` (never Docker), with the
 * configuration embedded and the AWS SDK left to the runtime.
 */
function bundling(config: Config): nodejs.BundlingOptions {
  return {
    format: nodejs.OutputFormat.ESM,
    banner: ESM_REQUIRE_BANNER,
    // ESM entry points of Powertools and zod let esbuild drop what a handler never calls.
    mainFields: ['module', 'main'],
    target: 'node22',
    minify: true,
    sourceMap: true,
    // The AWS SDK v3 is left to the nodejs22.x runtime, which ships it: bundling it would put
    // every function over the 400 KB bundle budget (the clients and @smithy/core alone are 450 KB-
    // 700 KB), and the runtime's copy is already on disk. Our code, zod/mini, re2js and
    // Powertools are bundled. Local mode and tests use the version pinned in package.json.
    externalModules: [...BUNDLE_EXTERNALS],
    forceDockerBundling: false,
    // esbuild's per-bundle size summary is noise in synth and test output; problems still show.
    logLevel: nodejs.LogLevel.WARNING,
    define: {
      // The literal expression `process.env.ALERTSCALE_CONFIG` becomes a JSON string; see embeddedConfig().
      [`process.env.${Env.Config}`]: JSON.stringify(JSON.stringify(config)),
    },
  };
}
