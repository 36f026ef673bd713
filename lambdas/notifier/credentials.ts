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

/** Why a send cannot use its credentials: the outcome to report, and (when it is skipped) what to say on the console. */
export interface CredentialFailure {
  readonly outcome: Omit<SendOutcome, 'dedupKey'>;
  readonly unsent?: string;
}

/** A credential in hand, or the outcome to report because there is none (`skipped`) or it cannot be read (`failed`). */
export type CredentialResult = { readonly value: string | undefined } | CredentialFailure;

const skippedFor = (reason: string): CredentialFailure => ({ outcome: { outcome: 'skipped', transient: false, reason, attempts: 0 }, unsent: reason });

/**
 * Runs `read` (credential reads) and says what its known failures mean: no
 * secret store (local mode) skips the send (`unsent` says why, for the
 * console); a secret that cannot be read now is a transient failure; an
 * unreadable file a permanent one. Anything else is thrown on.
 */
export async function readingCredentials<T>(read: () => Promise<T>): Promise<{ readonly value: T } | CredentialFailure> {
  try {
    return { value: await read() };
  } catch (error) {
    if (error instanceof SecretUnavailableError) return skippedFor('no local secret');
    if (error instanceof SecretResolutionError) return { outcome: { outcome: 'failed', transient: true, reason: error.message, attempts: 0 } };
    if (error instanceof CredentialFileError) return { outcome: { outcome: 'failed', transient: false, reason: error.message, attempts: 0 } };
    throw error;
  }
}

/**
 * Resolves a channel's credential and says what a missing or unreadable one
 * means: none configured where one is required skips the send, like no
 * secret store; otherwise as `readingCredentials`.
 */
export async function channelCredential(
  source: CredentialSource,
  need: { readonly what: string; readonly required: boolean },
  secrets: SecretResolver,
  readFile: (path: string) => Promise<string>,
): Promise<CredentialResult> {
  const resolved = await readingCredentials(() => resolveCredential(source, secrets, readFile));
  if ('value' in resolved && resolved.value === undefined && need.required) return skippedFor(`no ${need.what} configured`);
  return resolved;
}
