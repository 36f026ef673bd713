import { AutoScalingClient, DescribeAutoScalingGroupsCommand, TerminateInstanceInAutoScalingGroupCommand, type AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AutoScalingNodeGroups } from '../../../lambdas/adapters/autoscaling/auto-scaling-node-groups';
import { DynamoDecisionStore } from '../../../lambdas/adapters/dynamodb/decision-store';
import { DynamoNodeGroupStateStore } from '../../../lambdas/adapters/dynamodb/node-group-state-store';
import { Ec2NodeInstances } from '../../../lambdas/adapters/ec2/ec2-node-instances';
import { LocalPauseSwitch } from '../../../lambdas/local/emulators/local-pause-switch';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../../lambdas/local/emulators/dynalite';
import { createScaler } from '../../../lambdas/scaler/scaler';
import { RecordingBus } from '../../support/fakes/bus';
import { MemoryLog } from '../../support/fakes/log';
import { nodeGroup, noSleep, removalRequest, targetedConfigWith, TestClock } from '../../unit/scaler/support/builders';

/**
 * Targeted scale-in against the AWS SDK's edge (aws-sdk-client-mock for
 * Auto Scaling and EC2) with its state and decisions in dynalite: what the
 * scaler asks EC2 and Auto Scaling, and that a termination whose answer was
 * lost is never repeated on another instance.
 */
const autoScaling = mockClient(AutoScalingClient);
const ec2 = mockClient(EC2Client);
const ASG = 'gpu-a100-nodes';
const NODE = 'ip-10-0-1-7.ec2.internal';
const INSTANCE = 'i-0a0000000000000a7';

let dynamo: EmbeddedDynamo;
beforeAll(async () => {
  dynamo = await startEmbeddedDynamo({ tableName: 'alertscale-targeted' });
});
afterAll(async () => {
  await dynamo?.stop();
});
beforeEach(() => {
  autoScaling.reset();
  ec2.reset();
});

const group = (instances: { id: string; state?: string }[], desired = instances.length): AutoScalingGroup =>
  ({
    AutoScalingGroupName: ASG,
    DesiredCapacity: desired,
    MinSize: 0,
    MaxSize: 16,
    Instances: instances.map(({ id, state = 'InService' }) => ({ InstanceId: id, LifecycleState: state, ProtectedFromScaleIn: false, AvailabilityZone: 'a', HealthStatus: 'Healthy' })),
  }) as AutoScalingGroup;

let groupCounter = 0;
function scaler() {
  // A node group of its own per test: the state items in the one dynalite table do not meet.
  groupCounter += 1;
  const name = `gpu-a100-${groupCounter}`;
  const config = targetedConfigWith([nodeGroup({ name, asg_name: ASG, min: 1, max: 16 })]);
  const nodeGroups = new AutoScalingNodeGroups(new AutoScalingClient({ region: 'us-east-1' }), { sleep: noSleep });
  const decisions = new DynamoDecisionStore(dynamo.client, dynamo.tableName);
  const clock = new TestClock();
  const scaler = createScaler({
    config,
    nodeGroups,
    instances: nodeGroups,
    nodeInstances: new Ec2NodeInstances((sdk) => new sdk.EC2Client({ region: 'us-east-1' })),
    state: new DynamoNodeGroupStateStore(dynamo.client, dynamo.tableName),
    decisions,
    bus: new RecordingBus(),
    pause: new LocalPauseSwitch(false),
    log: new MemoryLog(),
    clock: clock.clock,
    sleep: noSleep,
    publish: { sleep: noSleep },
  });
  return { scaler, name, state: new DynamoNodeGroupStateStore(dynamo.client, dynamo.tableName) };
}

describe('targeted scale-in on the AWS SDK', () => {
  it("looks the node up by its private DNS name, leaving terminated instances out, and terminates that instance decrementing desired", async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [{ InstanceId: INSTANCE, PrivateDnsName: NODE }] }] });
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [group([{ id: 'i-0a0000000000000a6' }, { id: INSTANCE }, { id: 'i-0a0000000000000a8' }])] });
    autoScaling.on(TerminateInstanceInAutoScalingGroupCommand).resolves({});
    const { scaler: s, name } = scaler();

    const result = await s.handleScaleRequested(removalRequest(name, [NODE]));

    expect(ec2.commandCalls(DescribeInstancesCommand)[0]!.args[0].input).toEqual({
      Filters: [
        { Name: 'private-dns-name', Values: [NODE] },
        { Name: 'instance-state-name', Values: ['pending', 'running', 'shutting-down', 'stopping', 'stopped'] },
      ],
    });
    expect(autoScaling.commandCalls(TerminateInstanceInAutoScalingGroupCommand).map((c) => c.args[0].input)).toEqual([{ InstanceId: INSTANCE, ShouldDecrementDesiredCapacity: true }]);
    expect(result).toMatchObject({ outcome: 'scaled', from: 3, to: 2 });
  });

  it('picks the instance of this group when the name is taken in another VPC too', async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [{ InstanceId: 'i-0ffffffffffffff07' }] }, { Instances: [{ InstanceId: INSTANCE }] }] });
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [group([{ id: INSTANCE }, { id: 'i-0a0000000000000a8' }])] });
    autoScaling.on(TerminateInstanceInAutoScalingGroupCommand).resolves({});
    const { scaler: s, name } = scaler();

    await s.handleScaleRequested(removalRequest(name, [NODE]));

    expect(autoScaling.commandCalls(TerminateInstanceInAutoScalingGroupCommand).map((c) => c.args[0].input.InstanceId)).toEqual([INSTANCE]);
  });

  it('refuses a node whose instance is in another Auto Scaling group, and calls nothing', async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [{ InstanceId: INSTANCE }] }] });
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [group([{ id: 'i-0a0000000000000a6' }, { id: 'i-0a0000000000000a8' }])] });
    const { scaler: s, name } = scaler();

    const result = await s.handleScaleRequested(removalRequest(name, [NODE]));

    expect(result).toMatchObject({ outcome: 'refused', reason: `instance ${INSTANCE} (node ${NODE}) is not in Auto Scaling group ${ASG}; nothing removed` });
    expect(autoScaling.commandCalls(TerminateInstanceInAutoScalingGroupCommand)).toEqual([]);
  });

  it('terminates once when the answer to the termination was lost and the request is delivered again', async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [{ InstanceId: INSTANCE }] }] });
    autoScaling
      .on(DescribeAutoScalingGroupsCommand)
      .resolvesOnce({ AutoScalingGroups: [group([{ id: INSTANCE }, { id: 'i-0a0000000000000a8' }])] })
      // What Auto Scaling says after the call went through: the instance is on its way out.
      .resolves({ AutoScalingGroups: [group([{ id: INSTANCE, state: 'Terminating:Wait' }, { id: 'i-0a0000000000000a8' }], 1)] });
    autoScaling.on(TerminateInstanceInAutoScalingGroupCommand).rejectsOnce(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));
    const { scaler: s, name, state } = scaler();
    const request = removalRequest(name, [NODE]);
    await expect(s.handleScaleRequested(request)).rejects.toThrow('socket hang up');
    const claim = (await state.get(name)).inFlight;

    const again = await s.handleScaleRequested(request);

    expect(claim).toMatchObject({ instanceId: INSTANCE, nodeName: NODE, from: 2, to: 1 });
    expect(autoScaling.commandCalls(TerminateInstanceInAutoScalingGroupCommand)).toHaveLength(1);
    expect(again).toMatchObject({ outcome: 'scaled', from: 2, to: 1 });
    expect((await state.get(name)).inFlight).toBeUndefined();
  });
});
