import type { Config } from '../shared/config/schema';
import { systemClock, type Clock } from '../shared/clock';
import type { NodeGroups, NodeGroupStateStore } from './ports';

/** The last scaling action of a group, as `GET /api/node-groups` shows it. */
export interface LastScalingActionView {
  readonly actionId: string;
  readonly outcome: string;
  readonly from: number | null;
  readonly to: number | null;
  readonly reason: string;
  readonly at: string;
}

/** One configured node group in `GET /api/node-groups`. */
export interface NodeGroupView {
  readonly name: string;
  readonly asgName: string;
  /** As Auto Scaling (or the simulation) reports it; null when it could not be read. */
  readonly desired: number | null;
  /** The guardrails. */
  readonly min: number;
  readonly max: number;
  readonly instances?: number | undefined;
  /** Set while scale-ups go to the fallback groups after a capacity failure (ISO). */
  readonly backoffUntil?: string | undefined;
  readonly lastScalingAction: LastScalingActionView | null;
  /** Why `desired` is null. */
  readonly error?: string | undefined;
}

/**
 * `GET /api/node-groups`: each configured node group with its desired
 * capacity, guardrails and last scaling action, in configuration order.
 */
export async function nodeGroupsView(config: Config, state: NodeGroupStateStore, nodeGroups: NodeGroups, clock: Clock = systemClock): Promise<NodeGroupView[]> {
  const now = clock().getTime();
  return Promise.all(
    config.node_groups.map(async (group): Promise<NodeGroupView> => {
      const [item, asg] = await Promise.all([
        state.get(group.name),
        nodeGroups.describe(group.asg_name).then(
          (description) => ({ ok: true as const, description }),
          (error: Error) => ({ ok: false as const, error: error.message }),
        ),
      ]);
      const last = item.lastAction;
      return {
        name: group.name,
        asgName: group.asg_name,
        desired: asg.ok ? asg.description.desired : null,
        min: group.min,
        max: group.max,
        ...(asg.ok && asg.description.instances !== undefined ? { instances: asg.description.instances } : {}),
        ...(item.backoffUntil !== undefined && item.backoffUntil > now ? { backoffUntil: new Date(item.backoffUntil).toISOString() } : {}),
        ...(asg.ok ? {} : { error: asg.error }),
        lastScalingAction: last
          ? { actionId: last.actionId, outcome: last.outcome, from: last.from, to: last.to, reason: last.reason, at: new Date(last.at).toISOString() }
          : null,
      };
    }),
  );
}
