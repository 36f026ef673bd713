import type { Config } from './config/schema';

/**
 * Environment variable names shared by the stack (`lib/`), which sets them, and
 * the Lambda handlers, which read them once at cold start.
 */
export const Env = {
  EventBusName: 'EVENT_BUS_NAME',
  TableName: 'TABLE_NAME',
  /** The bearer token Alertmanager sends; ingest checks it. It can only post notifications. */
  WebhookTokenSecretArn: 'WEBHOOK_TOKEN_SECRET_ARN',
  /** The operators' bearer token for `/api/*` reads and control routes; the api function checks it. */
  ApiTokenSecretArn: 'API_TOKEN_SECRET_ARN',
  PauseParameterName: 'PAUSE_PARAMETER_NAME',
  SnsTopicArn: 'SNS_TOPIC_ARN',
  /** The name of alertscale's termination lifecycle hook on the drained groups; the drain answers only its events. */
  DrainHookName: 'DRAIN_HOOK_NAME',
  /** Where the control plane confirms a drain: the API's `POST /api/drain/complete` URL, put in every drain request. */
  DrainCallbackUrl: 'DRAIN_CALLBACK_URL',
  /** The CloudFormation stack's name: the `stack` dimension of every custom metric (see `metric-names.ts`). */
  StackName: 'ALERTSCALE_STACK_NAME',
  /** The validated configuration as JSON, embedded at bundle time (esbuild `define`). */
  Config: 'ALERTSCALE_CONFIG',
} as const;

/** A required environment variable is missing or empty, or the embedded configuration is unusable. */
export class EnvironmentError extends Error {
  override readonly name = 'EnvironmentError';
}

/**
 * Reads the named environment variables, all required, failing fast with a
 * message that names the missing ones.
 */
export function readEnv<const K extends string>(names: readonly K[], env: NodeJS.ProcessEnv = process.env): Record<K, string> {
  const missing = names.filter((name) => !env[name]);
  if (missing.length > 0) throw new EnvironmentError(`missing environment variable(s): ${missing.join(', ')}`);
  return Object.fromEntries(names.map((name) => [name, env[name]!])) as Record<K, string>;
}

/**
 * The configuration embedded in a Lambda bundle. The stack validates the file
 * with the one config schema at `cdk synth` and embeds the result — defaults
 * applied, durations in ms — as JSON with esbuild's `define`, which replaces
 * the literal expression `process.env.ALERTSCALE_CONFIG` (an environment
 * variable would cap the file at 4 KB). It is not validated again here, so
 * the bundles carry neither the config schema nor a YAML parser; a bundle
 * built without the define fails at cold start with this message.
 */
export function embeddedConfig(json: string | undefined = process.env.ALERTSCALE_CONFIG): Config {
  if (!json) throw new EnvironmentError(`no configuration embedded: ${Env.Config} is empty (bundle through the stack)`);
  const config = JSON.parse(json) as Config;
  if (!Array.isArray(config?.receivers) || !Array.isArray(config?.node_groups) || typeof config?.route !== 'object') {
    throw new EnvironmentError(`embedded configuration is not a validated alertscale configuration`);
  }
  return config;
}
