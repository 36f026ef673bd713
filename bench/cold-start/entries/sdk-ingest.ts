// Only the SDK clients the ingest handler needs, making the calls its first invocation makes:
// the token from Secrets Manager, then one PutEvents with the whole notification as one entry.
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

const secrets = new SecretsManagerClient({});
const events = new EventBridgeClient({});

export const handler = async (event: { body: string }) => {
  await secrets.send(new GetSecretValueCommand({ SecretId: process.env.WEBHOOK_TOKEN_SECRET_ARN }));
  const detail = JSON.stringify({ ...(JSON.parse(event.body) as object), notificationId: 'sdk', part: 1, parts: 1 });
  await events.send(new PutEventsCommand({ Entries: [{ EventBusName: process.env.EVENT_BUS_NAME, Source: 'alertscale', DetailType: 'Alertmanager Notification', Detail: detail }] }));
  return { statusCode: 200, body: '{}' };
};
