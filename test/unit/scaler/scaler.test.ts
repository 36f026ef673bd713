import { describe, expect, it } from 'vitest';
import { LocalPauseSwitch } from '../../../lambdas/local/emulators/local-pause-switch';
import { CapacityUnavailableError, TransientScalingError } from '../../../lambdas/scaler/ports';
import { scalerConsumer } from '../../../lambdas/scaler/consumer';
import { createScaler, NodeGroupBusyError } from '../../../lambdas/scaler/scaler';
import { InMemoryNodeGroupStateStore } from '../../support/fakes/node-group-state';
import type { Config } from '../../../lambdas/shared/config/schema';
import { DetailType, type NotifyRequested, type ScaleRequested, type ScalingActionEvent } from '../../../lambdas/shared/events';
import { configWith, idsOf, memberOf, nodeGroup, noSleep, scaleRequest, sqsEvent, sqsRecord, TestClock, withDecisions } from './support/builders';
import { RecordingBus } from '../../support/fakes/bus';
import { InMemoryDecisions } from '../../support/fakes/decisions';
import { FakeNodeGroups } from '../../support/fakes/node-groups';
import { MemoryLog } from '../../support/fakes/log';

function setup(options: { config?: Config; groups?: Record<string, { desired: number; min?: number; max?: number }>; paused?: boolean } = {}) {
  const config =
    options.config ??
    configWith([
      nodeGroup({ name: 'gpu-a100', min: 1, max: 16, fallback: ['gpu-h100'] }),
      nodeGroup({ name: 'gpu-h100', min: 0, max: 8 }),
    ]);
  const nodeGroups = new FakeNodeGroups(options.groups ?? { 'gpu-a100-nodes': { desired: 2 }, 'gpu-h100-nodes': { desired: 1 } });
  const state = new InMemoryNodeGroupStateStore();
  const decisions = new InMemoryDecisions();
  const bus = new RecordingBus();
  const pause = new LocalPauseSwitch(options.paused ?? false);
  const clock = new TestClock();
  const log = new MemoryLog();
  const scaler = createScaler({ config, nodeGroups, state, decisions, bus, pause, log, clock: clock.clock, sleep: noSleep, publish: { sleep: noSleep } });
  const consume = scalerConsumer(scaler, { log });
  const scalingActions = () => bus.ofType<ScalingActionEvent>(DetailType.ScalingAction);
  const scaleRequests = () => bus.ofType<ScaleRequested>(DetailType.ScaleRequested);
  const notifies = () => bus.ofType<NotifyRequested>(DetailType.NotifyRequested);
  return { config, nodeGroups, state, decisions, bus, pause, clock, log, scaler, consume, scalingActions, scaleRequests, notifies };
}

describe('scaler: acting', () => {
  it('raises the desired capacity by the change and records the outcome on the decision', async () => {
    const { scaler, nodeGroups, decisions } = setup();
    const request = scaleRequest('gpu-a100');

    await scaler.handleScaleRequested(request);

    expect(nodeGroups.desired('gpu-a100-nodes')).toBe(4);
    expect(decisions.action(...idsOf(request))).toMatchObject({ kind: 'scale', target: 'gpu-a100', outcome: 'scaled', from: 2, to: 4 });
  });

  it('emits a Scaling Action event with from, to, reason and outcome', async () => {
    const { scaler, scalingActions } = setup();
    const request = scaleRequest('gpu-a100');

    await scaler.handleScaleRequested(request);

    expect(scalingActions()).toEqual([
      expect.objectContaining({ decisionIds: [memberOf(request).decisionId], actionId: request.actionId, nodeGroup: 'gpu-a100', asgName: 'gpu-a100-nodes', from: 2, to: 4, outcome: 'scaled', reason: expect.stringContaining('2 → 4') }),
    ]);
  });

  it('treats a redelivery of an applied request as a no-op on the group', async () => {
    const { scaler, nodeGroups, state } = setup();
    const request = scaleRequest('gpu-a100');
    await scaler.handleScaleRequested(request);
    const before = await state.get('gpu-a100');

    const again = await scaler.handleScaleRequested(request);

    expect(again).toMatchObject({ redelivered: true, outcome: 'scaled', from: 2, to: 4 });
    expect(nodeGroups.setCalls).toHaveLength(1);
    expect((await state.get('gpu-a100')).version).toBe(before.version);
  });

  it('refuses a second step inside the cooldown and records why', async () => {
    const { scaler, nodeGroups, decisions, clock } = setup();
    await scaler.handleScaleRequested(scaleRequest('gpu-a100'));
    clock.advance(299_999);
    const second = scaleRequest('gpu-a100');

    await scaler.handleScaleRequested(second);

    expect(nodeGroups.desired('gpu-a100-nodes')).toBe(4);
    expect(decisions.action(...idsOf(second))).toMatchObject({ outcome: 'cooldown', detail: expect.stringContaining('cooldown') });
  });

  it('steps again once the cooldown has passed', async () => {
    const { scaler, nodeGroups, clock } = setup();
    await scaler.handleScaleRequested(scaleRequest('gpu-a100'));
    clock.advance(300_000);

    await scaler.handleScaleRequested(scaleRequest('gpu-a100'));

    expect(nodeGroups.desired('gpu-a100-nodes')).toBe(6);
  });

  it('records a clamped step at the guardrail max', async () => {
    const { scaler, nodeGroups, decisions } = setup({ groups: { 'gpu-a100-nodes': { desired: 15 }, 'gpu-h100-nodes': { desired: 1 } } });
    const request = scaleRequest('gpu-a100');

    await scaler.handleScaleRequested(request);

    expect(nodeGroups.desired('gpu-a100-nodes')).toBe(16);
    expect(decisions.action(...idsOf(request))).toMatchObject({ outcome: 'clamped', from: 15, to: 16 });
  });
});

