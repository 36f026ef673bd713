import { describe, expect, it } from 'vitest';
import { LocalPauseSwitch } from '../../../lambdas/local/emulators/local-pause-switch';
import { guardrailsNow, scheduledBounds } from '../../../lambdas/scaler/guardrails';
import { nodeGroupsView } from '../../../lambdas/scaler/node-groups-view';
import { createScaler } from '../../../lambdas/scaler/scaler';
import { parseConfigText } from '../../../lambdas/shared/config/load';
import type { Config } from '../../../lambdas/shared/config/schema';
import { indexTimeIntervals } from '../../../lambdas/shared/time/intervals';
import { RecordingBus } from '../../support/fakes/bus';
import { InMemoryDecisions } from '../../support/fakes/decisions';
import { InMemoryFleetLedger } from '../../support/fakes/fleet-ledger';
import { MemoryLog } from '../../support/fakes/log';
import { InMemoryNodeGroupStateStore } from '../../support/fakes/node-group-state';
import { FakeNodeGroups } from '../../support/fakes/node-groups';
import { idsOf, noSleep, scaleRequest } from './support/builders';

/** Business hours in Berlin, weekdays 09:00-18:00: at least 4 nodes then, and no more than 6 at night. */
const CONFIG = `
settings: { max_action_age: 365d }
time_intervals:
  - name: business-hours
    time_intervals: [{ weekdays: ['monday:friday'], times: [{ start_time: '09:00', end_time: '18:00' }], location: Europe/Berlin }]
  - name: night
    time_intervals: [{ times: [{ start_time: '22:00', end_time: '24:00' }, { start_time: '00:00', end_time: '06:00' }], location: Europe/Berlin }]
node_groups:
  - name: gpu-a100
    asg_name: gpu-a100-nodes
    min: 1
    max: 16
    hourly_cost: 32
    schedules:
      - { time_intervals: [business-hours], min: 4 }
      - { time_intervals: [night], max: 6 }
route: { receiver: scale-up }
receivers:
  - name: scale-up
    scale_configs: [{ node_group: gpu-a100, change: 2, cooldown: 0s }]
`;

// Monday 2025-03-03: Berlin is UTC+1.
const MONDAY_09_00_BERLIN = Date.parse('2025-03-03T08:00:00Z');

function setup(yaml = CONFIG, desired: Record<string, number> = { 'gpu-a100-nodes': 2 }, now = MONDAY_09_00_BERLIN) {
  const { config } = parseConfigText(yaml);
  const nodeGroups = new FakeNodeGroups(Object.fromEntries(Object.entries(desired).map(([asg, d]) => [asg, { desired: d }])));
  const decisions = new InMemoryDecisions();
  const clock = { now };
  const scaler = createScaler({
    config,
    nodeGroups,
    state: new InMemoryNodeGroupStateStore(),
    fleet: new InMemoryFleetLedger(),
    decisions,
    bus: new RecordingBus(),
    pause: new LocalPauseSwitch(),
    log: new MemoryLog(),
    clock: () => new Date(clock.now),
    sleep: noSleep,
  });
  return { config, nodeGroups, decisions, scaler, clock };
}

const bounds = (config: Config, at: number) => scheduledBounds(config.node_groups[0]!, indexTimeIntervals(config.time_intervals), new Date(at));

describe('schedules: guardrails that change with the time of day', () => {
  const { config } = parseConfigText(CONFIG);

  it('raise the min from the first minute of business hours', () => {
    expect(bounds(config, MONDAY_09_00_BERLIN)).toMatchObject({ min: 4, max: 16, schedule: 'schedule business-hours', minSource: 'schedule business-hours min' });
  });

  it('are not in force the minute before, nor at the end of business hours (the end is excluded)', () => {
    expect(bounds(config, MONDAY_09_00_BERLIN - 60_000)).toMatchObject({ min: 1, max: 16 });
    expect(bounds(config, MONDAY_09_00_BERLIN - 60_000).schedule).toBeUndefined();
    expect(bounds(config, Date.parse('2025-03-03T17:00:00Z'))).toMatchObject({ min: 1, max: 16 });
  });

  it('lower the max at night, and the first schedule that holds wins', () => {
    expect(bounds(config, Date.parse('2025-03-03T21:00:00Z'))).toMatchObject({ min: 1, max: 6, maxSource: 'schedule night max' });
  });

  it('bring a group a schedule left below its min up to it on the next scale-up, naming the schedule', async () => {
    const { scaler, nodeGroups, decisions } = setup(CONFIG, { 'gpu-a100-nodes': 1 });
    const request = scaleRequest('gpu-a100', { change: 1, cooldownSeconds: 0, requestedAt: new Date(MONDAY_09_00_BERLIN).toISOString() });

    await scaler.handleScaleRequested(request);

    expect(nodeGroups.desired('gpu-a100-nodes')).toBe(4);
    expect(decisions.action(...idsOf(request))).toMatchObject({ outcome: 'clamped', detail: expect.stringContaining('schedule business-hours min') });
  });

  it('clamp a step at a schedule\u2019s max and say which schedule', async () => {
    const night = Date.parse('2025-03-03T23:00:00Z');
    const { scaler, nodeGroups, decisions } = setup(CONFIG, { 'gpu-a100-nodes': 5 }, night);
    const request = scaleRequest('gpu-a100', { cooldownSeconds: 0, requestedAt: new Date(night).toISOString() });

    await scaler.handleScaleRequested(request);

    expect(nodeGroups.desired('gpu-a100-nodes')).toBe(6);
    expect(decisions.action(...idsOf(request))?.detail).toContain('upper bound 6 (schedule night max)');
  });
});

