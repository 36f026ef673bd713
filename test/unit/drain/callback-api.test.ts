import { describe, expect, it } from 'vitest';
import { createDrainCallbackApi } from '../../../lambdas/drain/callback-api';
import { DrainConflictError, DrainNotFoundError, type DrainConfirm } from '../../../lambdas/drain/drain-confirm';
import { MemoryLog } from '../../support/fakes/log';

const TOKEN = 'drain-callback-token-2c9e';
const body = JSON.stringify({ drainId: 'drain-1', instanceId: 'i-0a0000000000000a7' });

/** The API over a confirmation that answers as `outcome` says. */
function api(outcome: () => Promise<unknown>, options: { token?: string | undefined } = { token: TOKEN }) {
  const drains = { confirm: outcome } as DrainConfirm;
  return createDrainCallbackApi({ token: async () => options.token, drains, log: new MemoryLog() });
}

const post = (call: ReturnType<typeof api>, fields: { body?: string; authorization?: string; method?: string; path?: string } = {}) =>
  call({ method: fields.method ?? 'POST', path: fields.path ?? '/api/drain/complete', headers: { authorization: fields.authorization ?? `Bearer ${TOKEN}` }, body: fields.body ?? body });

describe('POST /api/drain/complete', () => {
  it('answers 200 with the result of a confirmation', async () => {
    const response = await post(api(async () => ({ drainId: 'drain-1', instanceId: 'i-0a0000000000000a7', result: 'confirmed', completedAt: 't' })));

    expect(response?.statusCode).toBe(200);
    expect(JSON.parse(response!.body)).toMatchObject({ result: 'confirmed' });
  });

  it.each([
    ['without the token', { authorization: 'Bearer wrong' }, 401, 'invalid token'],
    ['without a JSON body', { body: 'drain it' }, 400, 'body is not JSON'],
    ['without an instance id', { body: JSON.stringify({ drainId: 'drain-1' }) }, 400, 'instanceId: '],
  ])('refuses a request %s', async (_what, fields, status, error) => {
    const response = await post(api(async () => ({})), fields);

    expect(response?.statusCode).toBe(status);
    expect(JSON.parse(response!.body).error).toContain(error);
  });

  it('refuses every confirmation while no API token is configured', async () => {
    expect((await post(api(async () => ({}), {})))?.statusCode).toBe(401);
  });

  it.each([
    [new DrainNotFoundError('no drain was requested for instance i-1'), 404],
    [new DrainConflictError('the drain of instance i-1 has ended'), 409],
  ])('answers %s with %i and its message', async (error, status) => {
    const response = await post(
      api(async () => {
        throw error;
      }),
    );

    expect(response?.statusCode).toBe(status);
    expect(JSON.parse(response!.body)).toEqual({ error: error.message });
  });

  it('answers 503, not the details, when the confirmation could not be done now', async () => {
    const response = await post(
      api(async () => {
        throw new Error('Rate exceeded for arn:aws:autoscaling:secret-ish');
      }),
    );

    expect(response?.statusCode).toBe(503);
    expect(response!.body).not.toContain('arn:aws');
  });

  it('refuses other methods, and leaves other paths to others', async () => {
    const call = api(async () => ({}));

    expect((await post(call, { method: 'GET' }))?.statusCode).toBe(405);
    expect(await post(call, { path: '/api/decisions' })).toBeUndefined();
  });
});
