import { SecretUnavailableError, type SecretResolver } from '../adapters/aws/secrets-manager';

// The Secrets Manager resolver and its errors live with the AWS adapters; re-exported for the notifier's callers.
export {
  EmptySecretError,
  SecretResolutionError,
  SecretsManagerSecretResolver,
  SecretUnavailableError,
  type SecretResolver,
  type SecretsManagerResolverOptions,
} from '../adapters/aws/secrets-manager';

/**
 * Local mode's resolver: it has no secret store, so every `*_secret` channel
 * is skipped and its message written to the log; channels given inline or
 * `_file` values send for real.
 */
export class LocalSecretResolver implements SecretResolver {
  resolveSecret(name: string): Promise<string> {
    return Promise.reject(new SecretUnavailableError(name));
  }
}

// One list of the secrets a configuration names, shared with the stack's IAM grant.
export { secretNamesIn } from '../shared/channels';
import type { CredentialSource } from '../shared/channels';

/** A `_file` credential could not be read; the path is named, the content never. */
export class CredentialFileError extends Error {
  override readonly name = 'CredentialFileError';
  constructor(readonly path: string, options?: ErrorOptions) {
    super(`cannot read credential file ${path}: ${(options?.cause as NodeJS.ErrnoException | undefined)?.code ?? 'error'}`, options);
  }
}

/**
 * The credential's value, or `undefined` when none is configured. Throws
 * `SecretUnavailableError`, `SecretResolutionError` or `CredentialFileError`.
 */
export async function resolveCredential(
  source: CredentialSource,
  secrets: SecretResolver,
  readFile: (path: string) => Promise<string>,
): Promise<string | undefined> {
  if (source.inline !== undefined) return source.inline;
  if (source.file !== undefined) {
    try {
      return (await readFile(source.file)).trim();
    } catch (error) {
      throw new CredentialFileError(source.file, { cause: error });
    }
  }
  if (source.secret !== undefined) return secrets.resolveSecret(source.secret);
  return undefined;
}
