import { DescribeAutoScalingGroupsCommand, SetDesiredCapacityCommand, TerminateInstanceInAutoScalingGroupCommand, type AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { Log } from '../../shared/log';
import {
  CapacityUnavailableError,
  isCapacityFailure,
  isTerminating,
  NodeGroupNotFoundError,
  NodeGroupValidationError,
  TransientScalingError,
  type AsgDescription,
  type AsgWithMembers,
  type GroupInstances,
  type NodeGroups,
} from '../../scaler/ports';
import { fullJitter, sleep } from '../../shared/backoff';

/** Errors that say "not now": a scaling activity or another update holds the group, or we were throttled. */
const RETRYABLE = new Set([
  'ScalingActivityInProgressFault',
  'ScalingActivityInProgress',
  'ResourceContentionFault',
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
]);

export interface AutoScalingNodeGroupsOptions {
  /** Attempts per call for the errors above, the first included. @default 5 */
  readonly attempts?: number;
  /** Base of the exponential backoff, ms, with full jitter. @default 200 */
  readonly baseDelayMs?: number;
  /** Longest single wait, ms. @default 5000 */
  readonly maxDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly log?: Log;
}


/**
 * The NodeGroups and GroupInstances ports on EC2 Auto Scaling. Build the client with the SDK's
 * standard retry strategy (it already retries throttling with its own
 * backoff); on top of that, `ScalingActivityInProgress` and resource
 * contention — which the SDK does not retry — and throttling that outlasted
 * the SDK are retried here with exponential backoff and full jitter.
 * Validation errors (no such group, outside the ASG's bounds) are never retried.
 */
export class AutoScalingNodeGroups implements NodeGroups, GroupInstances {
  private readonly attempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(
    private readonly client: AutoScalingClient,
    private readonly options: AutoScalingNodeGroupsOptions = {},
  ) {
    this.attempts = options.attempts ?? 5;
    this.baseDelayMs = options.baseDelayMs ?? 200;
    this.maxDelayMs = options.maxDelayMs ?? 5000;
    this.sleep = options.sleep ?? sleep;
    this.random = options.random ?? Math.random;
  }

  async describe(asgName: string): Promise<AsgDescription> {
    const { members, ...capacity } = await this.describeMembers(asgName);
    return { ...capacity, instances: members.filter((member) => !isTerminating(member.lifecycleState)).length };
  }

  async describeMembers(asgName: string): Promise<AsgWithMembers> {
    const result = await this.withRetries(`DescribeAutoScalingGroups ${asgName}`, asgName, () =>
      this.client.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [asgName] })),
    );
    const group = result.AutoScalingGroups?.find((candidate) => candidate.AutoScalingGroupName === asgName);
    if (!group) throw new NodeGroupNotFoundError(asgName);
    return {
      desired: group.DesiredCapacity ?? 0,
      min: group.MinSize ?? 0,
      max: group.MaxSize ?? 0,
      members: (group.Instances ?? []).map((instance) => ({
        instanceId: instance.InstanceId ?? '',
        lifecycleState: instance.LifecycleState ?? 'Unknown',
        protectedFromScaleIn: instance.ProtectedFromScaleIn ?? false,
      })),
    };
  }

  /**
   * Terminates one instance and lowers the desired capacity with it, so Auto
   * Scaling does not launch a replacement. The group's own termination
   * lifecycle hooks (a drain) still run.
   */
  async terminate(asgName: string, instanceId: string): Promise<void> {
    await this.withRetries(`TerminateInstanceInAutoScalingGroup ${instanceId}`, asgName, () =>
      this.client.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: instanceId, ShouldDecrementDesiredCapacity: true })),
      // Its "not found" is about the instance, not the group: a refusal for good, said as Auto Scaling says it.
      { notFoundIsGroup: false },
    );
  }

  async setDesired(asgName: string, desired: number): Promise<void> {
    await this.withRetries(`SetDesiredCapacity ${asgName} ${desired}`, asgName, () =>
      this.client.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: asgName, DesiredCapacity: desired, HonorCooldown: false })),
    );
  }

  private async withRetries<T>(what: string, asgName: string, call: () => Promise<T>, options: { readonly notFoundIsGroup?: boolean } = {}): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        const err = error as Error & { $metadata?: unknown };
        if (isCapacityFailure(err)) throw new CapacityUnavailableError(asgName, `${what}: ${err.message}`, { cause: err });
        if (err.name === 'ValidationError') {
          if (/not found/i.test(err.message) && options.notFoundIsGroup !== false) throw new NodeGroupNotFoundError(asgName, { cause: err });
          throw new NodeGroupValidationError(`${what}: ${err.message}`, { cause: err });
        }
        if (!RETRYABLE.has(err.name)) throw err;
        if (attempt >= this.attempts) {
          throw new TransientScalingError(`${what}: ${err.name} after ${attempt} attempt(s): ${err.message}`, { cause: err });
        }
        const delay = fullJitter(attempt, this.baseDelayMs, this.maxDelayMs, this.random);
        this.options.log?.warn('Auto Scaling call will be retried', { call: what, attempt, error: err.name, delayMs: Math.round(delay) });
        await this.sleep(delay);
      }
    }
  }
}
