import type { NodeGroupConfig } from '../../shared/config/schema';
import { systemClock, type Clock } from '../../shared/clock';
import { LifecycleActionGoneError, type LifecycleAction, type LifecycleActions, type NodeNames } from '../../drain/ports';
import {
  CapacityUnavailableError,
  NodeGroupNotFoundError,
  NodeGroupValidationError,
  type AsgDescription,
  type AsgWithMembers,
  type GroupInstances,
  type NodeGroups,
  type NodeInstances,
} from '../../scaler/ports';
import type { EventEnvelope } from './local-bus';
import { autoScalingEvent, lifecycleActionToken, loadGroups, saveGroups, simulatedInstance, type PersistedGroup, type SimulatedInstance } from './simulated-instances';

/** The name local mode gives the drain's termination lifecycle hook. */
export const LOCAL_DRAIN_HOOK = 'alertscale-drain';

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
  /** Every instance, those waiting to terminate included. */
  readonly instances: readonly { readonly id: string; readonly name: string; readonly lifecycleState: string }[];
}

interface SimulatedGroup {
  readonly nodeGroup: string;
  readonly asgName: string;
  readonly index: number;
  readonly min: number;
  readonly max: number;
  readonly bootDelay: number;
  /** With `drain`: how long a terminating instance waits in `Terminating:Wait` for its lifecycle action. */
  readonly drainTimeout: number | undefined;
  refuseCapacity: boolean;
  /** The next instance's sequence number: ids and names are never reused. */
  sequence: number;
  instances: SimulatedInstance[];
}

/** Where the simulation keeps its groups and tells of what Auto Scaling does. */
export interface SimulationOptions {
  /** The file the groups are kept in between runs (with a data directory). @default - in memory */
  readonly path?: string | undefined;
  /** Auto Scaling's events (a lifecycle action, a terminated instance), for local mode's default bus. @default - none */
  readonly publish?: ((event: EventEnvelope) => void) | undefined;
  /** @default LOCAL_DRAIN_HOOK */
  readonly hookName?: string | undefined;
}

const live = (group: SimulatedGroup) => group.instances.filter((instance) => instance.lifecycleState === 'InService');

/**
 * Node groups for local mode, built from the config: each starts at
 * `local.desired` instances (or its guardrail min), with ids and node names
 * as EC2 and EKS give them, and its Auto Scaling bounds are 0 and the
 * guardrail max. New instances are `Pending` until `local.boot_delay` has
 * passed. A group that refuses capacity (`local.refuse_capacity`, or
 * `setRefuseCapacity` at run time) answers a scale-up with the error Auto
 * Scaling gives when EC2 has no capacity. A scale-in removes the newest
 * instances; a targeted one the named instance. In a group with `drain`, a
 * terminating instance waits in `Terminating:Wait` (and the lifecycle event
 * goes out) until its action is completed or `expireLifecycleActions` finds
 * its heartbeat timed out; then it goes, and `EC2 Instance Terminate
 * Successful` goes out.
 */
export class SimulatedNodeGroups implements NodeGroups, GroupInstances, NodeInstances, NodeNames, LifecycleActions {
  private readonly groups = new Map<string, SimulatedGroup>();
  private readonly publish: (event: EventEnvelope) => void;
  private readonly hookName: string;
  /** Every successful `setDesired` and `terminate`, in order: lets tests and the demo see what was done. */
  readonly calls: { asgName: string; desired: number; at: string; instanceId?: string }[] = [];

  constructor(
    nodeGroups: readonly NodeGroupConfig[],
    private readonly clock: Clock = systemClock,
    private readonly options: SimulationOptions = {},
  ) {
    this.publish = options.publish ?? (() => {});
    this.hookName = options.hookName ?? LOCAL_DRAIN_HOOK;
    const now = clock().getTime();
    const kept = loadGroups(options.path);
    nodeGroups.forEach((config, index) => {
      const bootDelay = config.local?.boot_delay ?? 0;
      const group: SimulatedGroup = {
        nodeGroup: config.name,
        asgName: config.asg_name,
        index,
        min: 0,
        max: config.max,
        bootDelay,
        drainTimeout: config.drain?.timeout,
        refuseCapacity: config.local?.refuse_capacity ?? false,
        sequence: 0,
        instances: [],
      };
      const restored = kept[config.asg_name];
      if (restored) Object.assign(group, { sequence: restored.sequence, refuseCapacity: restored.refuseCapacity, instances: restored.instances.map((i) => ({ ...i })) });
      // The starting instances are up already.
      else for (let n = 0; n < (config.local?.desired ?? config.min); n++) group.instances.push(this.nextInstance(group, now - bootDelay));
      this.groups.set(config.asg_name, group);
    });
    this.save();
  }

  async describe(asgName: string): Promise<AsgDescription> {
    const group = this.find(asgName);
    const desired = live(group).length;
    return { desired, min: group.min, max: group.max, instances: desired };
  }

  async describeMembers(asgName: string): Promise<AsgWithMembers> {
    const group = this.find(asgName);
    const now = this.clock().getTime();
    return {
      ...(await this.describe(asgName)),
      members: group.instances.map((instance) => ({ instanceId: instance.id, nodeName: instance.name, lifecycleState: this.stateOf(group, instance, now), protectedFromScaleIn: false })),
    };
  }

