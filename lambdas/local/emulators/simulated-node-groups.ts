import type { NodeGroupConfig } from '../../shared/config/schema';
import { systemClock, type Clock } from '../../shared/clock';
import { CapacityUnavailableError, NodeGroupNotFoundError, NodeGroupValidationError, type AsgDescription, type NodeGroups } from '../../scaler/ports';

/** One simulated Auto Scaling group, as `snapshot()` shows it. */
export interface SimulatedGroupSnapshot {
  readonly nodeGroup: string;
  readonly asgName: string;
  readonly desired: number;
  /** Nodes whose boot delay has passed. */
  readonly ready: number;
  readonly min: number;
  readonly max: number;
  readonly refuseCapacity: boolean;
}

interface SimulatedGroup {
  nodeGroup: string;
  asgName: string;
  min: number;
  max: number;
  bootDelay: number;
  refuseCapacity: boolean;
  /** When each current node was asked for; a node is ready `bootDelay` after. */
  nodes: number[];
}

/**
 * Node groups for local mode, built from the config: each starts at
 * `local.desired` nodes (or its guardrail min) and its Auto Scaling bounds are
 * 0 and the guardrail max. New nodes become ready after `local.boot_delay`. A
 * group that refuses capacity (`local.refuse_capacity`, or `setRefuseCapacity`
 * at run time) answers a scale-up with the error Auto Scaling gives when EC2
 * has no capacity, so local mode shows the fallback path the AWS one takes.
 */
export class SimulatedNodeGroups implements NodeGroups {
  private readonly groups = new Map<string, SimulatedGroup>();
  /** Every successful `setDesired`, in order: lets tests and the demo see what was done. */
  readonly calls: { asgName: string; desired: number; at: string }[] = [];

  constructor(
    nodeGroups: readonly NodeGroupConfig[],
    private readonly clock: Clock = systemClock,
  ) {
    const now = clock().getTime();
    for (const group of nodeGroups) {
      const desired = group.local?.desired ?? group.min;
      this.groups.set(group.asg_name, {
        nodeGroup: group.name,
        asgName: group.asg_name,
        min: 0,
        max: group.max,
        bootDelay: group.local?.boot_delay ?? 0,
        refuseCapacity: group.local?.refuse_capacity ?? false,
        // The starting nodes are up already.
        nodes: Array.from({ length: desired }, () => now - (group.local?.boot_delay ?? 0)),
      });
    }
  }

  async describe(asgName: string): Promise<AsgDescription> {
    const group = this.find(asgName);
    return { desired: group.nodes.length, min: group.min, max: group.max, instances: group.nodes.length };
  }

  async setDesired(asgName: string, desired: number): Promise<void> {
    const group = this.find(asgName);
    if (desired < group.min || desired > group.max) {
      throw new NodeGroupValidationError(`New SetDesiredCapacity value ${desired} is outside [${group.min}, ${group.max}] for ${asgName}`);
    }
    if (desired > group.nodes.length && group.refuseCapacity) {
      throw new CapacityUnavailableError(
        asgName,
        `InsufficientInstanceCapacity: We currently do not have sufficient capacity for ${asgName} (simulated)`,
      );
    }
    const now = this.clock().getTime();
    group.nodes = desired >= group.nodes.length ? [...group.nodes, ...Array.from({ length: desired - group.nodes.length }, () => now)] : group.nodes.slice(0, desired);
    this.calls.push({ asgName, desired, at: new Date(now).toISOString() });
  }

  /** Makes a group refuse (or again accept) new capacity; by node group name or ASG name. */
  setRefuseCapacity(name: string, refuse: boolean): void {
    this.byEitherName(name).refuseCapacity = refuse;
  }

  /** Every simulated group as it stands. */
  snapshot(): SimulatedGroupSnapshot[] {
    const now = this.clock().getTime();
    return [...this.groups.values()].map((group) => ({
      nodeGroup: group.nodeGroup,
      asgName: group.asgName,
      desired: group.nodes.length,
      ready: group.nodes.filter((requestedAt) => now - requestedAt >= group.bootDelay).length,
      min: group.min,
      max: group.max,
      refuseCapacity: group.refuseCapacity,
    }));
  }

  private find(asgName: string): SimulatedGroup {
    const group = this.groups.get(asgName);
    if (!group) throw new NodeGroupNotFoundError(asgName);
    return group;
  }

  private byEitherName(name: string): SimulatedGroup {
    const group = this.groups.get(name) ?? [...this.groups.values()].find((candidate) => candidate.nodeGroup === name);
    if (!group) throw new NodeGroupNotFoundError(name);
    return group;
  }
}
