import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DynamoDecisionStore } from '../adapters/dynamodb/decision-store';
import { lowerCaseHeaders } from '../adapters/http/api-gateway';
import { powertoolsLog } from '../adapters/powertools/log';
import { SecretsManagerSecretResolver, secretToken } from '../adapters/secrets-manager/secret-resolver';
import { AutoScalingNodeGroups } from '../adapters/autoscaling/auto-scaling-node-groups';
import { DynamoNodeGroupStateStore } from '../adapters/dynamodb/node-group-state-store';
import { nodeGroupsView } from '../scaler/node-groups-view';
import { embeddedConfig, Env, readEnv } from '../shared/env';
import { createReadApi } from './read-api';

// The operators' API token, not Alertmanager's webhook token: a leaked webhook token opens no read.
const env = readEnv([Env.TableName, Env.ApiTokenSecretArn]);
const config = embeddedConfig();
const log = powertoolsLog('alertscale-api');
const dynamodb = new DynamoDBClient({});
const decisions = new DynamoDecisionStore(dynamodb, env[Env.TableName]);
const state = new DynamoNodeGroupStateStore(dynamodb, env[Env.TableName]);
const autoScaling = new AutoScalingNodeGroups(new AutoScalingClient({}), { log });

const read = createReadApi({
  token: secretToken(new SecretsManagerSecretResolver(new SecretsManagerClient({})), env[Env.ApiTokenSecretArn]),
  listDecisions: (limit) => decisions.listRecent(limit, config.settings.decision_ttl),
  nodeGroups: () => nodeGroupsView(config, state, autoScaling, undefined, autoScaling),
  log,
});

/** API Gateway (HTTP API, payload v2): `GET /api/decisions` and `GET /api/node-groups`, behind the API token. */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const headers = lowerCaseHeaders(event);
  const response = await read({
    method: event.requestContext.http.method,
    path: event.rawPath,
    query: new URLSearchParams(event.rawQueryString ?? ''),
    headers,
  });
  return response ?? { statusCode: 404, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: 'not found' }) };
}
