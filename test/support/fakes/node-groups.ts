import { NodeGroupNotFoundError, type AsgDescription, type NodeGroups } from '../../../lambdas/scaler/ports';

/** Auto Scaling groups in memory, with scripted failures per ASG for `setDesired`. */
export class FakeNodeGroups implements NodeGroups {
  readonly groups = new Map<string, { desired: number; min: number; max: number }>();
  readonly setCalls: { asgName: string; desired: number }[] = [];
  /** Errors `setDesired` throws next, per ASG, in order. */
  readonly failures = new Map<string, Error[]>();
  /** Errors `setDesired` throws on every call, per ASG. */
  readonly alwaysFail = new Map<string, () => Error>();

  constructor(groups: Record<string, { desired: number; min?: number; max?: number }>) {
    for (const [asgName, group] of Object.entries(groups)) this.groups.set(asgName, { min: 0, max: 1000, ...group });
  }

  async describe(asgName: string): Promise<AsgDescription> {
    const group = this.groups.get(asgName);
    if (!group) throw new NodeGroupNotFoundError(asgName);
    return { ...group };
  }

  async setDesired(asgName: string, desired: number): Promise<void> {
    const always = this.alwaysFail.get(asgName);
    if (always) throw always();
    const next = this.failures.get(asgName)?.shift();
    if (next) throw next;
    const group = this.groups.get(asgName);
    if (!group) throw new NodeGroupNotFoundError(asgName);
    group.desired = desired;
    this.setCalls.push({ asgName, desired });
  }

  desired(asgName: string): number | undefined {
    return this.groups.get(asgName)?.desired;
  }
}
