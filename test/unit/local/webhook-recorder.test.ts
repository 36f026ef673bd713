import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WebhookRecorder, WebhookRecordingError } from '../../../lambdas/local/webhook-recorder';
import { memoryLog } from '../../support/fakes/log';

const dir = () => mkdtempSync(join(tmpdir(), 'alertscale-recorder-'));
const accepted = (n: number) => ({ receivedAt: new Date(Date.UTC(2026, 10, 20, 10, 0, n)).toISOString(), body: { version: '4', n }, notificationId: `id-${n}` });
const linesOf = (path: string) => readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { receivedAt: string; body: { n: number } });

describe('WebhookRecorder', () => {
  it('appends one JSON line per webhook: receivedAt and the body as posted, nothing else', () => {
    const path = join(dir(), 'nested', 'history.jsonl');
    const recorder = WebhookRecorder.open({ path, log: memoryLog() });
    recorder.record(accepted(1));
    recorder.record(accepted(2));
    recorder.close();
    expect(linesOf(path)).toEqual([
      { receivedAt: '2026-11-20T10:00:01.000Z', body: { version: '4', n: 1 } },
      { receivedAt: '2026-11-20T10:00:02.000Z', body: { version: '4', n: 2 } },
    ]);
  });

  it('appends to a recording that exists, so a restart keeps the history', () => {
    const path = join(dir(), 'history.jsonl');
    writeFileSync(path, `${JSON.stringify({ receivedAt: '2026-11-20T09:00:00.000Z', body: { n: 0 } })}\n`);
    const recorder = WebhookRecorder.open({ path, log: memoryLog() });
    recorder.record(accepted(1));
    recorder.close();
    expect(linesOf(path).map((line) => line.body.n)).toEqual([0, 1]);
  });

  it('rotates past maxBytes to FILE.1, FILE.2, keeps `keep` rotated files, and warns each time', () => {
    const folder = dir();
    const path = join(folder, 'history.jsonl');
    const log = memoryLog();
    const lineBytes = Buffer.byteLength(`${JSON.stringify({ receivedAt: accepted(1).receivedAt, body: accepted(1).body })}\n`);
    // Two lines fit in a file, a third rotates it.
    const recorder = WebhookRecorder.open({ path, log, maxBytes: 2 * lineBytes, keep: 2 });
    for (let n = 1; n <= 9; n++) recorder.record(accepted(n));
    recorder.close();

    expect(readdirSync(folder).sort()).toEqual(['history.jsonl', 'history.jsonl.1', 'history.jsonl.2']);
    expect(linesOf(path).map((line) => line.body.n)).toEqual([9]);
    expect(linesOf(`${path}.1`).map((line) => line.body.n)).toEqual([7, 8]);
    expect(linesOf(`${path}.2`).map((line) => line.body.n)).toEqual([5, 6]);
    const warnings = log.entries.filter((entry) => entry.level === 'warn');
    expect(warnings).toHaveLength(4);
    expect(warnings[0]!.message).toContain(`rotated to ${path}.1, keeping 2 rotated file(s)`);
  });

  it('says which file it cannot open', () => {
    // A directory where a file is: no permission trick, which root would not notice.
    const file = join(dir(), 'not-a-directory');
    writeFileSync(file, '');
    const path = join(file, 'history.jsonl');
    expect(() => WebhookRecorder.open({ path, log: memoryLog() })).toThrow(WebhookRecordingError);
    expect(() => WebhookRecorder.open({ path, log: memoryLog() })).toThrow(`cannot open the recording ${path}: `);
  });

  it.runIf(existsSync('/dev/full'))('logs a failed write once and never throws: the webhook it records was accepted already', () => {
    const log = memoryLog();
    // Linux's /dev/full answers every write with ENOSPC: a full disk, without filling one.
    const recorder = WebhookRecorder.open({ path: '/dev/full', log });
    expect(() => recorder.record(accepted(1))).not.toThrow();
    expect(() => recorder.record(accepted(2))).not.toThrow();
    recorder.close();
    const errors = log.entries.filter((entry) => entry.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.extra).toMatchObject({ path: '/dev/full', error: expect.stringContaining('ENOSPC'), notificationId: 'id-1' });
  });
});
