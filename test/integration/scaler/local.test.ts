import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../../lambdas/local/emulators/dynalite';
import { localScaler, nodeGroupsView } from '../../../lambdas/scaler/local';
import { DetailType, type ScaleRequested } from '../../../lambdas/shared/events';
import { configWith, nodeGroup, scaleRequest, TestClock } from '../../unit/scaler/support/builders';
import { RecordingBus } from '../../support/fakes/bus';
import { InMemoryDecisions } from '../../support/fakes/decisions';
import { MemoryLog } from '../../support/fakes/log';

let dynamo: EmbeddedDynamo;
beforeAll(async () => {
  dynamo = await startEmbeddedDynamo({ tableName: 'alertscale-local-scaler' });
});
afterAll(async () => {
  await dynamo?.stop();
});

function local() {
  const config = configWith([
    nodeGroup({ name: 'gpu-a100', asg_name: 'gpu-a100-nodes', min: 1, max: 16, fallback: ['gpu-h100'], local: { desired: 2, boot_delay: 0, refuse_capacity: true } }),
    nodeGroup({ name: 'gpu-h100', asg_name: 'gpu-h100-nodes', min: 0, max: 8, local: { desired: 1, boot_delay: 0, refuse_capacity: false } }),
  ]);
  const bus = new RecordingBus();
  const clock = new TestClock();
  const wired = localScaler({ config, dynamodb: dynamo.client, tableName: dynamo.tableName, decisions: new InMemoryDecisions(), bus, log: new MemoryLog(), clock: clock.clock });
  return { ...wired, config, bus, clock };
}

describe('local mode scaler', () => {
  it('shows a refused scale-up moving to the fallback group in GET /api/node-groups', async () => {
    const { scaler, nodeGroups, state, config, bus, clock } = local();
    const request = scaleRequest('gpu-a100');
    await scaler.handleScaleRequested(request);
    const forwarded = bus.ofType<ScaleRequested>(DetailType.ScaleRequested)[0]!;
    await scaler.handleScaleRequested(forwarded);

    const view = await nodeGroupsView(config, state, nodeGroups, clock.clock);

    expect(view).toEqual([
      expect.objectContaining({ name: 'gpu-a100', desired: 2, min: 1, max: 16, lastScalingAction: expect.objectContaining({ outcome: 'fallback' }), backoffUntil: expect.any(String) }),
      expect.objectContaining({ name: 'gpu-h100', desired: 3, min: 0, max: 8, lastScalingAction: expect.objectContaining({ outcome: 'scaled', from: 1, to: 3 }) }),
    ]);
  });

  it('changes nothing while the local kill switch is on', async () => {
    const { scaler, nodeGroups, pause } = local();
    pause.set(true);

    const result = await scaler.handleScaleRequested(scaleRequest('gpu-h100'));

    expect(result.outcome).toBe('paused');
    expect(nodeGroups.snapshot().find((group) => group.nodeGroup === 'gpu-h100')?.desired).toBe(1);
  });
});
