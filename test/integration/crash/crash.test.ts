import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { replayJournal } from '../../../lambdas/local/emulators/queue-journal';
import type { DeadLetter } from '../../../lambdas/local/emulators/local-queue';
import { countableConfig, fakePagerduty, inParallel, storm, unsettled, until, type FakePagerduty, type Occurrence } from '../faults/support';
import { kill, startLocalMode, type LocalModeProcess } from './local-mode-process';

const TOKEN = 'crash-test-token';

let dir: string;
let pagerduty: FakePagerduty;
const running: LocalModeProcess[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alertscale-crash-'));
  pagerduty = await fakePagerduty();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((local) => kill(local)));
  await pagerduty.close();
  rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<LocalModeProcess> {
  const configPath = join(dir, 'alertscale.yml');
  if (!existsSync(configPath)) writeFileSync(configPath, countableConfig(pagerduty.url));
  const local = await startLocalMode({ dataDir: join(dir, 'data'), configPath, token: TOKEN });
  running.push(local);
  return local;
}

/** Messages the queue journals under the data directory still hold (not done, not parked). */
function journaledPending(): number {
  const queuesDir = join(dir, 'data', 'queues');
  return readdirSync(queuesDir)
    .filter((name) => name.endsWith('.jsonl'))
    .reduce((sum, name) => sum + replayJournal(readFileSync(join(queuesDir, name), 'utf8')).pending.length, 0);
}

const settledFor = (local: LocalModeProcess, occurrences: readonly Occurrence[]) => async () => {
  const problem = unsettled(await local.decisions(), occurrences);
  if (problem) throw new Error(problem);
  return true;
};

describe('local mode killed with SIGKILL mid-storm', () => {
  it('resumes acknowledged work after a restart, and ends with exactly one decision and one outcome per planned action', { timeout: 180_000 }, async () => {
    // 300 alerts in 30 group notifications, each sent by two Alertmanager replicas.
    const { notifications, occurrences } = storm(30, 10, 'crash');
    const deliveries = notifications.flatMap((_, index) => [index, index]);
    const first = await start();

    // The storm, killed once a third of it is acknowledged (more requests are in flight then).
    const acknowledged = new Set<number>();
    const statuses: number[] = [];
    let killed = false;
    await inParallel(deliveries, 8, async (index) => {
      if (killed) return;
      let status: number;
      try {
        status = await first.post(notifications[index]!);
      } catch {
        return; // the connection died with the process: not acknowledged, Alertmanager will retry it
      }
      statuses.push(status);
      if (status >= 200 && status < 300) acknowledged.add(index);
      if (!killed && statuses.length >= deliveries.length / 3) {
        killed = true;
        first.child.kill('SIGKILL');
      }
    });
    await first.exited;
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(acknowledged.size).toBeLessThan(notifications.length);
    // The crash caught work in the queues: otherwise this test would prove nothing about resuming it.
    expect(journaledPending()).toBeGreaterThan(0);

    // Restarted on the same directory, with no retry yet: everything acknowledged before the crash gets done.
    const second = await start();
    const acknowledgedOccurrences = [...acknowledged].flatMap((index) => occurrences.slice(index * 10, index * 10 + 10));
    await until(settledFor(second, acknowledgedOccurrences), 'every acknowledged occurrence to be decided and acted on after the restart');

    // Alertmanager's retries: it re-sends every group (both replicas), those it never got a 2xx for and the others.
    const retried: number[] = [];
    await inParallel(deliveries, 8, async (index) => void retried.push(await second.post(notifications[index]!)));
    expect(retried.every((status) => status === 200)).toBe(true);
    await until(settledFor(second, occurrences), 'every occurrence to be decided and acted on');

    const decisions = await second.decisions();
    // Exactly one decision per occurrence, and none besides.
    expect(decisions.map((d) => d.decisionId).sort()).toEqual(occurrences.map((o) => o.decisionId).sort());
    // One hour of cooldown: each node group scaled exactly once; every other request was refused, not acted on twice.
    const acted = decisions.flatMap((d) => d.actions).filter((a) => a.kind === 'scale' && (a.outcome === 'scaled' || a.outcome === 'clamped'));
    // The decisions one request served share its outcome: one step per group is one distinct from → to.
    expect([...new Set(acted.map((a) => `${a.target}:${a.from}→${a.to}`))].sort()).toEqual(['gpu-a:1→2', 'gpu-b:1→2']);
    // Pages are at least once at the edge: a page sent just before the kill, before its delivery record was written, may go again.
    expect(new Set(pagerduty.dedupKeys)).toEqual(new Set(occurrences.map((o) => o.dedupKey)));
    expect(await second.get<DeadLetter[]>('/api/dlq')).toEqual([]);
  });
});
