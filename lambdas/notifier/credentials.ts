import type { CredentialSource } from '../shared/channels';
import { SecretResolutionError, SecretUnavailableError, type SecretResolver } from './ports';
import type { SendOutcome } from './channels/sender';

/** A `_file` credential could not be read; the path is named, the content never. */
export class CredentialFileError extends Error {
  override readonly name = 'CredentialFileError';
  constructor(
    readonly path: string,
    options?: ErrorOptions,
  ) {
    super(`cannot read credential file ${path}: ${(options?.cause as NodeJS.ErrnoException | undefined)?.code ?? 'error'}`, options);
  }
}

/**
 * The credential's value, or `undefined` when none is configured. Throws
 * `SecretUnavailableError`, `SecretResolutionError` or `CredentialFileError`.
 */
export async function resolveCredential(source: CredentialSource, secrets: SecretResolver, readFile: (path: string) => Promise<string>): Promise<string | undefined> {
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

/** A credential in hand, or the outcome to report because there is none (`skipped`) or it cannot be read (`failed`). */
export type CredentialResult = { readonly value: string | undefined } | { readonly outcome: Omit<SendOutcome, 'dedupKey'>; readonly unsent?: string };

/**
 * Resolves a channel's credential and says what a missing or unreadable one
 * means: none configured where one is required, or no secret store (local
 * mode), skips the send (`unsent` says why, for the console); a secret that
 * cannot be read now is a transient failure; an unreadable file a permanent one.
 */
export async function channelCredential(
  source: CredentialSource,
  need: { readonly what: string; readonly required: boolean },
  secrets: SecretResolver,
  readFile: (path: string) => Promise<string>,
): Promise<CredentialResult> {
  try {
    const value = await resolveCredential(source, secrets, readFile);
    if (value === undefined && need.required) {
      return { outcome: { outcome: 'skipped', transient: false, reason: `no ${need.what} configured`, attempts: 0 }, unsent: `no ${need.what} configured` };
    }
    return { value };
  } catch (error) {
    if (error instanceof SecretUnavailableError) return { outcome: { outcome: 'skipped', transient: false, reason: 'no local secret', attempts: 0 }, unsent: 'no local secret' };
    if (error instanceof SecretResolutionError) return { outcome: { outcome: 'failed', transient: true, reason: error.message, attempts: 0 } };
    if (error instanceof CredentialFileError) return { outcome: { outcome: 'failed', transient: false, reason: error.message, attempts: 0 } };
    throw error;
  }
}
