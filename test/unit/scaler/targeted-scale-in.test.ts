import { describe, expect, it } from 'vitest';
import { LocalPauseSwitch } from '../../../lambdas/local/emulators/local-pause-switch';
import { createScaler } from '../../../lambdas/scaler/scaler';
import { TransientScalingError, type AsgMember } from '../../../lambdas/scaler/ports';
import { parseConfigText } from '../../../lambdas/shared/config/load';
import type { Config } from '../../../lambdas/shared/config/schema';
import { DetailType, type ScaleRequested, type ScalingActionEvent } from '../../../lambdas/shared/events';
import { RecordingBus } from '../../support/fakes/bus';
import { InMemoryDecisions } from '../../support/fakes/decisions';
import { MemoryLog } from '../../support/fakes/log';
import { InMemoryNodeGroupStateStore } from '../../support/fakes/node-group-state';
import { FakeNodeGroups, member } from '../../support/fakes/node-groups';
import { FakeNodeInstances } from '../../support/fakes/node-instances';
import { nodeGroup, noSleep, removalRequest, targetedConfigWith, TestClock } from './support/builders';

const ASG = 'gpu-a100-nodes';
const NODES: Record<string, string> = {
  'ip-10-0-1-7.ec2.internal': 'i-0a0000000000000a7',
  'ip-10-0-1-8.ec2.internal': 'i-0a0000000000000a8',
  'ip-10-0-1-9.ec2.internal': 'i-0a0000000000000a9',
};
const [NODE_7, NODE_8, NODE_9] = Object.keys(NODES) as [string, string, string];
const idOf = (node: string) => NODES[node]!;

function setup(options: { config?: Config; desired?: number; min?: number; members?: AsgMember[]; paused?: boolean } = {}) {
  const config = options.config ?? targetedConfigWith([nodeGroup({ name: 'gpu-a100', min: options.min ?? 1, max: 16 })]);
  const members = options.members ?? Object.values(NODES).map((id) => member(id));
  const nodeGroups = new FakeNodeGroups({ [ASG]: { desired: options.desired ?? members.length, members } });
  const nodeInstances = new FakeNodeInstances(Object.fromEntries(Object.entries(NODES).map(([name, id]) => [name, [id]])));
  const state = new InMemoryNodeGroupStateStore();
  const decisions = new InMemoryDecisions();
  const bus = new RecordingBus();
  const pause = new LocalPauseSwitch(options.paused ?? false);
  const clock = new TestClock();
  const log = new MemoryLog();
  const scaler = createScaler({ config, nodeGroups, instances: nodeGroups, nodeInstances, state, decisions, bus, pause, log, clock: clock.clock, sleep: noSleep, publish: { sleep: noSleep } });
  const outcomeOf = (request: ScaleRequested, index = 0) => decisions.action(request.alerts[index]!.decisionId, request.alerts[index]!.actionId);
  const scalingActions = () => bus.ofType<ScalingActionEvent>(DetailType.ScalingAction);
  return { config, nodeGroups, nodeInstances, state, decisions, pause, clock, scaler, outcomeOf, scalingActions };
}

