import { SnsPublishError } from '../ports';
import { plainTextNotification } from '../render';
import { messageId, type ChannelSender } from './sender';

/** SNS: one plain-text message per group notification, for e-mail and SMS subscribers of the topic. */
export const snsSender: ChannelSender<'sns'> = {
  channel: 'sns',
  grouping: 'notification',
  dedupKey: (requests) => messageId('sns', requests),
  async send({ requests, receiver, config, dedupKey }, { sns, snsTopicArn, log }) {
    const topicArn = config.topic_arn ?? snsTopicArn;
    const text = plainTextNotification(requests);
    if (topicArn === undefined) {
      log.info('sns notification not sent (no topic_arn and no default topic)', { receiver, channel: 'sns', reason: 'no topic_arn and no default topic', ...text });
      return { outcome: 'skipped', transient: false, reason: 'no topic_arn and no default topic', attempts: 0, dedupKey };
    }
    try {
      const result = await sns.publish({ topicArn, subject: config.subject ?? text.subject, body: text.body });
      return result.delivered
        ? { outcome: 'sent', transient: false, reason: 'published', attempts: 1, dedupKey }
        : { outcome: 'skipped', transient: false, reason: result.reason, attempts: 0, dedupKey };
    } catch (error) {
      if (!(error instanceof SnsPublishError)) throw error;
      return { outcome: 'failed', transient: error.transient, reason: error.message, attempts: 1, dedupKey };
    }
  },
};
