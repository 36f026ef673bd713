import { systemClock, type Clock } from '../shared/clock';
import type { Config, NodeGroupConfig } from '../shared/config/schema';
import { indexTimeIntervals } from '../shared/time/intervals';
import { scheduledBounds, toCents } from './guardrails';
import type { AsgDescription, AsgMember, GroupInstances, NodeGroups, NodeGroupStateStore } from './ports';

/** The last scaling action of a group, as `GET /api/node-groups` shows it. */
export interface LastScalingActionView {
  readonly actionId: string;
  readonly outcome: string;
  readonly from: number | null;
  readonly to: number | null;
  readonly reason: string;
  readonly at: string;
}

/** A budget, what it counts now, and what is left. */
export interface BudgetView {
  readonly maxNodes?: number | undefined;
  readonly maxHourlyCost?: number | undefined;
  readonly nodes: number;
  readonly hourlyCost: number;
  readonly nodesLeft?: number | undefined;
  readonly hourlyCostLeft?: number | undefined;
}

/** One configured node group in `GET /api/node-groups`. */
export interface NodeGroupView {
  readonly name: string;
  readonly asgName: string;
  /** As Auto Scaling (or the simulation) reports it; null when it could not be read. */
  readonly desired: number | null;
  /** The guardrails in force now: a schedule's, when one holds, else the group's own. */
  readonly min: number;
  readonly max: number;
  /** The schedule in force, by its time intervals. */
  readonly schedule?: string | undefined;
  /** The group's instances, those terminating included, when the node groups can list them. */
  readonly instances?: readonly InstanceView[] | undefined;
  /** Set while scale-ups go to the fallback groups after a capacity failure (ISO). */
  readonly backoffUntil?: string | undefined;
  /** The group's own budget, when it has one. */
  readonly budget?: BudgetView | undefined;
  /** The fleet's budget (the same for every group), when there is one. */
  readonly fleetBudget?: BudgetView | undefined;
  readonly lastScalingAction: LastScalingActionView | null;
  /** Why `desired` is null. */
  readonly error?: string | undefined;
}

/** One instance of a group: its id, its node name when known (local mode), its lifecycle state. */
export interface InstanceView {
  readonly id: string;
  readonly name?: string | undefined;
  readonly lifecycleState: string;
}

const instanceView = (member: AsgMember): InstanceView => ({ id: member.instanceId, ...(member.nodeName !== undefined ? { name: member.nodeName } : {}), lifecycleState: member.lifecycleState });

function budgetView(budget: { max_nodes?: number | undefined; max_hourly_cost?: number | undefined }, nodes: number, hourlyCost: number): BudgetView {
  return {
    ...(budget.max_nodes !== undefined ? { maxNodes: budget.max_nodes, nodesLeft: Math.max(0, budget.max_nodes - nodes) } : {}),
    ...(budget.max_hourly_cost !== undefined ? { maxHourlyCost: budget.max_hourly_cost, hourlyCostLeft: toCents(Math.max(0, budget.max_hourly_cost - hourlyCost)) } : {}),
    nodes,
    hourlyCost: toCents(hourlyCost),
  };
}

async function groupView(config: Config, group: NodeGroupConfig, state: NodeGroupStateStore, nodeGroups: NodeGroups, now: Date, instances?: GroupInstances): Promise<NodeGroupView> {
  const described: Promise<AsgDescription & { members?: readonly AsgMember[] }> = instances ? instances.describeMembers(group.asg_name) : nodeGroups.describe(group.asg_name);
  const [item, asg] = await Promise.all([
    state.get(group.name),
    described.then(
      (description): { ok: true; description: AsgDescription & { members?: readonly AsgMember[] } } => ({ ok: true, description }),
      (error: Error): { ok: false; error: string } => ({ ok: false, error: error.message }),
    ),
  ]);
  const bounds = scheduledBounds(group, indexTimeIntervals(config.time_intervals), now);
  const desired = asg.ok ? asg.description.desired : null;
  const last = item.lastAction;
  return {
    name: group.name,
    asgName: group.asg_name,
    desired,
    min: bounds.min,
    max: bounds.max,
    ...(bounds.schedule ? { schedule: bounds.schedule } : {}),
    ...(asg.ok && asg.description.members !== undefined ? { instances: asg.description.members.map(instanceView) } : {}),
    ...(item.backoffUntil !== undefined && item.backoffUntil > now.getTime() ? { backoffUntil: new Date(item.backoffUntil).toISOString() } : {}),
    ...(group.budget && desired !== null ? { budget: budgetView(group.budget, desired, desired * (group.hourly_cost ?? 0)) } : {}),
    ...(asg.ok ? {} : { error: asg.error }),
    lastScalingAction: last ? { actionId: last.actionId, outcome: last.outcome, from: last.from, to: last.to, reason: last.reason, at: new Date(last.at).toISOString() } : null,
  };
}

/**
 * `GET /api/node-groups`: each configured node group with its desired
 * capacity, the guardrails in force now (which schedule), its budget and the
 * fleet's in use and left, and its last scaling action, in configuration
 * order, with its instances when `instances` can list them. The fleet budget
 * is counted from the groups' desired capacity as read now.
 */
export async function nodeGroupsView(config: Config, state: NodeGroupStateStore, nodeGroups: NodeGroups, clock: Clock = systemClock, instances?: GroupInstances): Promise<NodeGroupView[]> {
  const now = clock();
  const views = await Promise.all(config.node_groups.map((group) => groupView(config, group, state, nodeGroups, now, instances)));
  const budget = config.settings.budget;
  if (!budget) return views;
  const nodes = views.reduce((sum, view) => sum + (view.desired ?? 0), 0);
  const cost = config.node_groups.reduce((sum, group, i) => sum + (views[i]?.desired ?? 0) * (group.hourly_cost ?? 0), 0);
  const fleetBudget = budgetView(budget, nodes, cost);
  return views.map((view) => ({ ...view, fleetBudget }));
}
