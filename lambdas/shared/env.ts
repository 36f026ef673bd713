import { z } from 'zod';
import { parseConfig, type LoadedConfig } from './config/parse';

/**
 * Environment variable names shared by the stack (`lib/`), which sets them, and
 * the Lambda handlers, which read them once at cold start.
 */
export const Env = {
  EventBusName: 'EVENT_BUS_NAME',
  TableName: 'TABLE_NAME',
  WebhookTokenSecretArn: 'WEBHOOK_TOKEN_SECRET_ARN',
  PauseParameterName: 'PAUSE_PARAMETER_NAME',
  SnsTopicArn: 'SNS_TOPIC_ARN',
  /** The validated configuration as JSON, embedded at bundle time (esbuild `define`). */
  Config: 'ALERTSCALE_CONFIG',
} as const;

/** A required environment variable is missing or empty. */
export class EnvironmentError extends Error {
  override readonly name = 'EnvironmentError';
}

/**
 * Reads the named environment variables, all required, failing fast with a
 * message that names the missing ones.
 */
export function readEnv<const K extends string>(names: readonly K[], env: NodeJS.ProcessEnv = process.env): Record<K, string> {
  const schema = z.object(Object.fromEntries(names.map((key) => [key, z.string().min(1)])) as Record<K, z.ZodString>);
  const result = schema.safeParse(env);
  if (!result.success) {
    const missing = result.error.issues.map((issue) => String(issue.path[0]));
    throw new EnvironmentError(`missing environment variable(s): ${missing.join(', ')}`);
  }
  return result.data as Record<K, string>;
}

/**
 * The configuration embedded in a Lambda bundle, validated again at cold start.
 * The stack embeds the YAML document as JSON with esbuild's `define`, which
 * replaces the literal expression `process.env.ALERTSCALE_CONFIG`; so this
 * reads exactly that expression (an environment variable would cap the file at 4 KB).
 */
export function embeddedConfig(json: string | undefined = process.env.ALERTSCALE_CONFIG): LoadedConfig {
  if (!json) throw new EnvironmentError(`no configuration embedded: ${Env.Config} is empty (bundle with the stack's define)`);
  return parseConfig(JSON.parse(json), 'embedded configuration');
}
