import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertscale, startServe, type ServeProcess } from './run-cli';

const TOKEN = 'pause-cli-token';

/** A port nothing listens on: one the system just handed out and took back. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// No token of the test runner's own leaks into the commands: each test says which it passes.
const noTokens = { API_TOKEN: undefined, WEBHOOK_TOKEN: undefined };

describe('alertscale pause and resume against a running local mode', () => {
  let serve: ServeProcess;
  beforeAll(async () => {
    serve = await startServe([], { WEBHOOK_TOKEN: TOKEN });
  });
  afterAll(async () => {
    await serve?.stop();
  });

  const paused = async () => ((await (await fetch(`${serve.url}/api/pause`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { paused: boolean }).paused;

  it('pauses with WEBHOOK_TOKEN when API_TOKEN is unset, and resumes with --token', async () => {
    const pause = await alertscale(['pause', '--url', serve.url], { ...noTokens, WEBHOOK_TOKEN: TOKEN });
    expect(pause).toEqual({ code: 0, stdout: 'scaling paused: scale actions are recorded as paused and change nothing; paging still works\n', stderr: '' });
    expect(await paused()).toBe(true);
    const resume = await alertscale(['resume', '--url', serve.url, '--token', TOKEN], noTokens);
    expect(resume).toEqual({ code: 0, stdout: 'scaling resumed\n', stderr: '' });
    expect(await paused()).toBe(false);
  });

  it('finds the server on PORT and takes API_TOKEN', async () => {
    const port = new URL(serve.url).port;
    expect((await alertscale(['pause'], { ...noTokens, PORT: port, API_TOKEN: TOKEN })).code).toBe(0);
    expect((await alertscale(['resume'], { ...noTokens, PORT: port, API_TOKEN: TOKEN })).code).toBe(0);
  });

  it('says the server refused a wrong token, and exits 1', async () => {
    const result = await alertscale(['pause', '--url', serve.url, '--token', 'wrong'], noTokens);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^the server refused the token \(http:\/\/127\.0\.0\.1:\d+ answered 401\)/);
    expect(await paused()).toBe(false);
  });
});

describe('alertscale pause without a server or a token', () => {
  it('says nothing is listening and how to start it, without a stack trace, and exits 1', async () => {
    const port = await freePort();
    const result = await alertscale(['pause', '--token', 't'], { ...noTokens, PORT: String(port) });
    expect(result).toEqual({ code: 1, stdout: '', stderr: `nothing is listening on http://127.0.0.1:${port}; start it with npm start\n` });
  });

  it('asks for a token when none is given, and exits 2', async () => {
    expect(await alertscale(['resume'], noTokens)).toEqual({ code: 2, stdout: '', stderr: 'no token: pass --token or set API_TOKEN\n' });
  });
});