describe('targeted scale-in: removing the node the alert names', () => {
  it('terminates exactly the named node, decrementing desired capacity by one', async () => {
    const { scaler, nodeGroups, outcomeOf } = setup();
    const request = removalRequest('gpu-a100', [NODE_8]);

    await scaler.handleScaleRequested(request);

    expect(nodeGroups.terminateCalls).toEqual([{ asgName: ASG, instanceId: idOf(NODE_8) }]);
    expect(nodeGroups.setCalls).toEqual([]);
    expect(nodeGroups.desired(ASG)).toBe(2);
    expect(outcomeOf(request)).toMatchObject({ outcome: 'scaled', from: 3, to: 2, instanceId: idOf(NODE_8), nodeName: NODE_8 });
  });

  it('says which instance went in the Scaling Action event', async () => {
    const { scaler, scalingActions } = setup();
    const request = removalRequest('gpu-a100', [NODE_7]);

    await scaler.handleScaleRequested(request);

    expect(scalingActions()).toEqual([
      expect.objectContaining({ outcome: 'scaled', from: 3, to: 2, instanceId: idOf(NODE_7), nodeName: NODE_7, decisionIds: [request.alerts[0]!.decisionId], reason: expect.stringContaining(idOf(NODE_7)) }),
    ]);
  });

  it('removes the instance an alert names by its id, without asking EC2', async () => {
    const config = targetedConfigWith([nodeGroup({ name: 'gpu-a100', min: 1, max: 16 })], { by: 'instance' });
    const { scaler, nodeGroups, nodeInstances } = setup({ config });

    await scaler.handleScaleRequested(removalRequest('gpu-a100', [{ instanceId: idOf(NODE_9) }]));

    expect(nodeGroups.terminateCalls).toEqual([{ asgName: ASG, instanceId: idOf(NODE_9) }]);
    expect(nodeInstances.lookups).toEqual([]);
  });

  it('removes each of three nodes named in one batch while there is room, and refuses the third at the lower bound', async () => {
    const { scaler, nodeGroups, outcomeOf, scalingActions } = setup({ min: 1 });
    const request = removalRequest('gpu-a100', [NODE_7, NODE_8, NODE_9]);

    await scaler.handleScaleRequested(request);

    expect(nodeGroups.terminateCalls.map((c) => c.instanceId)).toEqual([idOf(NODE_7), idOf(NODE_8)]);
    expect(nodeGroups.desired(ASG)).toBe(1);
    expect(outcomeOf(request, 0)).toMatchObject({ outcome: 'scaled', from: 3, to: 2 });
    expect(outcomeOf(request, 1)).toMatchObject({ outcome: 'scaled', from: 2, to: 1 });
    expect(outcomeOf(request, 2)).toMatchObject({ outcome: 'at-target', from: 1, to: 1, detail: `already at 1, the lower bound (guardrail min); ${idOf(NODE_9)} (node ${NODE_9}) not removed` });
    expect(scalingActions().map((a) => [a.instanceId, a.outcome])).toEqual([
      [idOf(NODE_7), 'scaled'],
      [idOf(NODE_8), 'scaled'],
      [idOf(NODE_9), 'at-target'],
    ]);
  });

  it('removes a node two alerts name once, and records the outcome on both', async () => {
    const { scaler, nodeGroups, outcomeOf } = setup();
    const request = removalRequest('gpu-a100', [NODE_7, NODE_7]);

    await scaler.handleScaleRequested(request);

    expect(nodeGroups.terminateCalls).toHaveLength(1);
    expect([outcomeOf(request, 0)?.outcome, outcomeOf(request, 1)?.outcome]).toEqual(['scaled', 'scaled']);
  });

  it('counts a request once for the rate limits, however many nodes it removes', async () => {
    const config = targetedConfigWith([nodeGroup({ name: 'gpu-a100', min: 0, max: 16, rate_limits: [{ window: 3_600_000, max_actions: 1 }] })]);
    const { scaler, nodeGroups, outcomeOf, clock } = setup({ config });
    await scaler.handleScaleRequested(removalRequest('gpu-a100', [NODE_7, NODE_8]));
    clock.advance(900_000);
    const next = removalRequest('gpu-a100', [NODE_9], { requestedAt: new Date(clock.now).toISOString() });

    await scaler.handleScaleRequested(next);

    expect(nodeGroups.terminateCalls).toHaveLength(2);
    expect(outcomeOf(next)).toMatchObject({ outcome: 'rate-limited', detail: expect.stringContaining('in the last 1h') });
  });
});

