import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalEventBus } from '../../../lambdas/local/emulators/local-bus';
import { LocalQueue, type QueueConsumer } from '../../../lambdas/local/emulators/local-queue';
import { journalPath, QueueJournal, replayJournal } from '../../../lambdas/local/emulators/queue-journal';
import { memoryLog } from '../../support/fakes/log';
import { createIngest } from '../../../lambdas/ingest/ingest';
import { patterns } from '../../../lambdas/shared/events';
import { alert, webhook } from '../../support/builders';

let dir: string;
const opened: QueueJournal[] = [];
const queues: LocalQueue[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'alertscale-queue-'));
});
afterEach(() => {
  queues.splice(0).forEach((q) => q.stop());
  opened.splice(0).forEach((j) => j.close());
  rmSync(dir, { recursive: true, force: true });
});

const journal = (name = 'q') => {
  const j = QueueJournal.open({ path: journalPath(dir, name) });
  opened.push(j);
  return j;
};
const queue = (options: Partial<ConstructorParameters<typeof LocalQueue>[0]> & { consumer: QueueConsumer }) => {
  const q = new LocalQueue({ name: 'q', log: memoryLog(), retryDelayMs: () => 5, ...options });
  queues.push(q);
  return q;
};
const bodies = (event: SQSEvent) => event.Records.map((r) => r.body);
const ok: QueueConsumer = async () => ({ batchItemFailures: [] });

/** A FIFO consumer as the scaler's: Powertools' FIFO processor, a failure skips the rest of its group in the batch. */
const fifoConsumer = (handle: (record: SQSRecord) => Promise<void>): QueueConsumer => (event) =>
  processPartialResponse(event, handle, new SqsFifoPartialProcessorAsync(), { skipGroupOnError: true, throwOnFullBatchFailure: false }) as Promise<SQSBatchResponse>;

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('LocalQueue with a journal', () => {
  it('has a message in its journal file when send returns', () => {
    const j = journal();
    const q = queue({ consumer: ok, journal: j });
    const id = q.send('hello');
    expect(replayJournal(readFileSync(j.path, 'utf8')).pending).toEqual([expect.objectContaining({ id, body: 'hello' })]);
  });

  it('delivers after a restart what was sent and not done before the crash, and not what was done', async () => {
    const first = queue({ consumer: ok, journal: journal() });
    first.start();
    first.send('done-before-crash');
    await first.idle();
    first.stop();
    // Sent while stopped: journaled, never delivered — as when the process dies right after the send.
    first.send('pending-at-crash');

    const delivered: string[] = [];
    const second = queue({ journal: journal(), consumer: async (event) => void delivered.push(...bodies(event)) });
    second.start();
    await second.idle();
    expect(delivered).toEqual(['pending-at-crash']);
  });

  it('keeps its dead-letter list across a restart, with the error', async () => {
    const first = queue({ journal: journal(), maxReceiveCount: 2, consumer: async () => Promise.reject(new Error('always fails')) });
    first.start();
    first.send('poison');
    await first.idle();
    first.stop();

    const second = queue({ journal: journal(), consumer: ok });
    expect(second.deadLetters).toEqual([expect.objectContaining({ queue: 'q', body: 'poison', receiveCount: 2, error: 'always fails' })]);
  });

  it('redrives a dead letter back to the consumer, and the redrive survives a restart', async () => {
    let healthy = false;
    const delivered: string[] = [];
    const first = queue({
      journal: journal(),
      maxReceiveCount: 2,
      consumer: async (event) => {
        if (!healthy) throw new Error('store down');
        delivered.push(...bodies(event));
      },
    });
    first.start();
    const id = first.send('parked');
    await first.idle();
    expect(first.deadLetters.map((d) => d.messageId)).toEqual([id]);

    first.stop();
    expect(first.redrive()).toEqual([id]);
    expect(first.deadLetters).toEqual([]);

    healthy = true;
    const second = queue({ journal: journal(), consumer: async (event) => void delivered.push(...bodies(event)) });
    expect(second.deadLetters).toEqual([]);
    second.start();
    await second.idle();
    expect(delivered).toEqual(['parked']);
  });

  it('stays as small as what is live, by compacting while it runs', async () => {
    const path = journalPath(dir, 'q');
    const j = QueueJournal.open({ path, compactAfter: 50 });
    opened.push(j);
    const q = queue({ journal: j, consumer: ok });
    q.start();
    for (let i = 0; i < 500; i++) q.send(`m${i}`);
    await q.idle();
    q.send('last');
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    // 1,001 lines without compaction; with it, a few times compactAfter at most.
    expect(lines.length).toBeLessThan(150);
    expect(replayJournal(readFileSync(path, 'utf8')).pending.map((m) => m.body)).toEqual(['last']);
  });

  it('throws from send, and queues nothing, when its journal cannot be written', () => {
    const j = journal();
    const q = queue({ consumer: ok, journal: j });
    j.close();
    expect(() => q.send('x')).toThrow(/closed/);
    expect(q.depth).toBe(0);
  });
});

