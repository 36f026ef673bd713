import { SecretUnavailableError, type SecretResolver } from '../../notifier/ports';

/**
 * Local mode's secret resolver: it has no secret store, so every channel
 * that names a `*_secret` (its own credential or one in its `http_config`) is
 * skipped and its message written to the log; channels given inline or as
 * `_file` values send for real.
 */
export class LocalSecretResolver implements SecretResolver {
  resolveSecret(name: string): Promise<string> {
    return Promise.reject(new SecretUnavailableError(name));
  }
}