describe('targeted scale-in: refusals, each at its boundary', () => {
  it.each([
    ['not in the group', [member('i-0a0000000000000a7'), member('i-0a0000000000000a9')], `instance ${idOf(NODE_8)} (node ${NODE_8}) is not in Auto Scaling group ${ASG}; nothing removed`],
    ['still launching', [member(idOf(NODE_8), { lifecycleState: 'Pending' })], `instance ${idOf(NODE_8)} (node ${NODE_8}) is Pending, not InService; nothing removed`],
    ['on standby', [member(idOf(NODE_8), { lifecycleState: 'Standby' })], `instance ${idOf(NODE_8)} (node ${NODE_8}) is Standby, not InService; nothing removed`],
    ['already terminating', [member(idOf(NODE_8), { lifecycleState: 'Terminating:Wait' })], `instance ${idOf(NODE_8)} (node ${NODE_8}) is already terminating (Terminating:Wait); nothing removed`],
    ['protected from scale-in', [member(idOf(NODE_8), { protectedFromScaleIn: true })], `instance ${idOf(NODE_8)} (node ${NODE_8}) is protected from scale-in; nothing removed`],
  ])('refuses a node %s, with the reason on the decision', async (_what, members, reason) => {
    const { scaler, nodeGroups, outcomeOf } = setup({ members, desired: 3, min: 0 });
    const request = removalRequest('gpu-a100', [NODE_8]);

    await scaler.handleScaleRequested(request);

    expect(nodeGroups.terminateCalls).toEqual([]);
    expect(outcomeOf(request)).toMatchObject({ outcome: 'refused', detail: reason });
  });

  it('refuses a node EC2 does not know', async () => {
    const { scaler, nodeGroups, outcomeOf } = setup();
    const request = removalRequest('gpu-a100', ['ip-10-0-9-99.ec2.internal']);

    await scaler.handleScaleRequested(request);

    expect(nodeGroups.terminateCalls).toEqual([]);
    expect(outcomeOf(request)).toMatchObject({ outcome: 'refused', detail: 'no EC2 instance (not terminated) has the private DNS name ip-10-0-9-99.ec2.internal; nothing removed' });
  });

  it('refuses an alert that lacks the label, and does not fall back to letting Auto Scaling pick', async () => {
    const { scaler, nodeGroups, outcomeOf } = setup();
    const request = removalRequest('gpu-a100', [{}]);

    await scaler.handleScaleRequested(request);

    expect(nodeGroups.terminateCalls).toEqual([]);
    expect(nodeGroups.setCalls).toEqual([]);
    expect(outcomeOf(request)).toMatchObject({
      outcome: 'refused',
      detail: 'the alert has no "node" label naming the node to remove; nothing removed (a targeted scale-in never lets Auto Scaling pick another instance)',
    });
  });

  it('removes the node when one above the min, and refuses it at the min', async () => {
    const above = setup({ min: 2, desired: 3 });
    const atMin = setup({ min: 3, desired: 3 });

    await above.scaler.handleScaleRequested(removalRequest('gpu-a100', [NODE_7]));
    const refused = removalRequest('gpu-a100', [NODE_7]);
    await atMin.scaler.handleScaleRequested(refused);

    expect(above.nodeGroups.terminateCalls).toHaveLength(1);
    expect(atMin.nodeGroups.terminateCalls).toEqual([]);
    expect(atMin.outcomeOf(refused)).toMatchObject({ outcome: 'at-target', detail: expect.stringContaining('the lower bound (guardrail min)') });
  });

  it('holds the min a schedule sets while its interval holds', async () => {
    const { config } = parseConfigText(`
time_intervals: [{ name: always, time_intervals: [{ times: [{ start_time: '00:00', end_time: '24:00' }] }] }]
node_groups:
  - { name: gpu-a100, asg_name: ${ASG}, min: 1, max: 16, schedules: [{ time_intervals: [always], min: 3 }] }
route: { receiver: scale-down }
receivers:
  - name: scale-down
    scale_configs: [{ node_group_label: nodegroup, change: -1, remove_node_label: node }]
`);
    const { scaler, nodeGroups, outcomeOf } = setup({ config: { ...config, settings: { ...config.settings, max_action_age: Number.MAX_SAFE_INTEGER } }, desired: 3 });
    const request = removalRequest('gpu-a100', [NODE_7]);

    await scaler.handleScaleRequested(request);

    expect(nodeGroups.terminateCalls).toEqual([]);
    expect(outcomeOf(request)).toMatchObject({ outcome: 'at-target', detail: expect.stringContaining('schedule always min') });
  });

  it('refuses a second removal inside the scale-down cooldown, and removes at its end', async () => {
    const { scaler, nodeGroups, outcomeOf, clock } = setup({ min: 0 });
    await scaler.handleScaleRequested(removalRequest('gpu-a100', [NODE_7]));
    clock.advance(899_999);
    const early = removalRequest('gpu-a100', [NODE_8]);
    await scaler.handleScaleRequested(early);
    clock.advance(1);

    await scaler.handleScaleRequested(removalRequest('gpu-a100', [NODE_8]));

    expect(outcomeOf(early)).toMatchObject({ outcome: 'cooldown' });
    expect(nodeGroups.terminateCalls.map((c) => c.instanceId)).toEqual([idOf(NODE_7), idOf(NODE_8)]);
  });

  it('changes nothing while paused', async () => {
    const { scaler, nodeGroups, outcomeOf } = setup({ paused: true });
    const request = removalRequest('gpu-a100', [NODE_7]);

    await scaler.handleScaleRequested(request);

    expect(nodeGroups.terminateCalls).toEqual([]);
    expect(outcomeOf(request)).toMatchObject({ outcome: 'paused' });
  });

  it('under a dry run says which instance it would remove and removes none', async () => {
    const config = targetedConfigWith([nodeGroup({ name: 'gpu-a100', min: 1, max: 16 })], { dryRun: true });
    const { scaler, nodeGroups, outcomeOf } = setup({ config });
    const request = removalRequest('gpu-a100', [NODE_7]);

    await scaler.handleScaleRequested(request);

    expect(nodeGroups.terminateCalls).toEqual([]);
    expect(outcomeOf(request)).toMatchObject({ outcome: 'dry-run', detail: `dry run (settings.dry_run): would remove ${idOf(NODE_7)} (node ${NODE_7}), 3 → 2`, instanceId: idOf(NODE_7) });
  });

  it('never removes for a request older than max_action_age', async () => {
    const config = targetedConfigWith([nodeGroup({ name: 'gpu-a100', min: 1, max: 16 })], { maxActionAge: 600_000 });
    const { scaler, nodeGroups, outcomeOf, clock } = setup({ config });
    const request = removalRequest('gpu-a100', [NODE_7]);
    clock.advance(600_001);

    await scaler.handleScaleRequested(request);

    expect(nodeGroups.terminateCalls).toEqual([]);
    expect(outcomeOf(request)).toMatchObject({ outcome: 'expired' });
  });
});

