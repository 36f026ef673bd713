import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { SnsPublishError, type SnsMessage, type SnsPublisher, type SnsPublishResult } from '../../notifier/ports';

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