describe('scaler: kill switch and dry-run', () => {
  it('changes nothing while paused and records that the kill switch was on, and what it would have done', async () => {
    const { scaler, nodeGroups, decisions, scalingActions } = setup({ paused: true });
    const request = scaleRequest('gpu-a100');

    await scaler.handleScaleRequested(request);

    expect(nodeGroups.setCalls).toEqual([]);
    expect(decisions.action(...idsOf(request))).toMatchObject({ outcome: 'paused', from: 2, to: 4, detail: expect.stringContaining('kill switch') });
    expect(scalingActions()[0]).toMatchObject({ outcome: 'paused' });
  });

  it('does not start a cooldown while paused, so scaling resumes at once when unpaused', async () => {
    const { scaler, nodeGroups, pause } = setup({ paused: true });
    await scaler.handleScaleRequested(scaleRequest('gpu-a100'));
    pause.set(false);

    await scaler.handleScaleRequested(scaleRequest('gpu-a100'));

    expect(nodeGroups.desired('gpu-a100-nodes')).toBe(4);
  });

  it('under settings.dry_run records what it would do and changes nothing', async () => {
    const config = configWith([nodeGroup({ name: 'gpu-a100', min: 1, max: 16 })], { dryRun: true });
    const { scaler, nodeGroups, decisions } = setup({ config });
    const request = scaleRequest('gpu-a100');

    await scaler.handleScaleRequested(request);

    expect(nodeGroups.setCalls).toEqual([]);
    expect(decisions.action(...idsOf(request))).toMatchObject({ outcome: 'dry-run', detail: expect.stringContaining('would scale 2 → 4') });
  });

  it("under the action's dryRun records what it would do and changes nothing", async () => {
    const { scaler, nodeGroups, decisions } = setup();
    const request = scaleRequest('gpu-a100', { dryRun: true });

    await scaler.handleScaleRequested(request);

    expect(nodeGroups.setCalls).toEqual([]);
    expect(decisions.action(...idsOf(request))).toMatchObject({ outcome: 'dry-run' });
  });
});

