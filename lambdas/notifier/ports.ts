import type { NotifyChannel } from '../shared/channels';

/**
 * The notifier's ports: what it has sent (so a redelivered request never
 * sends twice), where `*_secret` names become values, and SNS. AWS adapters
 * live in `lambdas/adapters/`; local mode's stand-ins in `lambdas/local/emulators/`.
 */

/** One notification send: one channel action of one decision. */
export interface SendKey {
  readonly decisionId: string;
  readonly actionId: string;
}

/** A send that went out; once recorded, no redelivery of the request sends it again. */
export interface SendRecord extends SendKey {
  readonly receiver: string;
  readonly channel: NotifyChannel;
  readonly dedupKey: string;
  readonly attempts: number;
  /** ISO time it was sent. */
  readonly sentAt: string;
  /** Epoch seconds; DynamoDB's TTL deletes the item some time after. */
  readonly expiresAt: number;
}

/**
 * The notifier's memory of what it has sent, keyed per channel per decision.
 * Only successful sends are recorded: a transient failure must be retried and
 * a permanent one resolves its message, so neither needs remembering.
 */
export interface SendStore {
  /** The record of a send, or `undefined` (also when it has expired). */
  find(key: SendKey, now: Date): Promise<SendRecord | undefined>;
  /** Records a send once; `false` when another attempt recorded it first. */
  recordSent(record: SendRecord, now: Date): Promise<boolean>;
}

/** Where `*_secret` names are turned into values: Secrets Manager on AWS, nowhere in local mode. */
export interface SecretResolver {
  /** The secret's current string value. Throws `SecretUnavailableError` or `SecretResolutionError`. */
  resolveSecret(name: string): Promise<string>;
}

/** This resolver has no secrets at all (local mode): the channel is skipped, not failed. */
export class SecretUnavailableError extends Error {
  override readonly name = 'SecretUnavailableError';
  constructor(
    readonly secretName: string,
    options?: ErrorOptions,
  ) {
    super(`secret ${secretName} is not available here`, options);
  }
}

/** A secret could not be read (missing, empty, no permission, throttled). The message names the secret, never its value. */
export class SecretResolutionError extends Error {
  override readonly name: string = 'SecretResolutionError';
  constructor(
    readonly secretName: string,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`cannot read secret ${secretName}: ${detail}`, options);
  }
}

/** The secret exists but holds no value yet: nothing is configured. */
export class EmptySecretError extends SecretResolutionError {
  override readonly name = 'EmptySecretError';
  constructor(secretName: string) {
    super(secretName, `it has no string value; fill it with: aws secretsmanager put-secret-value --secret-id ${secretName} --secret-string <value>`);
  }
}

/** One message for an SNS topic's e-mail and SMS subscribers. */
export interface SnsMessage {
  readonly topicArn: string;
  /** E-mail subject: ASCII, one line, at most 100 characters (SNS's rules). */
  readonly subject: string;
  readonly body: string;
}

/** The outcome of a publish: delivered, or (local mode) only written to the log. */
export type SnsPublishResult = { readonly delivered: true; readonly messageId?: string | undefined } | { readonly delivered: false; readonly reason: string };

/** Publishes to SNS. Throws `SnsPublishError` when SNS refuses or cannot be reached. */
export interface SnsPublisher {
  publish(message: SnsMessage): Promise<SnsPublishResult>;
}

/** SNS refused or could not be reached; `transient` says whether a retry may help. */
export class SnsPublishError extends Error {
  override readonly name = 'SnsPublishError';
  constructor(
    message: string,
    readonly transient: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
