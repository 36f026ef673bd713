import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LifecycleActionGoneError } from '../../../lambdas/drain/ports';
import type { EventEnvelope } from '../../../lambdas/local/emulators/local-bus';
import { SimulatedNodeGroups } from '../../../lambdas/local/emulators/simulated-node-groups';
import { CapacityUnavailableError, isCapacityFailure, NodeGroupNotFoundError } from '../../../lambdas/scaler/ports';
import { nodeGroup, TestClock } from './support/builders';

function simulation(clock = new TestClock()) {
  return new SimulatedNodeGroups(
    [
      nodeGroup({ name: 'gpu-a100', min: 1, max: 16, local: { desired: 2, boot_delay: 60_000, refuse_capacity: false } }),
      nodeGroup({ name: 'gpu-h100', min: 0, max: 8, local: { desired: 1, boot_delay: 0, refuse_capacity: true } }),
    ],
    clock.clock,
  );
}

describe('SimulatedNodeGroups', () => {
  it('starts each group at local.desired', async () => {
    await expect(simulation().describe('gpu-a100-nodes')).resolves.toMatchObject({ desired: 2, max: 16 });
  });

  it('brings new nodes up after the boot delay', async () => {
    const clock = new TestClock();
    const groups = simulation(clock);
    await groups.setDesired('gpu-a100-nodes', 4);
    const booting = groups.snapshot().find((group) => group.nodeGroup === 'gpu-a100');
    clock.advance(60_000);
    const booted = groups.snapshot().find((group) => group.nodeGroup === 'gpu-a100');

    expect([booting?.ready, booted?.ready]).toEqual([2, 4]);
  });

  it('refuses capacity the way Auto Scaling reports it when configured to', async () => {
    const error = await simulation().setDesired('gpu-h100-nodes', 3).catch((caught: Error) => caught);

    expect(error).toBeInstanceOf(CapacityUnavailableError);
    expect(isCapacityFailure(error as Error)).toBe(true);
  });

  it('can be told to refuse capacity at run time', async () => {
    const groups = simulation();
    groups.setRefuseCapacity('gpu-a100', true);

    await expect(groups.setDesired('gpu-a100-nodes', 3)).rejects.toBeInstanceOf(CapacityUnavailableError);
  });

  it('still scales a refusing group down', async () => {
    const groups = simulation();
    await groups.setDesired('gpu-h100-nodes', 0);

    await expect(groups.describe('gpu-h100-nodes')).resolves.toMatchObject({ desired: 0 });
  });

  it('does not know groups outside the config', async () => {
    await expect(simulation().describe('other')).rejects.toBeInstanceOf(NodeGroupNotFoundError);
  });
});

