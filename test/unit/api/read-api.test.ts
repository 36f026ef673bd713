import { describe, expect, it } from 'vitest';
import { createReadApi, type ReadApiDeps } from '../../../lambdas/api/read-api';
import { memoryLog } from '../../support/fakes/log';
import type { DecisionRecord } from '../../../lambdas/shared/decisions';

const TOKEN = 'read-token';
const decision = (n: number): DecisionRecord => ({
  decisionId: `d${n}`,
  fingerprint: 'f',
  startsAt: '2026-11-20T10:00:00Z',
  status: 'firing',
  labels: { n: String(n) },
  receivers: ['r'],
  actions: [],
  step: 1,
  createdAt: `2026-11-20T10:00:0${n}Z`,
  updatedAt: `2026-11-20T10:00:0${n}Z`,
  expiresAt: 0,
});

function api(overrides: Partial<ReadApiDeps> = {}) {
  const asked: number[] = [];
  const read = createReadApi({
    token: async () => TOKEN,
    listDecisions: async (limit) => {
      asked.push(limit);
      return [decision(2), decision(1)].slice(0, limit);
    },
    nodeGroups: async () => [{ name: 'gpu-a100', desired: 2, min: 1, max: 16, lastScalingAction: null }],
    log: memoryLog(),
    ...overrides,
  });
  return { read, asked };
}

const get = (path: string, query = '', authorization = `Bearer ${TOKEN}`) => ({
  method: 'GET',
  path,
  query: new URLSearchParams(query),
  headers: { authorization },
});

describe('the read API behind the API token', () => {
  it('serves decisions with the default limit of 100', async () => {
    const { read, asked } = api();
    const response = await read(get('/api/decisions'));
    expect(response?.statusCode).toBe(200);
    expect(JSON.parse(response!.body).map((d: DecisionRecord) => d.decisionId)).toEqual(['d2', 'd1']);
    expect(asked).toEqual([100]);
  });

  it('passes the limit through, up to 10,000', async () => {
    const { read, asked } = api();
    await read(get('/api/decisions', 'limit=10000'));
    expect(asked).toEqual([10_000]);
  });

  it.each(['0', '10001', '2.5', 'ten'])('refuses limit=%s with 400', async (limit) => {
    const { read, asked } = api();
    const response = await read(get('/api/decisions', `limit=${limit}`));
    expect(response?.statusCode).toBe(400);
    expect(JSON.parse(response!.body).error).toBe('limit must be an integer from 1 to 10000');
    expect(asked).toEqual([]);
  });

  it('serves the node groups', async () => {
    const response = await api().read(get('/api/node-groups'));
    expect(JSON.parse(response!.body)).toEqual([{ name: 'gpu-a100', desired: 2, min: 1, max: 16, lastScalingAction: null }]);
  });

  it('refuses a wrong token with 401 and reads nothing', async () => {
    const { read, asked } = api();
    const response = await read(get('/api/decisions', '', 'Bearer wrong'));
    expect(response?.statusCode).toBe(401);
    expect(asked).toEqual([]);
  });

  it('refuses every read when no token is configured', async () => {
    const response = await api({ token: async () => undefined }).read(get('/api/node-groups', '', 'Bearer '));
    expect(response?.statusCode).toBe(401);
  });

  it('answers a generic 500 and logs the cause when a read fails', async () => {
    const log = memoryLog();
    const response = await api({ log, listDecisions: async () => Promise.reject(new Error('table gone')) }).read(get('/api/decisions'));
    expect(response).toMatchObject({ statusCode: 500, body: JSON.stringify({ error: 'internal error' }, null, 2) });
    expect(log.lines.join('\n')).toContain('table gone');
  });

  it('leaves any other path to the caller', async () => {
    expect(await api().read(get('/api/other'))).toBeUndefined();
    expect(await api().read({ ...get('/api/decisions'), method: 'POST' })).toBeUndefined();
  });
});
