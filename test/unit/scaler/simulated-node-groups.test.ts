import { describe, expect, it } from 'vitest';
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
