import type { NotifyChannel } from '../../shared/channels';
import { pagerdutySender } from './pagerduty';
import type { ChannelSender } from './sender';
import { slackSender } from './slack';
import { snsSender } from './sns';
import { webhookSender } from './webhook';

/** The sender of each channel. */
export const SENDERS: { readonly [C in NotifyChannel]: ChannelSender<C> } = {
  pagerduty: pagerdutySender,
  slack: slackSender,
  sns: snsSender,
  webhook: webhookSender,
};