describe('targeted scale-in: redeliveries', () => {
  it('does not terminate a second instance when the termination went through but its outcome was not recorded', async () => {
    const { scaler, nodeGroups, outcomeOf } = setup({ min: 0 });
    // The call reached Auto Scaling and the instance is terminating, but the answer was lost.
    nodeGroups.terminateFailures.push({ error: new TransientScalingError('socket hang up after the request was sent'), afterCall: true });
    const request = removalRequest('gpu-a100', [NODE_7]);
    await expect(scaler.handleScaleRequested(request)).rejects.toThrow('socket hang up');
    expect(outcomeOf(request)?.outcome).toBe('failed');

    const again = await scaler.handleScaleRequested(request);

    expect(nodeGroups.terminateCalls).toEqual([{ asgName: ASG, instanceId: idOf(NODE_7) }]);
    expect(nodeGroups.desired(ASG)).toBe(2);
    expect(again.outcome).toBe('scaled');
    expect(outcomeOf(request)).toMatchObject({ outcome: 'scaled', from: 3, to: 2, instanceId: idOf(NODE_7), detail: expect.stringContaining('the earlier call went through') });
  });

  it('terminates on the retry when the first call did not reach Auto Scaling', async () => {
    const { scaler, nodeGroups, outcomeOf } = setup();
    nodeGroups.terminateFailures.push({ error: new TransientScalingError('Throttling after 5 attempts'), afterCall: false });
    const request = removalRequest('gpu-a100', [NODE_7]);
    await expect(scaler.handleScaleRequested(request)).rejects.toThrow('Throttling');

    await scaler.handleScaleRequested(request);

    expect(nodeGroups.terminateCalls).toEqual([{ asgName: ASG, instanceId: idOf(NODE_7) }]);
    expect(outcomeOf(request)).toMatchObject({ outcome: 'scaled', instanceId: idOf(NODE_7) });
  });

  it('answers a redelivered request from what was recorded, removing nothing more', async () => {
    const { scaler, nodeGroups, scalingActions } = setup({ min: 0 });
    const request = removalRequest('gpu-a100', [NODE_7, NODE_8]);
    await scaler.handleScaleRequested(request);

    const again = await scaler.handleScaleRequested(request);

    expect(again.redelivered).toBe(true);
    expect(nodeGroups.terminateCalls).toHaveLength(2);
    expect(scalingActions().filter((a) => a.instanceId === idOf(NODE_7))).toHaveLength(2);
  });

  it('finishes the other nodes of a request whose first removal was retried, without repeating it', async () => {
    const { scaler, nodeGroups } = setup({ min: 0 });
    nodeGroups.terminateFailures.push({ error: new TransientScalingError('lost answer'), afterCall: true });
    const request = removalRequest('gpu-a100', [NODE_7, NODE_8]);
    await expect(scaler.handleScaleRequested(request)).rejects.toThrow('lost answer');

    await scaler.handleScaleRequested(request);

    expect(nodeGroups.terminateCalls.map((c) => c.instanceId)).toEqual([idOf(NODE_7), idOf(NODE_8)]);
    expect(nodeGroups.desired(ASG)).toBe(1);
  });
});