describe('scaler: Auto Scaling failures', () => {
  it('reports a group that Auto Scaling does not know as failed, without retrying the record', async () => {
    const config = configWith([nodeGroup({ name: 'gpu-a100', asg_name: 'missing-nodes' })]);
    const { consume, decisions } = setup({ config });
    const request = scaleRequest('gpu-a100');

    const response = await consume(sqsEvent(sqsRecord(request)));

    expect(response.batchItemFailures).toEqual([]);
    expect(decisions.action(...idsOf(request))).toMatchObject({ outcome: 'failed', detail: expect.stringContaining('not found') });
  });

  it('fails the record and marks the decision failed when retries are spent, then applies the same claim once on redelivery', async () => {
    const { consume, nodeGroups, decisions } = setup();
    nodeGroups.failures.set('gpu-a100-nodes', [new TransientScalingError('ScalingActivityInProgressFault after 5 attempts')]);
    const request = scaleRequest('gpu-a100');
    const record = sqsRecord(request);

    const first = await consume(sqsEvent(record));
    const failedOutcome = decisions.action(...idsOf(request))?.outcome;
    const second = await consume(sqsEvent(record));

    expect(first.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(failedOutcome).toBe('failed');
    expect(second.batchItemFailures).toEqual([]);
    expect(nodeGroups.setCalls).toEqual([{ asgName: 'gpu-a100-nodes', desired: 4 }]);
    expect(decisions.action(...idsOf(request))).toMatchObject({ outcome: 'scaled', to: 4 });
  });

  it('holds other requests for the group while a claim is in flight, then they see its result', async () => {
    const { scaler, nodeGroups } = setup();
    nodeGroups.failures.set('gpu-a100-nodes', [new TransientScalingError('throttled')]);
    const stuck = scaleRequest('gpu-a100');
    await expect(scaler.handleScaleRequested(stuck)).rejects.toThrow('throttled');

    await expect(scaler.handleScaleRequested(scaleRequest('gpu-a100', { cooldownSeconds: 0 }))).rejects.toBeInstanceOf(NodeGroupBusyError);
    expect(nodeGroups.setCalls).toEqual([]);
  });

  it('moves an increment the API refuses for capacity to the first fallback group and backs the group off', async () => {
    const { scaler, nodeGroups, decisions, scaleRequests, state } = setup();
    nodeGroups.failures.set('gpu-a100-nodes', [new CapacityUnavailableError('gpu-a100-nodes', 'InsufficientInstanceCapacity')]);
    const request = scaleRequest('gpu-a100');

    await scaler.handleScaleRequested(request);

    expect(decisions.action(...idsOf(request))).toMatchObject({ outcome: 'fallback', from: 2, to: 2 });
    expect(scaleRequests()).toEqual([
      expect.objectContaining({
        decisionIds: [memberOf(request).decisionId],
        nodeGroup: 'gpu-h100',
        change: 2,
        fallbackFrom: 'gpu-a100',
        actionId: `${request.actionId}/fallback/gpu-h100`,
      }),
    ]);
    expect(decisions.action(memberOf(request).decisionId, `${memberOf(request).actionId}/fallback/gpu-h100`)).toMatchObject({ target: 'gpu-h100', outcome: 'requested' });
    expect((await state.get('gpu-a100')).backoffUntil).toBeGreaterThan(0);
  });
});

describe('scaler: fallback chain', () => {
  const threeGroups = () =>
    setup({
      config: configWith([
        nodeGroup({ name: 'gpu-a100', min: 1, max: 16, fallback: ['gpu-h100'] }),
        nodeGroup({ name: 'gpu-h100', min: 0, max: 8, fallback: ['gpu-l4'] }),
        nodeGroup({ name: 'gpu-l4', min: 0, max: 32 }),
      ]),
      groups: { 'gpu-a100-nodes': { desired: 2 }, 'gpu-h100-nodes': { desired: 7 }, 'gpu-l4-nodes': { desired: 0 } },
    });

  it('places what a fallback group has room for and passes the rest on, never past its max', async () => {
    const { scaler, nodeGroups, scaleRequests } = threeGroups();
    const fallback = scaleRequest('gpu-h100', { change: 3, fallbackFrom: 'gpu-a100', actionId: 'root/fallback/gpu-h100' });

    await scaler.handleScaleRequested(fallback);

    expect(nodeGroups.desired('gpu-h100-nodes')).toBe(8);
    expect(scaleRequests()[0]).toMatchObject({ nodeGroup: 'gpu-l4', change: 2, fallbackFrom: 'gpu-a100', actionId: 'root/fallback/gpu-l4' });
  });

  it('sends scale-ups of a backed-off group straight to its fallback', async () => {
    const { scaler, nodeGroups, scaleRequests, clock } = threeGroups();
    nodeGroups.failures.set('gpu-a100-nodes', [new CapacityUnavailableError('gpu-a100-nodes', 'InsufficientInstanceCapacity')]);
    await scaler.handleScaleRequested(scaleRequest('gpu-a100'));
    clock.advance(300_000);
    const later = scaleRequest('gpu-a100');

    const result = await scaler.handleScaleRequested(later);

    expect(result.outcome).toBe('backed-off');
    expect(scaleRequests().map((request) => request.actionId)).toContain(`${later.actionId}/fallback/gpu-h100`);
    expect(nodeGroups.setCalls).toEqual([]);
  });
});

describe('scaler: launch unsuccessful → fallback → fallback refused → backoff', () => {
  const launchFailure = (asgName: string) => ({
    AutoScalingGroupName: asgName,
    StatusMessage: 'We currently do not have sufficient p4d.24xlarge capacity (InsufficientInstanceCapacity)',
    ActivityId: 'a-1',
  });

  async function scaledThenFailed() {
    const context = setup({ config: configWith([nodeGroup({ name: 'gpu-a100', min: 1, max: 16, fallback: ['gpu-h100'] }), nodeGroup({ name: 'gpu-h100', min: 0, max: 8 })], { escalateAfter: 1_800_000 }) });
    const request = scaleRequest('gpu-a100');
    await context.scaler.handleScaleRequested(request);
    context.clock.advance(60_000);
    await context.scaler.handleLaunchUnsuccessful(launchFailure('gpu-a100-nodes'));
    return { ...context, request };
  }

  it('gives the failed increment back and asks the fallback group for it', async () => {
    const { nodeGroups, scaleRequests, decisions, request } = await scaledThenFailed();

    expect(nodeGroups.desired('gpu-a100-nodes')).toBe(2);
    expect(scaleRequests()[0]).toMatchObject({ nodeGroup: 'gpu-h100', change: 2, fallbackFrom: 'gpu-a100' });
    expect(decisions.action(...idsOf(request))).toMatchObject({ outcome: 'fallback', detail: expect.stringContaining('launch unsuccessful') });
  });

  it('moves an increment on only once, however many launch failures report it', async () => {
    const { scaler, scaleRequests } = await scaledThenFailed();

    await scaler.handleLaunchUnsuccessful(launchFailure('gpu-a100-nodes'));

    expect(scaleRequests()).toHaveLength(1);
  });

  it('fails and escalates once when the fallback group refuses too, and backs both off', async () => {
    const { scaler, nodeGroups, scaleRequests, notifies, decisions, state, request, clock } = await scaledThenFailed();
    nodeGroups.alwaysFail.set('gpu-h100-nodes', () => new CapacityUnavailableError('gpu-h100-nodes', 'InsufficientInstanceCapacity'));
    const fallback = scaleRequests()[0]!;

    await scaler.handleScaleRequested(fallback);
    clock.advance(60_000);
    const later = scaleRequest('gpu-a100', { actionId: `${request.actionId}-step2`, step: 2 }, { decisionId: memberOf(request).decisionId });
    await scaler.handleScaleRequested(later);

    expect(decisions.action(...idsOf(fallback))).toMatchObject({ outcome: 'failed', detail: expect.stringContaining('no fallback group left') });
    expect((await state.get('gpu-h100')).backoffUntil).toBeGreaterThan(clock.now);
    expect(decisions.action(...idsOf(later))).toMatchObject({ outcome: 'backed-off' });
    expect(notifies().map((notify) => [notify.channel, notify.reason])).toEqual([
      ['pagerduty', 'escalation'],
      ['slack', 'escalation'],
    ]);
  });

  it('only backs off a group whose failure it cannot trace to a scale-up of its own', async () => {
    const { scaler, state, scaleRequests } = setup();

    await scaler.handleLaunchUnsuccessful(launchFailure('gpu-a100-nodes'));

    expect((await state.get('gpu-a100')).backoffUntil).toBeGreaterThan(0);
    expect(scaleRequests()).toEqual([]);
  });

  it('ignores launch failures of groups it does not manage', async () => {
    const { scaler, state } = setup();

    await scaler.handleLaunchUnsuccessful(launchFailure('someone-elses-asg'));

    expect((await state.get('gpu-a100')).version).toBe(0);
  });
});

describe('scaler: escalation at the guardrail max', () => {
  function atMax() {
    const config = configWith([nodeGroup({ name: 'gpu-a100', min: 1, max: 16 })], { escalateAfter: 1_800_000 });
    return setup({ config, groups: { 'gpu-a100-nodes': { desired: 16 } } });
  }

  it('does not escalate before escalate_after has passed at the max', async () => {
    const { scaler, clock, notifies } = atMax();
    const first = scaleRequest('gpu-a100');
    await scaler.handleScaleRequested(first);
    clock.advance(1_799_999);

    await scaler.handleScaleRequested(scaleRequest('gpu-a100', { actionId: 'step-2', step: 2 }, { decisionId: memberOf(first).decisionId }));

    expect(notifies()).toEqual([]);
  });

  it('escalates once per occurrence to every channel of escalate_to', async () => {
    const { scaler, clock, notifies, decisions } = atMax();
    const first = scaleRequest('gpu-a100');
    await scaler.handleScaleRequested(first);
    clock.advance(1_800_000);
    await scaler.handleScaleRequested(scaleRequest('gpu-a100', { actionId: 'step-2', step: 2 }, { decisionId: memberOf(first).decisionId }));
    clock.advance(600_000);
    await scaler.handleScaleRequested(scaleRequest('gpu-a100', { actionId: 'step-3', step: 3 }, { decisionId: memberOf(first).decisionId }));

    const decisionId = memberOf(first).decisionId;
    expect(notifies().map((notify) => [notify.receiver, notify.channel, notify.configIndex, notify.reason, notify.alerts.map((a) => a.actionId)])).toEqual([
      ['oncall', 'pagerduty', 0, 'escalation', [`${decisionId}/escalation/pagerduty/0`]],
      ['oncall', 'slack', 0, 'escalation', [`${decisionId}/escalation/slack/0`]],
    ]);
    expect(decisions.action(decisionId, `${decisionId}/escalation/pagerduty/0`)).toMatchObject({ kind: 'notify', outcome: 'requested' });
  });

  it('does not escalate for a resolved alert', async () => {
    const { scaler, clock, notifies } = atMax();
    const first = scaleRequest('gpu-a100');
    await scaler.handleScaleRequested(first);
    clock.advance(1_800_000);

    await scaler.handleScaleRequested(
      scaleRequest('gpu-a100', { actionId: 'step-2', step: 2 }, { decisionId: memberOf(first).decisionId, alert: { ...memberOf(first).alert, status: 'resolved' } }),
    );

    expect(notifies()).toEqual([]);
  });
});

describe('scaler: the SQS FIFO consumer', () => {
  it('sends a record whose detail does not parse to the DLQ and goes on with the next group', async () => {
    const { consume, nodeGroups } = setup();
    const bad = sqsRecord({ decisionId: 'x' }, { group: 'gpu-h100' });
    const good = sqsRecord(scaleRequest('gpu-a100'), { group: 'gpu-a100' });

    const response = await consume(sqsEvent(bad, good));

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: bad.messageId }]);
    expect(nodeGroups.desired('gpu-a100-nodes')).toBe(4);
  });

  it('stops a message group at its first failure, keeping its order', async () => {
    const { consume, nodeGroups } = setup();
    nodeGroups.failures.set('gpu-a100-nodes', [new TransientScalingError('throttled')]);
    const first = sqsRecord(scaleRequest('gpu-a100'));
    const second = sqsRecord(scaleRequest('gpu-a100', { change: -1 }));

    const response = await consume(sqsEvent(first, second));

    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual([first.messageId, second.messageId]);
    expect(nodeGroups.setCalls).toEqual([]);
  });

  it('processes a group’s records in order', async () => {
    const { consume, nodeGroups } = setup();
    const up = sqsRecord(scaleRequest('gpu-a100', { set: 10, change: undefined }));
    const down = sqsRecord(scaleRequest('gpu-a100', { change: -3 }));

    await consume(sqsEvent(up, down));

    expect(nodeGroups.setCalls.map((call) => call.desired)).toEqual([10, 7]);
  });

  it('accepts launch-failure events delivered through a queue', async () => {
    const { consume, state } = setup();
    const record = sqsRecord({ AutoScalingGroupName: 'gpu-h100-nodes', StatusMessage: 'InsufficientInstanceCapacity' }, { detailType: 'EC2 Instance Launch Unsuccessful' });

    const response = await consume(sqsEvent(record));

    expect(response.batchItemFailures).toEqual([]);
    expect((await state.get('gpu-h100')).backoffUntil).toBeGreaterThan(0);
  });
});

