import { describe, expect, it } from 'vitest';
import type { Io } from '../../../cli/io';
import { main } from '../../../cli/main';
import { memoryIo } from './memory-io';

interface Sent {
  url: string;
  method: string | undefined;
  authorization: string | undefined;
  body: unknown;
}

/** A local mode that answers every request with `status` and remembers what it was sent. */
function fakeServer(status = 200) {
  const sent: Sent[] = [];
  const fetch: Io['fetch'] = async (url, init) => {
    const headers = new Headers(init.headers);
    sent.push({ url, method: init.method, authorization: headers.get('authorization') ?? undefined, body: JSON.parse(String(init.body)) });
    return new Response(status === 200 ? '{"paused":true}' : '{"error":"no"}', { status });
  };
  return { sent, fetch };
}

/** What undici throws when nothing listens: a TypeError whose cause has the socket's code. */
const refused: Io['fetch'] = () => Promise.reject(new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }));

async function run(argv: string[], options: { env?: Record<string, string>; fetch?: Io['fetch'] } = {}) {
  const io = memoryIo(options);
  const exitCode = await main(argv, io);
  return { exitCode, stdout: io.stdout(), stderr: io.stderr() };
}

describe('alertscale pause and resume', () => {
  it('pauses the local mode on PORT with the API token', async () => {
    const server = fakeServer();
    const result = await run(['pause'], { env: { API_TOKEN: 'api', PORT: '9090' }, fetch: server.fetch });
    expect(result).toEqual({ exitCode: 0, stdout: 'scaling paused: scale actions are recorded as paused and change nothing; paging still works\n', stderr: '' });
    expect(server.sent).toEqual([{ url: 'http://127.0.0.1:9090/api/pause', method: 'PUT', authorization: 'Bearer api', body: { paused: true } }]);
  });

  it('resumes it', async () => {
    const server = fakeServer();
    const result = await run(['resume', '--url', 'http://host:1234/', '--token', 't'], { fetch: server.fetch });
    expect([result.stdout, server.sent[0]?.url, server.sent[0]?.body]).toEqual(['scaling resumed\n', 'http://host:1234/api/pause', { paused: false }]);
  });

  it.each([
    ['--token over API_TOKEN', ['--token', 'flag'], { API_TOKEN: 'api', WEBHOOK_TOKEN: 'hook' }, 'Bearer flag'],
    ['API_TOKEN over WEBHOOK_TOKEN', [], { API_TOKEN: 'api', WEBHOOK_TOKEN: 'hook' }, 'Bearer api'],
    ['WEBHOOK_TOKEN when API_TOKEN is unset, as local mode falls back', [], { WEBHOOK_TOKEN: 'hook' }, 'Bearer hook'],
  ])('takes %s', async (_what, args, env, authorization) => {
    const server = fakeServer();
    await run(['pause', ...args], { env, fetch: server.fetch });
    expect(server.sent[0]?.authorization).toBe(authorization);
  });

  it('asks for a token when it has none, with exit code 2, before calling anyone', async () => {
    const server = fakeServer();
    expect(await run(['pause'], { fetch: server.fetch })).toEqual({ exitCode: 2, stdout: '', stderr: 'no token: pass --token or set API_TOKEN\n' });
    expect(server.sent).toEqual([]);
  });

  it('says the server refused the token on a 401', async () => {
    const result = await run(['pause', '--token', 'wrong'], { fetch: fakeServer(401).fetch });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^the server refused the token \(http:\/\/127\.0\.0\.1:8080 answered 401\)/);
  });

  it('says nothing is listening, and how to start it, when the connection is refused', async () => {
    expect(await run(['pause', '--token', 't'], { fetch: refused })).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: 'nothing is listening on http://127.0.0.1:8080; start it with npm start\n',
    });
  });

  it('passes on any other answer with its status and body', async () => {
    const result = await run(['resume', '--token', 't'], { fetch: fakeServer(500).fetch });
    expect([result.exitCode, result.stderr]).toEqual([1, 'http://127.0.0.1:8080 answered 500: {"error":"no"}\n']);
  });

  it('refuses a --url that is not http, with exit code 2', async () => {
    const result = await run(['pause', '--url', 'localhost:8080', '--token', 't']);
    expect([result.exitCode, result.stderr.split('\n')[0]]).toEqual([2, 'alertscale: error: --url must be an http URL such as http://127.0.0.1:8080, got "localhost:8080"']);
  });
});
