import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SecretsManagerSecretResolver, secretToken } from '../../../lambdas/adapters/secrets-manager/secret-resolver';
import { SecretResolutionError } from '../../../lambdas/notifier/ports';

const secretsManager = mockClient(SecretsManagerClient);
const tokenFrom = () => secretToken(new SecretsManagerSecretResolver(new SecretsManagerClient({ region: 'us-east-1' })), 'arn:token');

describe('the webhook token from Secrets Manager', () => {
  beforeEach(() => secretsManager.reset());

  it('reads the token once and reuses it', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: ' tok-123 \n' });
    const token = tokenFrom();
    expect(await token()).toBe('tok-123');
    expect(await token()).toBe('tok-123');
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('reads an empty secret as no token configured, so every request is refused', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: '  ' });
    expect(await tokenFrom()()).toBeUndefined();
  });

  it('fails when the secret cannot be read, so ingest answers 5xx and Alertmanager retries', async () => {
    secretsManager.on(GetSecretValueCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(tokenFrom()()).rejects.toThrow(SecretResolutionError);
  });
});
