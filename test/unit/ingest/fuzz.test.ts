import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createIngest } from '../../../lambdas/ingest/ingest';
import { memoryLog } from '../../support/fakes/log';
import type { BusEvent, NotificationEvent } from '../../../lambdas/shared/events';
import type { EventBus, PutOutcome } from '../../../lambdas/shared/publish';
import { alert, webhook } from '../../support/builders';

const TOKEN = 'fuzz-token';
const headers = { authorization: `Bearer ${TOKEN}` };

function harness() {
  const events: BusEvent[] = [];
  const bus: EventBus = {
    putBatch: async (batch): Promise<readonly PutOutcome[]> => {
      events.push(...batch);
      return batch.map(() => ({ ok: true }) as const);
    },
  };
  const ingest = createIngest({ bus, token: async () => TOKEN, log: memoryLog(), clock: () => new Date('2026-11-20T10:00:00Z') });
  return { events, ingest };
}

/** Merely bad input is a 4xx (Alertmanager drops it), never a 5xx (it would retry it forever), and puts nothing on the bus. */
async function expectHandledAsBadOrGood(body: string | undefined, isBase64Encoded = false) {
  const { events, ingest } = harness();
  const response = await ingest({ headers, body, isBase64Encoded });
  expect([200, 400, 413]).toContain(response.statusCode);
  expect(() => JSON.parse(response.body)).not.toThrow();
  if (response.statusCode !== 200) expect(events).toEqual([]);
  return { response, events };
}

const labelName = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', ' ', 'alertname'),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.string({ minLength: 1000, maxLength: 5000 }),
);
const labelSet = fc.dictionary(labelName, fc.string({ unit: 'binary', maxLength: 50 }), { maxKeys: 8 });

describe('ingest under fuzzing', () => {
  it('answers any JSON value with 200, 400 or 413 and puts nothing of a rejected one on the bus', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 6 }), async (value) => {
        await expectHandledAsBadOrGood(JSON.stringify(value));
      }),
      { numRuns: 300 },
    );
  });

  it('answers arbitrary bytes, not UTF-8 included, without a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (bytes) => {
        await expectHandledAsBadOrGood(Buffer.from(bytes).toString('base64'), true);
      }),
      { numRuns: 300 },
    );
  });

  it('answers mutations of a valid notification without a 5xx', async () => {
    const valid = webhook([alert({ alertname: 'GPUQueueDepthHigh', nodegroup: 'gpu-a100' }), alert({ alertname: 'GPUQueueDepthHigh', nodegroup: 'gpu-h100' })]);
    const keys = ['receiver', 'status', 'alerts', 'groupLabels', 'commonLabels', 'commonAnnotations', 'externalURL', 'version', 'groupKey', 'truncatedAlerts'];
    const alertKeys = ['status', 'labels', 'annotations', 'startsAt', 'endsAt', 'generatorURL', 'fingerprint'];
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('drop' as const), key: fc.constantFrom(...keys) }),
      fc.record({ kind: fc.constant('set' as const), key: fc.constantFrom(...keys, '__proto__', 'constructor'), value: fc.jsonValue({ maxDepth: 3 }) }),
      fc.record({ kind: fc.constant('setAlert' as const), key: fc.constantFrom(...alertKeys, '__proto__'), value: fc.jsonValue({ maxDepth: 3 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (mutations) => {
        const body = JSON.parse(JSON.stringify(valid)) as Record<string, unknown> & { alerts: Record<string, unknown>[] };
        for (const m of mutations) {
          if (m.kind === 'drop') delete body[m.key];
          else if (m.kind === 'set') Object.defineProperty(body, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
          else if (Array.isArray(body.alerts) && body.alerts[0] && typeof body.alerts[0] === 'object') {
            Object.defineProperty(body.alerts[0], m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
          }
        }
        await expectHandledAsBadOrGood(JSON.stringify(body));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps hostile label names (__proto__, constructor, huge, any Unicode) exactly as sent', async () => {
    await fc.assert(
      fc.asyncProperty(labelSet, async (labels) => {
        const body = JSON.stringify(webhook([alert({}, { labels, fingerprint: 'f' })]));
        const { response, events } = await expectHandledAsBadOrGood(body);
        expect(response.statusCode).toBe(200);
        const sent = JSON.parse(body).alerts[0].labels;
        expect(Object.entries((events[0]!.detail as NotificationEvent).alerts[0]!.labels)).toEqual(Object.entries(sent));
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });

  it('refuses hostile nesting with 400 rather than failing on it', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const body = JSON.stringify(webhook([alert({ alertname: 'A' })])).replace('"version"', `"extra":${deep},"version"`);
    const { response } = await expectHandledAsBadOrGood(body);
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).error).toBe('body nests deeper than 32 levels');
  });

  it('does not let a __proto__ key in the body pollute prototypes', async () => {
    const body = JSON.stringify(webhook([alert({ alertname: 'A' })])).replace('"receiver"', '"__proto__":{"polluted":true},"receiver"');
    const { response } = await expectHandledAsBadOrGood(body);
    expect(response.statusCode).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
