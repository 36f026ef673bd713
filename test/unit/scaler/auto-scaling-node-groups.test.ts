import { AutoScalingClient, DescribeAutoScalingGroupsCommand, ScalingActivityInProgressFault, SetDesiredCapacityCommand } from '@aws-sdk/client-auto-scaling';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AutoScalingNodeGroups } from '../../../lambdas/adapters/autoscaling/auto-scaling-node-groups';
import { CapacityUnavailableError, NodeGroupNotFoundError, NodeGroupValidationError, TransientScalingError } from '../../../lambdas/scaler/ports';

const autoScaling = mockClient(AutoScalingClient);

function serviceError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: {} });
}

function adapter(delays: number[] = []) {
  return new AutoScalingNodeGroups(new AutoScalingClient({ region: 'us-east-1' }), {
    attempts: 4,
    baseDelayMs: 100,
    random: () => 0.5,
    sleep: async (ms) => {
      delays.push(ms);
    },
  });
}

beforeEach(() => autoScaling.reset());

describe('AutoScalingNodeGroups', () => {
  it('reads desired, min and max from DescribeAutoScalingGroups', async () => {
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [
        {
          AutoScalingGroupName: 'gpu-a100-nodes',
          DesiredCapacity: 3,
          MinSize: 1,
          MaxSize: 20,
          Instances: [
            { InstanceId: 'i-1', LifecycleState: 'InService', AvailabilityZone: 'a', HealthStatus: 'Healthy', ProtectedFromScaleIn: false },
            { InstanceId: 'i-2', LifecycleState: 'Terminating', AvailabilityZone: 'a', HealthStatus: 'Healthy', ProtectedFromScaleIn: false },
          ],
        } as never,
      ],
    });

    await expect(adapter().describe('gpu-a100-nodes')).resolves.toEqual({ desired: 3, min: 1, max: 20, instances: 1 });
  });

  it('reports a group that does not exist as not found', async () => {
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });

    await expect(adapter().describe('nope')).rejects.toBeInstanceOf(NodeGroupNotFoundError);
  });

  it('sets the desired capacity without honouring the ASG cooldown', async () => {
    autoScaling.on(SetDesiredCapacityCommand).resolves({});

    await adapter().setDesired('gpu-a100-nodes', 6);

    expect(autoScaling.commandCalls(SetDesiredCapacityCommand)[0]?.args[0].input).toEqual({ AutoScalingGroupName: 'gpu-a100-nodes', DesiredCapacity: 6, HonorCooldown: false });
  });

  it('retries throttling and then succeeds', async () => {
    autoScaling.on(SetDesiredCapacityCommand).rejectsOnce(serviceError('Throttling', 'Rate exceeded')).resolves({});

    await adapter().setDesired('gpu-a100-nodes', 6);

    expect(autoScaling.commandCalls(SetDesiredCapacityCommand)).toHaveLength(2);
  });

  it('retries ScalingActivityInProgress with growing, jittered waits', async () => {
    const delays: number[] = [];
    const fault = new ScalingActivityInProgressFault({ message: 'Scaling activity in progress', $metadata: {} });
    autoScaling.on(SetDesiredCapacityCommand).rejectsOnce(fault).rejectsOnce(fault).resolves({});

    await adapter(delays).setDesired('gpu-a100-nodes', 6);

    expect(autoScaling.commandCalls(SetDesiredCapacityCommand)).toHaveLength(3);
    expect(delays).toEqual([50, 100]);
  });

  it('gives up with a transient error once the attempts are spent', async () => {
    autoScaling.on(SetDesiredCapacityCommand).rejects(new ScalingActivityInProgressFault({ message: 'busy', $metadata: {} }));

    await expect(adapter().setDesired('gpu-a100-nodes', 6)).rejects.toBeInstanceOf(TransientScalingError);
    expect(autoScaling.commandCalls(SetDesiredCapacityCommand)).toHaveLength(4);
  });

  it('does not retry a group that is not found', async () => {
    autoScaling.on(SetDesiredCapacityCommand).rejects(serviceError('ValidationError', 'AutoScalingGroup name not found - gpu-x'));

    await expect(adapter().setDesired('gpu-x', 6)).rejects.toBeInstanceOf(NodeGroupNotFoundError);
    expect(autoScaling.commandCalls(SetDesiredCapacityCommand)).toHaveLength(1);
  });

  it('does not retry a value outside the group bounds', async () => {
    autoScaling.on(SetDesiredCapacityCommand).rejects(serviceError('ValidationError', 'New SetDesiredCapacity value 30 is above max value 20'));

    await expect(adapter().setDesired('gpu-a100-nodes', 30)).rejects.toBeInstanceOf(NodeGroupValidationError);
    expect(autoScaling.commandCalls(SetDesiredCapacityCommand)).toHaveLength(1);
  });

  it('reports insufficient capacity as a capacity failure, for the fallback', async () => {
    autoScaling.on(SetDesiredCapacityCommand).rejects(serviceError('InsufficientInstanceCapacity', 'We currently do not have sufficient p4d.24xlarge capacity'));

    await expect(adapter().setDesired('gpu-a100-nodes', 6)).rejects.toBeInstanceOf(CapacityUnavailableError);
    expect(autoScaling.commandCalls(SetDesiredCapacityCommand)).toHaveLength(1);
  });
});
