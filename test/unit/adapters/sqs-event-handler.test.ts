import type { SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { sqsEventHandler, type RecordFailure } from '../../../lambdas/adapters/sqs/event-handler';
import { MemoryLog } from '../../support/fakes/log';

const record = (messageId: string, body: unknown): SQSRecord =>
  ({ messageId, receiptHandle: messageId, body: typeof body === 'string' ? body : JSON.stringify(body), attributes: { MessageGroupId: 'g' } }) as unknown as SQSRecord;
const event = (id: string, detailType: string, detail: unknown) => ({ version: '0', id, 'detail-type': detailType, source: 'alertscale', detail });

const schemas = { 'Thing Happened': z.object({ n: z.number() }), 'Other Thing': z.object({ s: z.string() }) };

function consumer(handle: (detailType: string, detail: unknown) => Promise<void> = async () => {}, fifo = false) {
  const failures: RecordFailure[] = [];
  const seen: { detailType: string; detail: unknown; eventId: string }[] = [];
  const consume = sqsEventHandler({
    verb: 'count',
    detailTypes: schemas,
    fifo,
    log: new MemoryLog(),
    onFailure: (failure) => failures.push(failure),
    handle: async (inbound) => {
      seen.push({ detailType: inbound.detailType, detail: inbound.detail, eventId: inbound.eventId });
      await handle(inbound.detailType, inbound.detail);
    },
  });
  return { consume, failures, seen };
}

describe('sqsEventHandler: the one inbound adapter for EventBridge events via SQS', () => {
  it('routes each record by detail-type to the use case with its typed detail and event id', async () => {
    const { consume, seen } = consumer();
    const response = await consume({ Records: [record('m1', event('e1', 'Thing Happened', { n: 1 })), record('m2', event('e2', 'Other Thing', { s: 'x' }))] });
    expect(response.batchItemFailures).toEqual([]);
    expect(seen).toEqual([
      { detailType: 'Thing Happened', detail: { n: 1 }, eventId: 'e1' },
      { detailType: 'Other Thing', detail: { s: 'x' }, eventId: 'e2' },
    ]);
  });

  it('reports a poison record as a failure of that record only, and tells the failure hook its message id and reason', async () => {
    const { consume, failures, seen } = consumer();
    const response = await consume({ Records: [record('bad', '{ not json'), record('good', event('e1', 'Thing Happened', { n: 2 }))] });
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'bad' }]);
    expect(seen.map((s) => s.eventId)).toEqual(['e1']);
    expect(failures).toEqual([{ messageId: 'bad', reason: 'could not count record: message bad is not JSON', poison: true }]);
  });

  it('treats a record of a detail-type the stage does not take as poison', async () => {
    const { consume, failures } = consumer();
    const response = await consume({ Records: [record('m', event('e', 'Unheard Of', {}))] });
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm' }]);
    expect(failures[0]).toMatchObject({ poison: true, reason: expect.stringContaining('is not a "Thing Happened" or "Other Thing" event (detail-type "Unheard Of")') });
  });

  it('treats a detail that does not parse as poison, naming the field', async () => {
    const { consume, failures } = consumer();
    await consume({ Records: [record('m', event('e', 'Thing Happened', { n: 'one' }))] });
    expect(failures[0]).toMatchObject({ poison: true, reason: expect.stringMatching(/is not a valid "Thing Happened" event: n: /) });
  });

  it('fails a record whose use case throws a transient error, so SQS delivers it again, and does not call it poison', async () => {
    let calls = 0;
    const { consume, failures } = consumer(async () => {
      calls += 1;
      if (calls === 1) throw new Error('throttled');
    });
    const first = await consume({ Records: [record('m', event('e', 'Thing Happened', { n: 1 }))] });
    const again = await consume({ Records: [record('m', event('e', 'Thing Happened', { n: 1 }))] });
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'm' }]);
    expect(failures).toEqual([{ messageId: 'm', reason: 'could not count record: throttled', poison: false }]);
    expect(again.batchItemFailures).toEqual([]);
  });

  it('on a FIFO queue, fails the rest of a message group after its first failure', async () => {
    const { consume, seen } = consumer(async (_type, detail) => {
      if ((detail as { n: number }).n === 1) throw new Error('busy');
    }, true);
    const response = await consume({ Records: [record('a', event('e1', 'Thing Happened', { n: 1 })), record('b', event('e2', 'Thing Happened', { n: 2 }))] });
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['a', 'b']);
    expect(seen).toHaveLength(1);
  });

});
