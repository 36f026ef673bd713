import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { EventBridgeBus } from '../adapters/aws/eventbridge-bus';
import { powertoolsLog } from '../adapters/aws/powertools-log';
import { Env, readEnv } from '../shared/env';
import { systemClock } from '../shared/ports';
import { createIngest } from './ingest';

const env = readEnv([Env.EventBusName, Env.WebhookTokenSecretArn]);
const logger = powertoolsLog('alertscale-ingest');
const secrets = new SecretsManagerClient({});

// The token is cached for five minutes, so a rotated secret takes effect without a deploy.
const TOKEN_TTL_MS = 5 * 60_000;
let cached: { value: string | undefined; until: number } | undefined;
async function token(): Promise<string | undefined> {
  if (cached && cached.until > Date.now()) return cached.value;
  const result = await secrets.send(new GetSecretValueCommand({ SecretId: env[Env.WebhookTokenSecretArn] }));
  cached = { value: result.SecretString?.trim() || undefined, until: Date.now() + TOKEN_TTL_MS };
  return cached.value;
}

const ingest = createIngest({
  bus: new EventBridgeBus(new EventBridgeClient({}), env[Env.EventBusName]),
  token,
  log: logger,
  clock: systemClock,
});

/** API Gateway (HTTP API, payload v2) → ingest. */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  return ingest({ headers, body: event.body, isBase64Encoded: event.isBase64Encoded });
}
