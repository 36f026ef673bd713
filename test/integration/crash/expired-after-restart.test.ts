import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DecisionRecord } from '../../../lambdas/shared/decisions';
import { alert, webhook } from '../../support/builders';
import { until } from '../faults/support';
import { kill, startLocalMode, type LocalModeProcess } from './local-mode-process';

const TOKEN = 'expiry-test-token';
const SCALE_QUEUE = 'alertscale-scale.fifo';
/** Short, so the test waits past it in seconds; the restart must then refuse what the crash left. */
const MAX_ACTION_AGE_MS = 2_000;

const CONFIG = `
settings: { max_action_age: 2s }
node_groups:
  - { name: gpu-a, asg_name: gpu-a-nodes, min: 0, max: 10, local: { desired: 1 } }
route:
  receiver: scale-up
receivers:
  - name: scale-up
    scale_configs: [{ node_group: gpu-a, change: 2, cooldown: 1m }]
`;

interface Consumer {
  queue: string;
  enabled: boolean;
  depth: number;
}
interface NodeGroup {
  name: string;
  desired: number;
  lastScalingAction: { outcome: string; reason: string } | null;
}

let dir: string;
const running: LocalModeProcess[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'alertscale-expiry-'));
  writeFileSync(join(dir, 'alertscale.yml'), CONFIG);
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((local) => kill(local)));
  rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<LocalModeProcess> {
  const local = await startLocalMode({ dataDir: join(dir, 'data'), configPath: join(dir, 'alertscale.yml'), token: TOKEN });
  running.push(local);
  return local;
}

async function put(local: LocalModeProcess, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${local.url}${path}`, { method: 'PUT', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`PUT ${path} answered ${response.status}: ${await response.text()}`);
}

describe('local mode restarted after max_action_age', () => {
  it('never applies the scale-up the crash left queued: the group stays as it was and the decision says expired', { timeout: 120_000 }, async () => {
    const first = await start();
    // The scaler's consumer off, as an event source mapping switched off: the request waits in the
    // scale queue's journal, so the kill below lands exactly between the router and the scaler.
    await put(first, '/api/consumers', { queue: SCALE_QUEUE, enabled: false });
    expect(await first.post(webhook([alert({ alertname: 'GPUQueueDepthHigh' })]))).toBe(200);
    await until(async () => (await first.get<Consumer[]>('/api/consumers')).find((c) => c.queue === SCALE_QUEUE)?.depth === 1, 'the scale request to be queued');
    expect((await first.get<NodeGroup[]>('/api/node-groups'))[0]!.desired).toBe(1);
    await kill(first, 'SIGKILL');

    await new Promise((resolve) => setTimeout(resolve, MAX_ACTION_AGE_MS + 500));

    // The consumer is on again after a restart; the journal hands it the request, now too old.
    const second = await start();
    const settled = async () => {
      const [decision] = await second.decisions();
      return decision?.actions.some((a) => a.outcome === 'expired') ? decision : undefined;
    };
    await until(async () => (await settled()) !== undefined, 'the queued request to be refused as expired');
    const decision = (await settled()) as DecisionRecord;
    expect(decision.actions).toEqual([expect.objectContaining({ kind: 'scale', target: 'gpu-a', outcome: 'expired', detail: expect.stringContaining('older than max_action_age (2s)') })]);
    const [group] = await second.get<NodeGroup[]>('/api/node-groups');
    // A refusal leaves the group's state as it was: no scaling action, the size it had.
    expect(group).toMatchObject({ name: 'gpu-a', desired: 1, lastScalingAction: null });
    expect((await second.get<Consumer[]>('/api/consumers')).find((c) => c.queue === SCALE_QUEUE)).toEqual({ queue: SCALE_QUEUE, enabled: true, depth: 0 });
  });
});
