import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { journalLines, journalPath, QueueJournal, QueueJournalError, replayJournal } from '../../../lambdas/local/emulators/queue-journal';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'alertscale-journal-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const lines = (...records: object[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

describe('replayJournal', () => {
  it('keeps sent messages that were neither done nor parked, in send order', () => {
    const state = replayJournal(
      lines(
        { op: 'send', id: 'a', body: 'A', sentAt: 1 },
        { op: 'send', id: 'b', body: 'B', group: 'g', sentAt: 2 },
        { op: 'send', id: 'c', body: 'C', sentAt: 3 },
        { op: 'done', id: 'a' },
      ),
    );
    expect(state.pending.map((m) => m.id)).toEqual(['b', 'c']);
    expect(state.pending[0]).toMatchObject({ body: 'B', groupId: 'g', sentAt: 2 });
    expect(state.deadLetters).toEqual([]);
  });

  it('keeps parked messages on the dead-letter list with their error', () => {
    const state = replayJournal(lines({ op: 'send', id: 'p', body: 'P', sentAt: 1 }, { op: 'dlq', id: 'p', receiveCount: 5, error: 'boom', at: '2026-01-01T00:00:00.000Z' }));
    expect(state.pending).toEqual([]);
    expect(state.deadLetters).toEqual([{ id: 'p', body: 'P', groupId: undefined, sentAt: 1, receiveCount: 5, error: 'boom', at: '2026-01-01T00:00:00.000Z' }]);
  });

  it('puts a redriven message back at the end of the pending messages', () => {
    const state = replayJournal(
      lines(
        { op: 'send', id: 'p', body: 'P', sentAt: 1 },
        { op: 'send', id: 'q', body: 'Q', sentAt: 2 },
        { op: 'dlq', id: 'p', receiveCount: 5, error: 'boom', at: 'x' },
        { op: 'redrive', id: 'p' },
      ),
    );
    expect(state.pending.map((m) => m.id)).toEqual(['q', 'p']);
    expect(state.deadLetters).toEqual([]);
  });

  it('skips a torn last line, the only thing a crash mid-write can leave', () => {
    const text = lines({ op: 'send', id: 'a', body: 'A', sentAt: 1 }) + '{"op":"send","id":"b","bo';
    const state = replayJournal(text);
    expect(state.pending.map((m) => m.id)).toEqual(['a']);
    expect(state.skippedLines).toBe(1);
  });

  it('reads back exactly the state journalLines wrote', () => {
    const state = {
      pending: [{ id: 'a', body: '{"x":"line\\nbreak"}', groupId: 'g', sentAt: 5 }],
      deadLetters: [{ id: 'd', body: 'D', groupId: undefined, sentAt: 6, receiveCount: 5, error: 'e', at: 't' }],
    };
    const { skippedLines, ...replayed } = replayJournal(journalLines(state));
    expect(skippedLines).toBe(0);
    expect(replayed).toEqual(state);
  });
});

describe('QueueJournal', () => {
  it('creates the queues directory and an empty journal on first open', () => {
    const path = journalPath(dir, 'q1');
    const journal = QueueJournal.open({ path });
    journal.close();
    expect(path).toBe(join(dir, 'queues', 'q1.jsonl'));
    expect(readFileSync(path, 'utf8')).toBe('');
    expect(journal.recovered).toEqual({ pending: [], deadLetters: [] });
  });

  it('has a record on disk as soon as append returns', () => {
    const path = journalPath(dir, 'q1');
    const journal = QueueJournal.open({ path });
    journal.append({ op: 'send', id: 'a', body: 'A', sentAt: 1 });
    // Read by another descriptor before close: the write went to the OS, not to a buffer of ours.
    expect(replayJournal(readFileSync(path, 'utf8')).pending.map((m) => m.id)).toEqual(['a']);
    journal.close();
  });

  it('recovers on reopen what was pending, and compacts the file to only that', () => {
    const path = journalPath(dir, 'q1');
    const first = QueueJournal.open({ path });
    for (const id of ['a', 'b', 'c']) first.append({ op: 'send', id, body: id.toUpperCase(), sentAt: 1 });
    first.append({ op: 'done', id: 'a' });
    first.append({ op: 'done', id: 'c' });
    // No close: a SIGKILL closes nothing.
    const second = QueueJournal.open({ path });
    second.close();
    expect(second.recovered.pending.map((m) => m.id)).toEqual(['b']);
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('drops a torn tail on open, so records appended afterwards are readable', () => {
    const path = journalPath(dir, 'q1');
    QueueJournal.open({ path }).close();
    writeFileSync(path, lines({ op: 'send', id: 'a', body: 'A', sentAt: 1 }) + '{"op":"se');
    const journal = QueueJournal.open({ path });
    journal.append({ op: 'send', id: 'b', body: 'B', sentAt: 2 });
    journal.close();
    const state = replayJournal(readFileSync(path, 'utf8'));
    expect(state.pending.map((m) => m.id)).toEqual(['a', 'b']);
    expect(state.skippedLines).toBe(0);
  });

  it('compacts to the given live state and keeps appending after it', () => {
    const path = journalPath(dir, 'q1');
    const journal = QueueJournal.open({ path, compactAfter: 2 });
    journal.append({ op: 'send', id: 'a', body: 'A', sentAt: 1 });
    expect(journal.shouldCompact(1)).toBe(false);
    journal.append({ op: 'send', id: 'b', body: 'B', sentAt: 1 });
    expect(journal.shouldCompact(0)).toBe(true);
    journal.compact({ pending: [{ id: 'b', body: 'B', sentAt: 1 }], deadLetters: [] });
    journal.append({ op: 'send', id: 'c', body: 'C', sentAt: 2 });
    journal.close();
    expect(replayJournal(readFileSync(path, 'utf8')).pending.map((m) => m.id)).toEqual(['b', 'c']);
    expect(existsSync(`${path}.compacting`)).toBe(false);
  });

  it('refuses to append once closed', () => {
    const journal = QueueJournal.open({ path: journalPath(dir, 'q1') });
    journal.close();
    expect(() => journal.append({ op: 'done', id: 'a' })).toThrow(QueueJournalError);
  });

  it('names the file when it cannot be opened', () => {
    const blocker = join(dir, 'not-a-dir');
    appendFileSync(blocker, 'x');
    expect(() => QueueJournal.open({ path: join(blocker, 'queues', 'q.jsonl') })).toThrow(/cannot open the queue journal .*not-a-dir/);
  });
});
