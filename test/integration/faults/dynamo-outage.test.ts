import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localTableDefinition } from '../../../lambdas/adapters/dynamodb/table';
import type { EmbeddedDynamo } from '../../../lambdas/local/emulators/dynalite';
import { actedScaleTargets, countableConfig, fakePagerduty, postAsReplicas, startInProcess, storm, until, type FakePagerduty, type InProcessLocalMode } from './support';

/** dynalite on a fixed loopback port over LevelDB, which the test can stop and start again like a crashed store. */
interface StoppableDynamo {
  readonly dynamo: EmbeddedDynamo;
  outage(): Promise<void>;
  restore(): Promise<void>;
}

async function startStoppableDynamo(path: string): Promise<StoppableDynamo> {
  const { default: dynalite } = await import('dynalite');
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }) as Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 3 });
  await client.send(new CreateTableCommand(localTableDefinition('alertscale')));
  let up = true;
  const close = () =>
    new Promise<void>((resolve, reject) => {
      up = false;
      server.close((error?: Error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
  return {
    dynamo: {
      client,
      endpoint: `http://127.0.0.1:${port}`,
      tableName: 'alertscale',
      stop: async () => {
        client.destroy();
        if (up) await close();
      },
    },
    outage: close,
    // dynalite reopens its LevelDB when it listens again after a close.
    restore: () =>
      new Promise<void>((resolve) => {
        server.listen(port, '127.0.0.1', () => {
          up = true;
          resolve();
        });
      }),
  };
}

let dir: string;
let pagerduty: FakePagerduty;
let local: InProcessLocalMode | undefined;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alertscale-outage-'));
  pagerduty = await fakePagerduty();
});
afterEach(async () => {
  await local?.stop();
  local = undefined;
  await pagerduty.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the embedded DynamoDB stopped mid-run', () => {
  it('keeps answering webhooks 2xx (never 4xx), parks the work it cannot do, and does all of it once after the store is back and the DLQ is redriven', { timeout: 120_000 }, async () => {
    const store = await startStoppableDynamo(join(dir, 'dynamo'));
    local = await startInProcess({ config: countableConfig(pagerduty.url), dataDir: join(dir, 'data'), dynamo: store.dynamo });
    const before = storm(4, 10, 'before');
    const during = storm(6, 10, 'during');
    expect(await postAsReplicas(local, before.notifications)).toEqual(Array(8).fill(200));
    await local.settled(before.occurrences);

    await store.outage();
    // Local mode's ingest needs only the journaled queues, not DynamoDB: acknowledged, and kept.
    const statuses = await postAsReplicas(local, during.notifications);
    expect(statuses).toEqual(Array(12).fill(200));
    // Meanwhile the API that does read DynamoDB answers 5xx, which no client takes for a refusal.
    const read = await fetch(`${local.server.url}/api/decisions`, { headers: { authorization: 'Bearer fault-suite-token' } });
    expect(read.status).toBe(500);
    // Every delivery of every notification (one record each) was retried five times over a few seconds and parked, with why.
    const parked = await until(async () => {
      const letters = await local!.deadLetters();
      return letters.length === during.notifications.length * 2 ? letters : undefined;
    }, 'every notification delivered during the outage to be parked in the DLQ');
    expect(new Set(parked.map((l) => l.queue))).toEqual(new Set(['alertscale-alerts']));
    expect(parked[0]).toMatchObject({ receiveCount: 5, error: expect.stringMatching(/could not route record/) });

    await store.restore();
    expect(await local.redrive({ queue: 'alertscale-alerts' })).toMatchObject({ redriven: during.notifications.length * 2 });
    await local.settled([...before.occurrences, ...during.occurrences]);

    const decisions = await local.decisions();
    expect(decisions.map((d) => d.decisionId).sort()).toEqual([...before.occurrences, ...during.occurrences].map((o) => o.decisionId).sort());
    expect(actedScaleTargets(decisions)).toEqual(['gpu-a', 'gpu-b']);
    expect(await local.deadLetters()).toEqual([]);
  });
});
