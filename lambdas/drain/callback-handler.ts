import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { AutoScalingLifecycleActions } from '../adapters/autoscaling/lifecycle-actions';
import { DynamoDrainStore } from '../adapters/dynamodb/drain-store';
import { EventBridgeBus } from '../adapters/eventbridge/eventbridge-bus';
import { lowerCaseHeaders } from '../adapters/http/api-gateway';
import { powertoolsLog } from '../adapters/powertools/log';
import { SecretsManagerSecretResolver, secretToken } from '../adapters/secrets-manager/secret-resolver';
import { systemClock } from '../shared/clock';
import { Env, readEnv } from '../shared/env';
import { createDrainCallbackApi } from './callback-api';
import { createDrainConfirm } from './drain-confirm';

// The operators' API token, as every control route: the webhook token cannot end a drain.
const env = readEnv([Env.TableName, Env.EventBusName, Env.ApiTokenSecretArn]);
const log = powertoolsLog('alertscale-drain-callback');

const callback = createDrainCallbackApi({
  token: secretToken(new SecretsManagerSecretResolver(new SecretsManagerClient({})), env[Env.ApiTokenSecretArn]),
  drains: createDrainConfirm({
    store: new DynamoDrainStore(new DynamoDBClient({}), env[Env.TableName]),
    lifecycle: new AutoScalingLifecycleActions(new AutoScalingClient({ maxAttempts: 3 })),
    bus: new EventBridgeBus(new EventBridgeClient({}), env[Env.EventBusName]),
    clock: systemClock,
    log,
  }),
  log,
});

/** API Gateway (HTTP API, payload v2): `POST /api/drain/complete`, behind the API token. */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const body = event.body === undefined ? '' : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  const response = await callback({ method: event.requestContext.http.method, path: event.rawPath, headers: lowerCaseHeaders(event), body });
  return response ?? { statusCode: 404, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: 'not found' }) };
}
