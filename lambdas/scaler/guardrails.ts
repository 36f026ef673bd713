import type { Config, NodeGroupConfig } from '../shared/config/schema';
import { anyActive, type TimeInterval } from '../shared/time/intervals';
import type { FleetNodes } from './ports';

/**
 * A node group's guardrails right now: its min and max, or those of the
 * first schedule whose time interval holds, within its own budget and the
 * fleet's. Each bound says what set it, so an outcome's reason can name the
 * schedule or budget that shaped it. Pure.
 */
export interface GuardrailsNow {
  readonly min: number;
  readonly max: number;
  readonly minSource: string;
  readonly maxSource: string;
  /** The schedule in force, by its time intervals' names. */
  readonly schedule?: string | undefined;
}

/** The nodes and cost the budgets count, by the group's own count and the others'. */
interface BudgetUse {
  readonly nodes: number;
  readonly cost: number;
}

const describeSchedule = (names: readonly string[]) => `schedule ${names.join(', ')}`;

/** The group's min and max at `now`: those of the first schedule that holds (for what it sets), else its own. */
export function scheduledBounds(group: NodeGroupConfig, intervals: ReadonlyMap<string, readonly TimeInterval[]>, now: Date): GuardrailsNow {
  const schedule = group.schedules.find((candidate) => candidate.time_intervals.some((name) => anyActive(intervals.get(name) ?? [], now)));
  if (!schedule) return { min: group.min, max: group.max, minSource: 'guardrail min', maxSource: 'guardrail max' };
  const name = describeSchedule(schedule.time_intervals);
  return {
    min: schedule.min ?? group.min,
    max: schedule.max ?? group.max,
    minSource: schedule.min !== undefined ? `${name} min` : 'guardrail min',
    maxSource: schedule.max !== undefined ? `${name} max` : 'guardrail max',
    schedule: name,
  };
}

/** Lowers `max` to `cap` when the cap is lower, naming it as the source. */
function capped(bounds: GuardrailsNow, cap: number | undefined, source: string): GuardrailsNow {
  return cap !== undefined && cap < bounds.max ? { ...bounds, max: Math.max(0, cap), maxSource: source } : bounds;
}

/** Nodes a cost allows at `hourlyCost` each (everything when a node costs nothing). */
const nodesFor = (cost: number, hourlyCost: number | undefined) => (hourlyCost ? Math.floor(cost / hourlyCost + 1e-9) : undefined);

/** The group's bounds within its own budget. */
function withGroupBudget(group: NodeGroupConfig, bounds: GuardrailsNow): GuardrailsNow {
  const { budget } = group;
  if (!budget) return bounds;
  const byNodes = capped(bounds, budget.max_nodes, `node group budget max_nodes ${budget.max_nodes}`);
  const cost = budget.max_hourly_cost;
  return cost === undefined ? byNodes : capped(byNodes, nodesFor(cost, group.hourly_cost), `node group budget max_hourly_cost ${cost}`);
}

/** What the other groups use of the fleet, as the fleet's ledger counts them. */
function fleetUseBesides(config: Config, ledger: FleetNodes, groupName: string): BudgetUse {
  return config.node_groups
    .filter((group) => group.name !== groupName)
    .reduce((use, group) => {
      const nodes = ledger.groups[group.name] ?? 0;
      return { nodes: use.nodes + nodes, cost: use.cost + nodes * (group.hourly_cost ?? 0) };
    }, { nodes: 0, cost: 0 });
}

/** The group's bounds within the fleet's budget, given what the other groups use. */
function withFleetBudget(config: Config, group: NodeGroupConfig, ledger: FleetNodes, bounds: GuardrailsNow): GuardrailsNow {
  const budget = config.settings.budget;
  if (!budget) return bounds;
  const others = fleetUseBesides(config, ledger, group.name);
  const byNodes = budget.max_nodes === undefined ? bounds : capped(bounds, budget.max_nodes - others.nodes, `fleet budget max_nodes ${budget.max_nodes}, ${others.nodes} in use by other groups`);
  const cost = budget.max_hourly_cost;
  if (cost === undefined) return byNodes;
  return capped(byNodes, nodesFor(Math.max(0, cost - others.cost), group.hourly_cost), `fleet budget max_hourly_cost ${cost}, ${toCents(others.cost)} in use by other groups`);
}

/** A cost to the cent, as the reasons and `GET /api/node-groups` print it. */
export const toCents = (value: number): number => Math.round(value * 100) / 100;

/** Every guardrail of a group at `now`: schedule, its budget, the fleet's (when a ledger is given). */
export function guardrailsNow(config: Config, group: NodeGroupConfig, intervals: ReadonlyMap<string, readonly TimeInterval[]>, now: Date, ledger?: FleetNodes): GuardrailsNow {
  const own = withGroupBudget(group, scheduledBounds(group, intervals, now));
  return ledger ? withFleetBudget(config, group, ledger, own) : own;
}
