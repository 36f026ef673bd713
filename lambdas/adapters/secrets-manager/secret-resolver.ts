import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { EmptySecretError, SecretResolutionError, type SecretResolver } from '../../notifier/ports';

export interface SecretsManagerResolverOptions {
  /** How long a value is reused before it is read again (so a rotated key is picked up). @default - five minutes */
  readonly ttlMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * Reads `*_secret` values from Secrets Manager (plain `SecretString`), caching
 * each for `ttlMs` and sharing one in-flight read among concurrent callers, so
 * a batch of 100 pages costs one GetSecretValue call. Failed reads are not cached.
 */
export class SecretsManagerSecretResolver implements SecretResolver {
  private readonly cache = new Map<string, { readonly value: Promise<string>; readonly readAt: number }>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly client: SecretsManagerClient,
    options: SecretsManagerResolverOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 300_000;
    this.now = options.now ?? Date.now;
  }

  resolveSecret(name: string): Promise<string> {
    const cached = this.cache.get(name);
    if (cached && this.now() - cached.readAt < this.ttlMs) return cached.value;
    const value = this.read(name);
    this.cache.set(name, { value, readAt: this.now() });
    value.catch(() => {
      if (this.cache.get(name)?.value === value) this.cache.delete(name);
    });
    return value;
  }

  private async read(name: string): Promise<string> {
    let secret: string | undefined;
    try {
      const output = await this.client.send(new GetSecretValueCommand({ SecretId: name }));
      secret = output.SecretString;
    } catch (error) {
      const err = error as Error;
      // A secret the stack created but nobody filled has no AWSCURRENT value yet.
      const hint = err.name === 'ResourceNotFoundException' ? `; fill it with: aws secretsmanager put-secret-value --secret-id ${name} --secret-string <value>` : '';
      throw new SecretResolutionError(name, `${err.name}${hint}`, { cause: error });
    }
    if (secret === undefined || secret.trim() === '') throw new EmptySecretError(name);
    return secret.trim();
  }
}

/**
 * The webhook token as ingest and the read API need it: from Secrets Manager,
 * cached like every secret, and `undefined` while the secret is empty — no
 * token configured, so every request is refused.
 */
export function secretToken(resolver: SecretResolver, secretId: string): () => Promise<string | undefined> {
  return async () => {
    try {
      return await resolver.resolveSecret(secretId);
    } catch (error) {
      if (error instanceof EmptySecretError) return undefined;
      throw error;
    }
  };
}