describe('scaler: coalesced requests', () => {
  it('applies one step for a request serving ten decisions, records the shared outcome on each and emits one Scaling Action', async () => {
    const { scaler, nodeGroups, decisions, scalingActions } = setup();
    const request = withDecisions(scaleRequest('gpu-a100'), 10);

    await scaler.handleScaleRequested(request);

    expect(nodeGroups.setCalls).toEqual([{ asgName: 'gpu-a100-nodes', desired: 4 }]);
    expect(request.alerts.map((member) => decisions.action(member.decisionId, member.actionId)?.outcome)).toEqual(Array(10).fill('scaled'));
    expect(scalingActions()).toEqual([expect.objectContaining({ actionId: request.actionId, outcome: 'scaled', decisionIds: request.decisionIds })]);
  });

  it('leaves a decision another request already served with its own outcome, and acts for the others', async () => {
    const { scaler, decisions, clock } = setup();
    const first = scaleRequest('gpu-a100');
    await scaler.handleScaleRequested(first);
    clock.advance(300_000);
    // A redelivered router record coalesced with a new alert: a new request, listing the served decision again.
    const fresh = scaleRequest('gpu-a100');
    const mixed = { ...fresh, alerts: [memberOf(first), memberOf(fresh)], decisionIds: [memberOf(first).decisionId, memberOf(fresh).decisionId] };

    await scaler.handleScaleRequested(mixed);

    expect(decisions.action(...idsOf(first))).toMatchObject({ outcome: 'scaled', from: 2, to: 4 });
    expect(decisions.action(...idsOf(fresh))).toMatchObject({ outcome: 'scaled', from: 4, to: 6 });
  });

  it('reports a redelivered plain refusal again without deciding again, even once the cooldown has passed', async () => {
    const { scaler, nodeGroups, decisions, clock, scalingActions } = setup();
    await scaler.handleScaleRequested(scaleRequest('gpu-a100'));
    const refused = scaleRequest('gpu-a100');
    await scaler.handleScaleRequested(refused);
    clock.advance(300_000);

    const again = await scaler.handleScaleRequested(refused);

    expect(again).toMatchObject({ redelivered: true, outcome: 'cooldown' });
    expect(nodeGroups.setCalls).toHaveLength(1);
    expect(decisions.action(...idsOf(refused))?.outcome).toBe('cooldown');
    expect(scalingActions().filter((event) => event.actionId === refused.actionId)).toHaveLength(2);
  });
});

