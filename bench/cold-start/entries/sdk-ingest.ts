// Only the SDK clients the ingest handler needs, making the calls its first invocation makes.
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

const secrets = new SecretsManagerClient({});
const events = new EventBridgeClient({});

export const handler = async (event: { body: string }) => {
  await secrets.send(new GetSecretValueCommand({ SecretId: process.env.WEBHOOK_TOKEN_SECRET_ARN }));
  const alerts = (JSON.parse(event.body) as { alerts: unknown[] }).alerts;
  await events.send(new PutEventsCommand({ Entries: alerts.map((alert) => ({ EventBusName: process.env.EVENT_BUS_NAME, Source: 'alertscale', DetailType: 'Alertmanager Alert', Detail: JSON.stringify({ alert }) })) }));
  return { statusCode: 200, body: '{}' };
};