describe('budgets: in nodes and in money', () => {
  const withBudgets = (fleet: string, group: string) =>
    CONFIG.replace('settings: { max_action_age: 365d }', `settings: { max_action_age: 365d${fleet ? `, budget: ${fleet}` : ''} }`).replace('    hourly_cost: 32\n', `    hourly_cost: 32\n${group ? `    budget: ${group}\n` : ''}`);

  // Before business hours: no schedule in force, so the budget alone bounds the group.
  const EARLY = MONDAY_09_00_BERLIN - 3_600_000;

  it('clamp a step to what the node group budget fits, naming the budget', async () => {
    const { scaler, nodeGroups, decisions } = setup(withBudgets('', '{ max_hourly_cost: 100 }'), { 'gpu-a100-nodes': 2 }, EARLY);
    const request = scaleRequest('gpu-a100', { cooldownSeconds: 0, requestedAt: new Date(EARLY).toISOString() });

    await scaler.handleScaleRequested(request);

    // 100 per hour buys three nodes at 32.
    expect(nodeGroups.desired('gpu-a100-nodes')).toBe(3);
    expect(decisions.action(...idsOf(request))).toMatchObject({ outcome: 'clamped', detail: expect.stringContaining('node group budget max_hourly_cost 100') });
  });

  it('count the other groups against the fleet budget and refuse what does not fit', () => {
    const yaml = withBudgets('{ max_nodes: 10 }', '').replace('route:', '  - { name: gpu-l4, asg_name: gpu-l4-nodes, min: 0, max: 32, hourly_cost: 1 }\nroute:');
    const { config } = parseConfigText(yaml);
    const rails = guardrailsNow(config, config.node_groups[0]!, indexTimeIntervals(config.time_intervals), new Date(MONDAY_09_00_BERLIN), { version: 3, groups: { 'gpu-a100': 2, 'gpu-l4': 7 } });
    expect(rails).toMatchObject({ max: 3, maxSource: 'fleet budget max_nodes 10, 7 in use by other groups' });
  });

  it('refuse a step the fleet has no room for as at-target, with the budget as the reason', async () => {
    const yaml = withBudgets('{ max_nodes: 9 }', '').replace('route:', '  - { name: gpu-l4, asg_name: gpu-l4-nodes, min: 0, max: 32, hourly_cost: 1 }\nroute:');
    const { scaler, nodeGroups, decisions } = setup(yaml, { 'gpu-a100-nodes': 4, 'gpu-l4-nodes': 5 }, EARLY);
    const request = scaleRequest('gpu-a100', { cooldownSeconds: 0, requestedAt: new Date(EARLY).toISOString() });

    await scaler.handleScaleRequested(request);

    expect(nodeGroups.desired('gpu-a100-nodes')).toBe(4);
    expect(decisions.action(...idsOf(request))).toMatchObject({ outcome: 'at-target', detail: expect.stringContaining('fleet budget max_nodes 9') });
  });
});

describe('GET /api/node-groups: bounds now and budgets', () => {
  it('shows the schedule in force, the group and fleet budgets in use and left', async () => {
    const yaml = CONFIG.replace('settings: { max_action_age: 365d }', 'settings: { max_action_age: 365d, budget: { max_nodes: 10, max_hourly_cost: 200 } }').replace('    hourly_cost: 32\n', '    hourly_cost: 32\n    budget: { max_nodes: 5 }\n');
    const { config } = parseConfigText(yaml);
    const nodeGroups = new FakeNodeGroups({ 'gpu-a100-nodes': { desired: 3 } });

    const [view] = await nodeGroupsView(config, new InMemoryNodeGroupStateStore(), nodeGroups, () => new Date(MONDAY_09_00_BERLIN));

    expect(view).toMatchObject({
      name: 'gpu-a100',
      desired: 3,
      min: 4,
      max: 16,
      schedule: 'schedule business-hours',
      budget: { maxNodes: 5, nodes: 3, nodesLeft: 2, hourlyCost: 96 },
      fleetBudget: { maxNodes: 10, nodesLeft: 7, maxHourlyCost: 200, hourlyCost: 96, hourlyCostLeft: 104 },
    });
  });
});
