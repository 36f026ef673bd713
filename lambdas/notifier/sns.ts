import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Log } from '../shared/ports';

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

/** Makes a subject SNS accepts: printable ASCII, no line breaks, at most 100 characters. */
export function snsSubject(text: string): string {
  const ascii = text.replace(/[^\x20-\x7e]/g, '?').trim();
  return (ascii.length > 100 ? `${ascii.slice(0, 99)}~` : ascii) || 'alertscale';
}

/**
 * Publishes with the AWS SDK (which already retries throttling and 5xx). A
 * client error (bad topic, no permission) is permanent; anything else transient.
 */
export class AwsSnsPublisher implements SnsPublisher {
  constructor(private readonly client: SNSClient) {}

  async publish(message: SnsMessage): Promise<SnsPublishResult> {
    try {
      const output = await this.client.send(
        new PublishCommand({ TopicArn: message.topicArn, Subject: snsSubject(message.subject), Message: message.body }),
      );
      return { delivered: true, messageId: output.MessageId };
    } catch (error) {
      const err = error as Error & { $fault?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
      const status = err.$metadata?.httpStatusCode;
      const throttled = err.name.includes('Throttl') || status === 429;
      const transient = throttled || err.$fault !== 'client' || status === undefined;
      throw new SnsPublishError(`SNS Publish failed: ${err.name}${status !== undefined ? ` (HTTP ${status})` : ''}`, transient, { cause: error });
    }
  }
}

/** Local mode: there is no topic, so the message goes to the log and the delivery counts as skipped. */
export class LoggingSnsPublisher implements SnsPublisher {
  constructor(private readonly log: Log) {}

  publish(message: SnsMessage): Promise<SnsPublishResult> {
    this.log.info('SNS message (local mode, not sent)', { topicArn: message.topicArn, subject: message.subject, body: message.body });
    return Promise.resolve({ delivered: false, reason: 'local mode: written to the log' });
  }
}
