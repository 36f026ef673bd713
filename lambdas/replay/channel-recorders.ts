import type { PostFetch } from '../adapters/http/http-post';
import type { SecretResolver, SnsMessage, SnsPublisher, SnsPublishResult } from '../notifier/ports';

/**
 * What replay gives the notifier instead of the world: every channel runs
 * its real sender (grouping, rendering, dedup keys), but nothing leaves the
 * process. A credential — inline, in a `_file`, or a `*_secret` — is never
 * read: every one is this placeholder, so a rehearsal needs none of
 * production's secrets and a page that would need one counts as sent, as it
 * would on AWS.
 */
export const PLACEHOLDER_CREDENTIAL = 'https://replay.alertscale.invalid/not-sent';

/** The topic `sns_configs` without `topic_arn` go to, as the stack's `NotificationTopic` would. */
export const REPLAY_TOPIC_ARN = 'arn:aws:sns:replay:000000000000:alertscale-notifications';

/** One message a channel would have sent. */
export interface RecordedMessage {
  readonly url?: string | undefined;
  readonly topicArn?: string | undefined;
  readonly body: string;
}

/** The notifier's outside world, recorded: HTTP posts, SNS publishes, and placeholder credentials. */
export class ChannelRecorders implements SecretResolver, SnsPublisher {
  readonly messages: RecordedMessage[] = [];

  /** Answers every POST 202 and keeps it, as a peer that accepted the message would. */
  readonly fetch: PostFetch = async (url, init) => {
    this.messages.push({ url, body: typeof init.body === 'string' ? init.body : '' });
    return new Response('{"status":"success","message":"recorded by alertscale replay; not sent"}', { status: 202, headers: { 'content-type': 'application/json' } });
  };

  async resolveSecret(): Promise<string> {
    return PLACEHOLDER_CREDENTIAL;
  }

  /** A `_file` credential or TLS file: never read from this machine. */
  readonly readFile = async (): Promise<string> => PLACEHOLDER_CREDENTIAL;

  async publish(message: SnsMessage): Promise<SnsPublishResult> {
    this.messages.push({ topicArn: message.topicArn, body: message.body });
    return { delivered: true, messageId: `replay-${this.messages.length}` };
  }
}