describe('scaler: never a late action (max_action_age)', () => {
  const tenMinutes = 600_000;
  const aged = (age: number) => {
    const context = setup({ config: configWith([nodeGroup({ name: 'gpu-a100', min: 1, max: 16 })], { maxActionAge: tenMinutes }) });
    const request = scaleRequest('gpu-a100', { requestedAt: new Date(context.clock.now - age).toISOString() });
    return { ...context, request };
  };

  it('applies a request exactly max_action_age old', async () => {
    const { scaler, nodeGroups, request } = aged(tenMinutes);

    await scaler.handleScaleRequested(request);

    expect(nodeGroups.desired('gpu-a100-nodes')).toBe(4);
  });

  it('refuses a request a millisecond older with outcome expired, changing nothing', async () => {
    const { scaler, nodeGroups, decisions, scalingActions, request } = aged(tenMinutes + 1);

    const result = await scaler.handleScaleRequested(request);

    expect(result.outcome).toBe('expired');
    expect(nodeGroups.setCalls).toEqual([]);
    expect(decisions.action(...idsOf(request))).toMatchObject({ outcome: 'expired', detail: expect.stringContaining('max_action_age') });
    expect(scalingActions()).toEqual([expect.objectContaining({ outcome: 'expired', actionId: request.actionId })]);
  });

  it('records expired on every one of the ten decisions an expired request serves', async () => {
    const { scaler, decisions, request } = aged(tenMinutes + 1);
    const ten = withDecisions(request, 10);

    await scaler.handleScaleRequested(ten);

    expect(ten.alerts.map((member) => decisions.action(member.decisionId, member.actionId)?.outcome)).toEqual(Array(10).fill('expired'));
  });

  it('records a redelivered expired request once: one expired action on the decision, the group untouched', async () => {
    const { scaler, nodeGroups, decisions, state, request } = aged(tenMinutes + 1);
    await scaler.handleScaleRequested(request);

    const again = await scaler.handleScaleRequested(request);

    expect(again).toMatchObject({ redelivered: true, outcome: 'expired' });
    expect(decisions.actionsOf(memberOf(request).decisionId).filter((action) => action.outcome === 'expired')).toHaveLength(1);
    expect(nodeGroups.setCalls).toEqual([]);
    expect((await state.get('gpu-a100')).version).toBe(0);
  });
});
