import type { SnsMessage, SnsPublisher, SnsPublishResult } from '../../notifier/ports';
import type { Log } from '../../shared/log';

/** Local mode: there is no topic, so the message goes to the log and the delivery counts as skipped. */
export class LoggingSnsPublisher implements SnsPublisher {
  constructor(private readonly log: Log) {}

  publish(message: SnsMessage): Promise<SnsPublishResult> {
    this.log.info('SNS message (local mode, not sent)', { topicArn: message.topicArn, subject: message.subject, body: message.body });
    return Promise.resolve({ delivered: false, reason: 'local mode: written to the log' });
  }
}
