import type { Config } from '../shared/config/schema';
import { patterns } from '../shared/events';
import type { EventEnvelope, LocalEventBus } from './emulators/local-bus';

/** A queue an in-process rule sends to: local mode's `LocalQueue`, replay's `DrainQueue`. */
export interface RuleTargetQueue {
  send(body: string, groupId?: string): unknown;
}

/** An event as EventBridge writes it into an SQS message body. */
export const envelopeBody = (event: EventEnvelope): string => JSON.stringify(event);

/**
 * The stack's rules on an in-process bus, on the same patterns it gives
 * EventBridge: the notifications to the router's queue; as on AWS, one rule
 * per node group to the FIFO scale queue with that group as the message
 * group, and Auto Scaling's launch failures to it too; the notify requests
 * to the notifier's queue.
 */
export function addStageRules(bus: LocalEventBus, config: Pick<Config, 'node_groups'>, queues: { readonly router: RuleTargetQueue; readonly scale: RuleTargetQueue; readonly notify: RuleTargetQueue }): void {
  bus.addRule({ name: 'Notifications', pattern: patterns.notifications, target: (event) => queues.router.send(envelopeBody(event)) });
  for (const group of config.node_groups) {
    bus.addRule({ name: `Scale-${group.name}`, pattern: patterns.scaleRequested(group.name), target: (event) => queues.scale.send(envelopeBody(event), group.name) });
  }
  bus.addRule({
    name: 'LaunchUnsuccessful',
    pattern: patterns.launchUnsuccessful(config.node_groups.map((group) => group.asg_name)),
    target: (event) => queues.scale.send(envelopeBody(event), 'launch-unsuccessful'),
  });
  bus.addRule({ name: 'Notify', pattern: patterns.notifyRequested, target: (event) => queues.notify.send(envelopeBody(event)) });
}