  async setDesired(asgName: string, desired: number): Promise<void> {
    const group = this.find(asgName);
    if (desired < group.min || desired > group.max) {
      throw new NodeGroupValidationError(`New SetDesiredCapacity value ${desired} is outside [${group.min}, ${group.max}] for ${asgName}`);
    }
    const running = live(group);
    if (desired > running.length && group.refuseCapacity) {
      throw new CapacityUnavailableError(asgName, `InsufficientInstanceCapacity: We currently do not have sufficient capacity for ${asgName} (simulated)`);
    }
    const now = this.clock().getTime();
    for (let n = running.length; n < desired; n++) group.instances.push(this.nextInstance(group, now));
    // Untargeted scale-in: Auto Scaling's choice here is the newest instances.
    for (const instance of running.slice(desired).reverse()) this.startTermination(group, instance, now);
    this.calls.push({ asgName, desired, at: new Date(now).toISOString() });
    this.save();
  }

  async terminate(asgName: string, instanceId: string): Promise<void> {
    const group = this.find(asgName);
    const now = this.clock().getTime();
    const instance = group.instances.find((candidate) => candidate.id === instanceId);
    if (!instance) throw new NodeGroupValidationError(`Instance Id not found - No managed instance found for instance ID: ${instanceId}`);
    if (this.stateOf(group, instance, now) !== 'InService') throw new NodeGroupValidationError(`The instance ${instanceId} is not in InService (simulated)`);
    this.startTermination(group, instance, now);
    this.calls.push({ asgName, desired: live(group).length, at: new Date(now).toISOString(), instanceId });
    this.save();
  }

  async complete(action: LifecycleAction): Promise<void> {
    const group = this.find(action.asgName);
    const instance = group.instances.find((candidate) => candidate.id === action.instanceId);
    if (!instance?.lifecycleAction || instance.lifecycleAction.token !== action.token || action.hookName !== this.hookName) {
      throw new LifecycleActionGoneError(`No active Lifecycle Action found with token ${action.token} (simulated)`);
    }
    this.finishTermination(group, instance, 'confirmed by CompleteLifecycleAction');
  }

  /** Lets every instance whose heartbeat timed out go on terminating (the hook's default result, CONTINUE). */
  expireLifecycleActions(): void {
    const now = this.clock().getTime();
    for (const group of this.groups.values()) {
      for (const instance of [...group.instances]) {
        if (instance.lifecycleAction && instance.lifecycleAction.deadline <= now) this.finishTermination(group, instance, 'heartbeat timeout');
      }
    }
  }

  async instanceIdsOf(nodeName: string): Promise<readonly string[]> {
    return [...this.groups.values()].flatMap((group) => group.instances.filter((instance) => instance.name === nodeName).map((instance) => instance.id));
  }

  async nodeNameOf(instanceId: string): Promise<string | undefined> {
    return [...this.groups.values()].flatMap((group) => group.instances).find((instance) => instance.id === instanceId)?.name;
  }

  /** Makes a group refuse (or again accept) new capacity; by node group name or ASG name. */
  setRefuseCapacity(name: string, refuse: boolean): void {
    this.byEitherName(name).refuseCapacity = refuse;
    this.save();
  }

  /** Every simulated group as it stands. */
  snapshot(): SimulatedGroupSnapshot[] {
    const now = this.clock().getTime();
    return [...this.groups.values()].map((group) => ({
      nodeGroup: group.nodeGroup,
      asgName: group.asgName,
      desired: live(group).length,
      ready: live(group).filter((instance) => now - instance.requestedAt >= group.bootDelay).length,
      min: group.min,
      max: group.max,
      refuseCapacity: group.refuseCapacity,
      instances: group.instances.map((instance) => ({ id: instance.id, name: instance.name, lifecycleState: this.stateOf(group, instance, now) })),
    }));
  }

  private stateOf(group: SimulatedGroup, instance: SimulatedInstance, now: number): string {
    if (instance.lifecycleState !== 'InService') return instance.lifecycleState;
    return now - instance.requestedAt >= group.bootDelay ? 'InService' : 'Pending';
  }

  private nextInstance(group: SimulatedGroup, requestedAt: number): SimulatedInstance {
    return simulatedInstance(group.asgName, group.index, group.sequence++, requestedAt);
  }

  /** Out of the desired capacity now; with a drain, held in `Terminating:Wait` until its lifecycle action ends. */
  private startTermination(group: SimulatedGroup, instance: SimulatedInstance, now: number): void {
    if (group.drainTimeout === undefined) {
      this.finishTermination(group, instance, 'no lifecycle hook');
      return;
    }
    instance.lifecycleState = 'Terminating:Wait';
    instance.lifecycleAction = { token: lifecycleActionToken(), deadline: now + group.drainTimeout };
    this.publish(
      autoScalingEvent('EC2 Instance-terminate Lifecycle Action', group.asgName, {
        LifecycleActionToken: instance.lifecycleAction.token,
        LifecycleHookName: this.hookName,
        EC2InstanceId: instance.id,
        LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
      }, new Date(now)),
    );
  }

  private finishTermination(group: SimulatedGroup, instance: SimulatedInstance, cause: string): void {
    group.instances = group.instances.filter((candidate) => candidate !== instance);
    this.save();
    const now = this.clock();
    this.publish(autoScalingEvent('EC2 Instance Terminate Successful', group.asgName, { EC2InstanceId: instance.id, StatusCode: 'Successful', Cause: `simulated: ${cause}`, EndTime: now.toISOString() }, now));
  }

  private save(): void {
    const groups: Record<string, PersistedGroup> = {};
    for (const group of this.groups.values()) groups[group.asgName] = { sequence: group.sequence, refuseCapacity: group.refuseCapacity, instances: group.instances };
    saveGroups(this.options.path, groups);
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
