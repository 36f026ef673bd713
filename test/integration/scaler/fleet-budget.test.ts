import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoFleetLedger } from '../../../lambdas/adapters/dynamodb/fleet-ledger';
import { DynamoNodeGroupStateStore } from '../../../lambdas/adapters/dynamodb/node-group-state-store';
import { localTableDefinition } from '../../../lambdas/adapters/dynamodb/table';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../../lambdas/local/emulators/dynalite';
import { LocalPauseSwitch } from '../../../lambdas/local/emulators/local-pause-switch';
import { createScaler } from '../../../lambdas/scaler/scaler';
import { parseConfigText } from '../../../lambdas/shared/config/load';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { RecordingBus } from '../../support/fakes/bus';
import { InMemoryDecisions } from '../../support/fakes/decisions';
import { MemoryLog } from '../../support/fakes/log';
import { FakeNodeGroups } from '../../support/fakes/node-groups';
import { scaleRequest } from '../../unit/scaler/support/builders';

let dynamo: EmbeddedDynamo;
beforeAll(async () => {
  dynamo = await startEmbeddedDynamo({ tableName: 'fleet-budget-tests' });
});
afterAll(async () => {
  await dynamo.stop();
});

/** Auto Scaling with the latency of a real call, so the three scalers overlap between reading and writing. */
class SlowNodeGroups extends FakeNodeGroups {
  override async describe(asgName: string) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return super.describe(asgName);
  }
  override async setDesired(asgName: string, desired: number) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return super.setDesired(asgName, desired);
  }
}

const CONFIG = `
settings: { budget: { max_nodes: 7 } }
node_groups:
  - { name: gpu-a, asg_name: gpu-a-nodes, min: 0, max: 10 }
  - { name: gpu-b, asg_name: gpu-b-nodes, min: 0, max: 10 }
  - { name: gpu-c, asg_name: gpu-c-nodes, min: 0, max: 10 }
route: { receiver: up }
receivers:
  - { name: up, scale_configs: [{ node_group_label: nodegroup, change: 1, cooldown: 0s }] }
`;

describe('the fleet budget under concurrent scaling of different groups', () => {
  it('never lets three groups scaling up at the same moment take more than the one node left', { timeout: 60_000 }, async () => {
    const table = `fleet-${Date.now()}`;
    await dynamo.client.send(new CreateTableCommand(localTableDefinition(table)));
    const { config } = parseConfigText(CONFIG);
    const nodeGroups = new SlowNodeGroups({ 'gpu-a-nodes': { desired: 2 }, 'gpu-b-nodes': { desired: 2 }, 'gpu-c-nodes': { desired: 2 } });
    // Three scalers, as three Lambda invocations: one per node group's FIFO message group, sharing the table.
    const scalers = ['gpu-a', 'gpu-b', 'gpu-c'].map(() =>
      createScaler({
        config,
        nodeGroups,
        state: new DynamoNodeGroupStateStore(dynamo.client, table),
        fleet: new DynamoFleetLedger(dynamo.client, table),
        decisions: new InMemoryDecisions(),
        bus: new RecordingBus(),
        pause: new LocalPauseSwitch(),
        log: new MemoryLog(),
      }),
    );

    const results = await Promise.all(['gpu-a', 'gpu-b', 'gpu-c'].map((group, i) => scalers[i]!.handleScaleRequested(scaleRequest(group, { change: 1, cooldownSeconds: 0, requestedAt: new Date().toISOString() }))));

    const total = ['gpu-a-nodes', 'gpu-b-nodes', 'gpu-c-nodes'].reduce((sum, asg) => sum + nodeGroups.desired(asg)!, 0);
    expect(total).toBe(7);
    expect(results.filter((r) => r.outcome === 'scaled')).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'at-target').map((r) => r.reason)).toEqual([expect.stringContaining('fleet budget max_nodes 7'), expect.stringContaining('fleet budget max_nodes 7')]);
    expect((await new DynamoFleetLedger(dynamo.client, table).get()).groups).toEqual({ 'gpu-a': nodeGroups.desired('gpu-a-nodes'), 'gpu-b': nodeGroups.desired('gpu-b-nodes'), 'gpu-c': nodeGroups.desired('gpu-c-nodes') });
  });
});
