import {
  NodeGroupNotFoundError,
  NodeGroupValidationError,
  type AsgDescription,
  type AsgMember,
  type AsgWithMembers,
  type GroupInstances,
  type NodeGroups,
} from '../../../lambdas/scaler/ports';

/** A group as the fake holds it: its capacity and, for targeted scale-in, its instances. */
interface FakeGroup {
  desired: number;
  min: number;
  max: number;
  members: { -readonly [K in keyof AsgMember]: AsgMember[K] }[];
}

/** An instance of a fake group, in service and unprotected unless told otherwise. */
export const member = (instanceId: string, fields: Partial<Omit<AsgMember, 'instanceId'>> = {}): AsgMember => ({ instanceId, lifecycleState: 'InService', protectedFromScaleIn: false, ...fields });

/**
 * Auto Scaling groups in memory, with scripted failures per ASG for
 * `setDesired`, and their instances for targeted scale-in: `terminate`
 * moves one to `Terminating` and lowers the desired capacity, as
 * `TerminateInstanceInAutoScalingGroup` with `ShouldDecrementDesiredCapacity` does.
 */
export class FakeNodeGroups implements NodeGroups, GroupInstances {
  readonly groups = new Map<string, FakeGroup>();
  readonly setCalls: { asgName: string; desired: number }[] = [];
  /** Every `terminate` that went through, in order. */
  readonly terminateCalls: { asgName: string; instanceId: string }[] = [];
  /** Errors `setDesired` throws next, per ASG, in order. */
  readonly failures = new Map<string, Error[]>();
  /** Errors `setDesired` throws on every call, per ASG. */
  readonly alwaysFail = new Map<string, () => Error>();
  /** Errors `terminate` throws next, after doing its work (`afterCall`) or instead of it. */
  readonly terminateFailures: { error: Error; afterCall: boolean }[] = [];

  constructor(groups: Record<string, { desired: number; min?: number; max?: number; members?: AsgMember[] }>) {
    for (const [asgName, group] of Object.entries(groups)) this.groups.set(asgName, { min: 0, max: 1000, ...group, members: (group.members ?? []).map((m) => ({ ...m })) });
  }

  async describe(asgName: string): Promise<AsgDescription> {
    const { desired, min, max } = this.find(asgName);
    return { desired, min, max };
  }

  async describeMembers(asgName: string): Promise<AsgWithMembers> {
    const { desired, min, max, members } = this.find(asgName);
    return { desired, min, max, members: members.map((m) => ({ ...m })) };
  }

  async setDesired(asgName: string, desired: number): Promise<void> {
    const always = this.alwaysFail.get(asgName);
    if (always) throw always();
    const next = this.failures.get(asgName)?.shift();
    if (next) throw next;
    const group = this.find(asgName);
    group.desired = desired;
    this.setCalls.push({ asgName, desired });
  }

  async terminate(asgName: string, instanceId: string): Promise<void> {
    const scripted = this.terminateFailures.shift();
    if (scripted && !scripted.afterCall) throw scripted.error;
    const group = this.find(asgName);
    const target = group.members.find((m) => m.instanceId === instanceId);
    if (!target) throw new NodeGroupValidationError(`Instance Id not found - No managed instance found for instance ID: ${instanceId}`);
    if (target.lifecycleState !== 'InService') throw new NodeGroupValidationError(`instance ${instanceId} is ${target.lifecycleState}`);
    target.lifecycleState = 'Terminating';
    group.desired -= 1;
    this.terminateCalls.push({ asgName, instanceId });
    if (scripted) throw scripted.error;
  }

  desired(asgName: string): number | undefined {
    return this.groups.get(asgName)?.desired;
  }

  /** The instance's lifecycle state, or undefined when it is not in the group. */
  stateOf(asgName: string, instanceId: string): string | undefined {
    return this.groups.get(asgName)?.members.find((m) => m.instanceId === instanceId)?.lifecycleState;
  }

  private find(asgName: string): FakeGroup {
    const group = this.groups.get(asgName);
    if (!group) throw new NodeGroupNotFoundError(asgName);
    return group;
  }
}
