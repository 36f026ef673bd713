import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { EventBridgeBus } from '../adapters/eventbridge/eventbridge-bus';
import { lowerCaseHeaders } from '../adapters/http/api-gateway';
import { powertoolsLog } from '../adapters/powertools/log';
import { powertoolsMetrics } from '../adapters/powertools/metrics';
import { SecretsManagerSecretResolver, secretToken } from '../adapters/secrets-manager/secret-resolver';
import { Env, readEnv } from '../shared/env';
import { systemClock } from '../shared/clock';
import { createIngest } from './ingest';

const env = readEnv([Env.EventBusName, Env.WebhookTokenSecretArn]);

const ingest = createIngest({
  bus: new EventBridgeBus(new EventBridgeClient({}), env[Env.EventBusName]),
  token: secretToken(new SecretsManagerSecretResolver(new SecretsManagerClient({})), env[Env.WebhookTokenSecretArn]),
  log: powertoolsLog('alertscale-ingest'),
  metrics: powertoolsMetrics('alertscale-ingest'),
  clock: systemClock,
});

/** API Gateway (HTTP API, payload v2) → ingest. */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const headers = lowerCaseHeaders(event);
  return ingest({ headers, body: event.body, isBase64Encoded: event.isBase64Encoded });
}