describe('SimulatedNodeGroups: instances', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  function drained(clock = new TestClock(), path?: string) {
    const events: EventEnvelope[] = [];
    const groups = new SimulatedNodeGroups(
      [
        nodeGroup({ name: 'gpu-a100', min: 1, max: 16, local: { desired: 3, boot_delay: 0, refuse_capacity: false }, drain: { receiver: 'cp', timeout: 60_000 } }),
        nodeGroup({ name: 'gpu-l4', min: 0, max: 8, local: { desired: 2, boot_delay: 0, refuse_capacity: false } }),
      ],
      clock.clock,
      { publish: (event) => events.push(event), path },
    );
    const ids = (name: string) => groups.snapshot().find((g) => g.nodeGroup === name)!.instances.map((i) => i.id);
    const states = (name: string) => groups.snapshot().find((g) => g.nodeGroup === name)!.instances.map((i) => i.lifecycleState);
    return { groups, events, ids, states, clock };
  }

  it('names instances as EC2 and EKS do, the same on every run', () => {
    const first = drained().groups.snapshot()[0]!.instances;
    const again = drained().groups.snapshot()[0]!.instances;

    expect(first.map((i) => i.id)).toEqual(again.map((i) => i.id));
    expect(first.every((i) => /^i-[0-9a-f]{17}$/.test(i.id) && /^ip-10-\d+-\d+-\d+\.ec2\.internal$/.test(i.name))).toBe(true);
    expect(new Set(first.map((i) => i.id)).size).toBe(3);
  });

  it('adds instances on a scale-up and removes the newest on an untargeted scale-in', async () => {
    const { groups, ids } = drained();
    const before = ids('gpu-l4');
    await groups.setDesired('gpu-l4-nodes', 3);
    const added = ids('gpu-l4')[2]!;
    await groups.setDesired('gpu-l4-nodes', 2);

    expect(ids('gpu-l4')).toEqual(before);
    expect(before).not.toContain(added);
  });

  it('terminates the named instance and lowers the desired capacity', async () => {
    const { groups, ids } = drained();
    const [first, second] = ids('gpu-l4');

    await groups.terminate('gpu-l4-nodes', first!);

    expect(ids('gpu-l4')).toEqual([second]);
    await expect(groups.describe('gpu-l4-nodes')).resolves.toMatchObject({ desired: 1 });
  });

  it('resolves node names to instances and back', async () => {
    const { groups } = drained();
    const [instance] = groups.snapshot()[0]!.instances;

    await expect(groups.instanceIdsOf(instance!.name)).resolves.toEqual([instance!.id]);
    await expect(groups.nodeNameOf(instance!.id)).resolves.toBe(instance!.name);
  });

  it('holds a terminating instance of a drained group in Terminating:Wait and tells of its lifecycle action', async () => {
    const { groups, ids, states, events } = drained();
    const victim = ids('gpu-a100')[0]!;

    await groups.terminate('gpu-a100-nodes', victim);

    expect(states('gpu-a100')).toEqual(['Terminating:Wait', 'InService', 'InService']);
    await expect(groups.describe('gpu-a100-nodes')).resolves.toMatchObject({ desired: 2 });
    expect(events.map((e) => [e.source, e['detail-type'], (e.detail as { EC2InstanceId: string }).EC2InstanceId])).toEqual([['aws.autoscaling', 'EC2 Instance-terminate Lifecycle Action', victim]]);
  });

  it('lets the instance go once its lifecycle action is completed, and only with its token', async () => {
    const { groups, ids, events } = drained();
    const victim = ids('gpu-a100')[0]!;
    await groups.terminate('gpu-a100-nodes', victim);
    const token = (events[0]!.detail as { LifecycleActionToken: string }).LifecycleActionToken;
    const action = { asgName: 'gpu-a100-nodes', hookName: 'alertscale-drain', instanceId: victim };

    await expect(groups.complete({ ...action, token: 'not-the-token' })).rejects.toBeInstanceOf(LifecycleActionGoneError);
    await groups.complete({ ...action, token });

    expect(ids('gpu-a100')).not.toContain(victim);
    expect(events.map((e) => e['detail-type'])).toEqual(['EC2 Instance-terminate Lifecycle Action', 'EC2 Instance Terminate Successful']);
  });

  it('lets the instance go when its heartbeat times out, not a moment before', async () => {
    const { groups, ids, clock } = drained();
    const victim = ids('gpu-a100')[0]!;
    await groups.terminate('gpu-a100-nodes', victim);
    clock.advance(59_999);
    groups.expireLifecycleActions();
    const waiting = ids('gpu-a100');
    clock.advance(1);
    groups.expireLifecycleActions();

    expect(waiting).toContain(victim);
    expect(ids('gpu-a100')).not.toContain(victim);
  });

  it('keeps its instances, waiting ones included, in the data directory across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alertscale-sim-'));
    dirs.push(dir);
    const path = join(dir, 'node-groups.json');
    const clock = new TestClock();
    const first = drained(clock, path);
    await first.groups.setDesired('gpu-l4-nodes', 4);
    await first.groups.terminate('gpu-a100-nodes', first.ids('gpu-a100')[1]!);

    const second = drained(clock, path);

    expect(second.groups.snapshot()).toEqual(first.groups.snapshot());
  });
});
