import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { EventBridgeBus } from '../adapters/aws/eventbridge-bus';
import { powertoolsLog } from '../adapters/aws/powertools-log';
import { secretToken } from '../adapters/aws/secret-token';
import { Env, readEnv } from '../shared/env';
import { systemClock } from '../shared/ports';
import { createIngest } from './ingest';

const env = readEnv([Env.EventBusName, Env.WebhookTokenSecretArn]);

const ingest = createIngest({
  bus: new EventBridgeBus(new EventBridgeClient({}), env[Env.EventBusName]),
  token: secretToken(new SecretsManagerClient({}), env[Env.WebhookTokenSecretArn]),
  log: powertoolsLog('alertscale-ingest'),
  clock: systemClock,
});

/** API Gateway (HTTP API, payload v2) → ingest. */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  return ingest({ headers, body: event.body, isBase64Encoded: event.isBase64Encoded });
}
