import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLog } from '../../support/fakes/log';
import { LocalStartError, startLocalServer, type LocalServer } from '../../../lambdas/local/http-server';
import { startLocalPipeline, type LocalPipeline } from '../../../lambdas/local/pipeline';
import { controlRoutes } from '../../../lambdas/local/control-routes';
import { loadConfig } from '../../../lambdas/shared/config/load';
import { alert, fixture, webhook } from '../../support/builders';

const TOKEN = 'http-test-token';
let pipeline: LocalPipeline;
let server: LocalServer;

beforeAll(async () => {
  pipeline = await startLocalPipeline({ config: loadConfig('config/alertscale.yml').config, token: TOKEN, log: () => memoryLog() });
  server = await startLocalServer({ pipeline, token: TOKEN, log: memoryLog(), port: 0, maxBodyBytes: 64 * 1024, routes: controlRoutes(pipeline) });
});
afterAll(async () => {
  await server.close();
  await pipeline.stop();
});

const post = (body: string, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) =>
  fetch(`${server.url}/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
const get = (path: string, token = TOKEN) => fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

describe('local mode over HTTP', () => {
  it('answers GET /healthz with 200 without a token', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
  });

  it('accepts an Alertmanager notification with the right token', async () => {
    const response = await post(JSON.stringify(fixture('alertmanager/queue-depth-group.json')));
    expect(response.status).toBe(200);
    expect((await response.json()) as object).toMatchObject({ accepted: 3 });
  });

  it('rejects the same notification without the token', async () => {
    const response = await post(JSON.stringify(fixture('alertmanager/queue-depth-group.json')), {});
    expect(response.status).toBe(401);
  });

  it('answers 413 for a body over the limit without reading it whole', async () => {
    const response = await post(JSON.stringify(webhook([alert({ alertname: 'A', blob: 'x'.repeat(100 * 1024) })])));
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: string }).error).toMatch(/limit is 65536/);
  });

  it('serves decisions newest first, one per occurrence, behind the token', async () => {
    await post(JSON.stringify(webhook([alert({ alertname: 'GPUQueueDepthHigh', nodegroup: 'gpu-l4', queue: 'newest' }, { startsAt: '2026-11-21T00:00:00Z' })])));
    await pipeline.idle();
    const response = await get('/api/decisions?limit=2');
    expect(response.status).toBe(200);
    const decisions = (await response.json()) as { labels: Record<string, string>; actions: object[] }[];
    expect(decisions).toHaveLength(2);
    expect(decisions[0]?.labels.queue).toBe('newest');
    expect(decisions[0]).toMatchObject({ status: 'firing', receivers: ['scale-up', 'quiet'] });
    expect(decisions[0]?.actions[0]).toMatchObject({ kind: 'scale', target: 'gpu-l4' });
  });

  it('refuses the API without the token', async () => {
    expect((await get('/api/decisions', 'wrong')).status).toBe(401);
  });

  it('refuses a limit outside 1..10000 with 400', async () => {
    expect((await get('/api/decisions?limit=10001')).status).toBe(400);
    expect((await get('/api/decisions?limit=abc')).status).toBe(400);
  });

  it('answers 404 for a path it does not serve', async () => {
    expect((await get('/api/nothing')).status).toBe(404);
  });

  it('says which port is in use instead of a stack trace', async () => {
    const attempt = startLocalServer({ pipeline, token: TOKEN, log: memoryLog(), port: server.port });
    await expect(attempt).rejects.toThrow(LocalStartError);
    await expect(attempt).rejects.toThrow(`port ${server.port} on 127.0.0.1 is already in use; stop what holds it or start with PORT=<another port>`);
  });
});

const exec = promisify(execFile);

describe('the kill switch, flipped from the CLI', () => {
  const cli = (command: 'pause' | 'resume') => exec('node', ['bin/alertscale.mjs', command, '--url', server.url], { env: { ...process.env, WEBHOOK_TOKEN: TOKEN } });
  const desired = async (name: string) =>
    ((await (await get('/api/node-groups')).json()) as { name: string; desired: number }[]).find((g) => g.name === name)?.desired;

  it('records scale actions as paused and changes nothing while on, and scales again once resumed', async () => {
    const before = await desired('gpu-h100');
    const { stdout } = await cli('pause');
    expect(stdout).toContain('scaling paused');
    expect(await (await get('/api/pause')).json()).toEqual({ paused: true });

    await post(JSON.stringify(webhook([alert({ alertname: 'GPUQueueDepthHigh', nodegroup: 'gpu-h100', queue: 'paused-0' }, { startsAt: '2026-11-21T01:00:00Z' })])));
    await pipeline.idle();
    const decisions = (await (await get('/api/decisions?limit=1000')).json()) as { labels: Record<string, string>; actions: { outcome: string; kind: string }[] }[];
    expect(decisions.find((d) => d.labels.queue === 'paused-0')?.actions.find((a) => a.kind === 'scale')?.outcome).toBe('paused');
    expect(await desired('gpu-h100')).toBe(before);

    await cli('resume');
    await post(JSON.stringify(webhook([alert({ alertname: 'GPUQueueDepthHigh', nodegroup: 'gpu-h100', queue: 'resumed-0' }, { startsAt: '2026-11-21T02:00:00Z' })])));
    await pipeline.idle();
    expect(await desired('gpu-h100')).toBe(before! + 2);
  });

  it('refuses a pause request without the token', async () => {
    const response = await fetch(`${server.url}/api/pause`, { method: 'PUT', body: JSON.stringify({ paused: true }) });
    expect(response.status).toBe(401);
    expect(await (await get('/api/pause')).json()).toEqual({ paused: false });
  });
});
