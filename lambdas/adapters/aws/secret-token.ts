import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * The webhook token from Secrets Manager, cached for `ttlMs` so a rotated
 * secret takes effect without a deploy. An empty secret reads as `undefined`:
 * no token configured, and every request is refused.
 */
export function secretToken(client: SecretsManagerClient, secretId: string, ttlMs = 5 * 60_000): () => Promise<string | undefined> {
  let cached: { value: string | undefined; until: number } | undefined;
  return async () => {
    if (cached && cached.until > Date.now()) return cached.value;
    const result = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    cached = { value: result.SecretString?.trim() || undefined, until: Date.now() + ttlMs };
    return cached.value;
  };
}