describe('LocalQueue FIFO groups', () => {
  it('parks a poison message after maxReceiveCount and then delivers the rest of its group, in order', async () => {
    const processed: string[] = [];
    let parkedWhenFollowerRan: number | undefined;
    const q = queue({
      fifo: true,
      maxReceiveCount: 3,
      consumer: fifoConsumer(async (record) => {
        if (record.body === 'poison') throw new Error('poison');
        if (record.body === 'a-follower') parkedWhenFollowerRan = q.deadLetters.length;
        processed.push(record.body);
      }),
    });
    q.send('poison', 'a');
    await until(() => q.receives >= 1, 'the poison was received once');
    q.send('a-follower', 'a');
    await q.idle();
    expect(q.deadLetters.map((d) => d.body)).toEqual(['poison']);
    expect(parkedWhenFollowerRan).toBe(1);
    expect(processed).toEqual(['a-follower']);
  });

  it('does not hold back other groups while a poison message waits for its retry', async () => {
    const processed: string[] = [];
    let poisonReceivesWhenOtherRan: number | undefined;
    let poisonReceives = 0;
    const q = queue({
      fifo: true,
      maxReceiveCount: 3,
      // Long enough that the other group would have to wait for it if it were held back.
      retryDelayMs: () => 300,
      consumer: fifoConsumer(async (record) => {
        if (record.body === 'poison') {
          poisonReceives++;
          throw new Error('poison');
        }
        poisonReceivesWhenOtherRan = poisonReceives;
        processed.push(record.body);
      }),
    });
    q.send('poison', 'a');
    await until(() => poisonReceives === 1, 'the poison failed once');
    q.send('b-message', 'b');
    await until(() => processed.length === 1, 'the other group ran');
    expect(poisonReceivesWhenOtherRan).toBe(1);
    await q.idle();
  });

  it('parks followers that shared every batch with a poison message, as SQS counts their receives too', async () => {
    const q = queue({
      fifo: true,
      maxReceiveCount: 3,
      consumer: fifoConsumer(async (record) => {
        if (record.body === 'poison') throw new Error('poison');
      }),
    });
    // Sent together, so they are in the poison's first batch and every one after.
    q.send('poison', 'a');
    q.send('a-follower', 'a');
    await q.idle();
    expect(q.deadLetters.map((d) => d.body)).toEqual(['poison', 'a-follower']);
    expect(q.redrive([q.deadLetters[1]!.messageId])).toHaveLength(1);
    await q.idle();
    expect(q.deadLetters.map((d) => d.body)).toEqual(['poison']);
  });

  it('replays a FIFO group in its order after a restart', async () => {
    const first = queue({ fifo: true, journal: journal(), consumer: ok });
    for (const n of [1, 2, 3]) first.send(`a${n}`, 'a');
    first.send('b1', 'b');
    const seen: string[] = [];
    const second = queue({ fifo: true, journal: journal(), consumer: async (event) => void seen.push(...bodies(event)) });
    second.start();
    await second.idle();
    expect(seen.filter((b) => b.startsWith('a'))).toEqual(['a1', 'a2', 'a3']);
    expect(seen).toContain('b1');
  });
});

describe('ingest on a journaled queue', () => {
  it('has every event of a webhook in the journal before it answers 2xx', async () => {
    const j = journal('alerts');
    const bus = new LocalEventBus();
    // Never started: nothing is consumed, so what the journal holds is what ingest put there.
    const q = queue({ name: 'alerts', journal: j, consumer: ok });
    bus.addRule({ name: 'Alerts', pattern: patterns.notifications, target: (event) => q.send(JSON.stringify(event)) });
    const ingest = createIngest({ bus, token: async () => 't', log: memoryLog(), clock: () => new Date() });
    const alerts = Array.from({ length: 25 }, (_, i) => alert({ alertname: 'GPUQueueDepthHigh', queue: `q${i}` }));

    const response = await ingest({ headers: { authorization: 'Bearer t' }, body: JSON.stringify(webhook(alerts)) });

    expect(response.statusCode).toBe(200);
    const journaled = replayJournal(readFileSync(j.path, 'utf8')).pending.flatMap((m) => (JSON.parse(m.body) as { detail: { alerts: { labels: { queue: string } }[] } }).detail.alerts.map((a) => a.labels.queue));
    expect(journaled.sort()).toEqual(alerts.map((a) => a.labels.queue).sort());
  });

  it('answers 5xx, never 2xx or 4xx, when the journal cannot be written', async () => {
    const j = journal('alerts');
    const bus = new LocalEventBus();
    const q = queue({ name: 'alerts', journal: j, consumer: ok });
    bus.addRule({ name: 'Alerts', pattern: patterns.notifications, target: (event) => q.send(JSON.stringify(event)) });
    const ingest = createIngest({ bus, token: async () => 't', log: memoryLog(), clock: () => new Date(), publish: { sleep: async () => {} } });
    j.close();

    const response = await ingest({ headers: { authorization: 'Bearer t' }, body: JSON.stringify(webhook([alert({ alertname: 'A' })])) });

    expect(response.statusCode).toBe(503);
  });
});

describe('LocalQueue consumer switch (an event source mapping, off and on)', () => {
  it('keeps messages waiting while off, and delivers them once on again', async () => {
    const seen: string[] = [];
    const q = queue({ consumer: async (event) => (seen.push(...bodies(event)), { batchItemFailures: [] }) });
    q.start();
    q.setEnabled(false);
    q.send('held');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect([seen, q.depth, q.enabled]).toEqual([[], 1, false]);

    q.setEnabled(true);
    await q.idle();
    expect([seen, q.enabled]).toEqual([['held'], true]);
  });
});
