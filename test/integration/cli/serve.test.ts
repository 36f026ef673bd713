import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { needBinary } from '../../support/binaries';
import { fixture } from '../../support/builders';
import { startServe, tempFile, type ServeProcess } from './run-cli';

const exec = promisify(execFile);

const notification = () => JSON.stringify(fixture('alertmanager/queue-depth-group.json'));

/** Runs `test` against a started server, and stops it (SIGTERM) whatever happens. */
async function withServe(args: string[], env: Record<string, string | undefined>, test: (serve: ServeProcess) => Promise<void>): Promise<void> {
  const serve = await startServe(args, env);
  try {
    await test(serve);
  } finally {
    await serve.stop();
  }
}

/** The lines of the banner between `from` (exclusive) and the first line not indented. */
function sectionAfter(output: string, from: RegExp): string[] {
  const lines = output.split('\n');
  const start = lines.findIndex((line) => from.test(line));
  const end = lines.findIndex((line, i) => i > start && !line.startsWith('  '));
  return lines.slice(start + 1, end === -1 ? undefined : end);
}

describe('alertscale serve', () => {
  it('is what npm start runs: accepts a notification with the right token and rejects it without', async () => {
    expect(JSON.parse(readFileSync('package.json', 'utf8')).scripts.start).toBe('node bin/alertscale.mjs serve');
    await withServe([], { WEBHOOK_TOKEN: 'example-token' }, async ({ url, output }) => {
      expect(output()).toContain(`url: ${url}/alertmanager`);
      const accepted = await fetch(`${url}/alertmanager`, { method: 'POST', headers: { authorization: 'Bearer example-token' }, body: notification() });
      expect(accepted.status).toBe(200);
      const rejected = await fetch(`${url}/alertmanager`, { method: 'POST', body: notification() });
      expect(rejected.status).toBe(401);
    });
  });

  it('prints commands that work as printed when it generated the token', async () => {
    await withServe([], { WEBHOOK_TOKEN: undefined }, async ({ output }) => {
      const commands = sectionAfter(output(), /^Try it/).filter((line) => !line.includes('alertscale pause'));
      expect(commands[0]).toMatch(/^ {2}export WEBHOOK_TOKEN=\S+$/);
      // Run in a shell without WEBHOOK_TOKEN, as a user's would be: the export must supply it.
      const { stdout } = await exec('sh', ['-c', commands.join('\n')], { env: { PATH: process.env.PATH } });
      expect(Array.isArray(JSON.parse(stdout))).toBe(true);
    });
  });

  it('never prints a token the user chose', async () => {
    await withServe([], { WEBHOOK_TOKEN: 'chosen-token-3b1e' }, async ({ output }) => {
      expect(output()).not.toContain('chosen-token-3b1e');
    });
  });

  it('records every accepted webhook to --record FILE as a JSON line of receivedAt and the body as posted', async () => {
    const file = tempFile('history.jsonl', '');
    await withServe(['--record', file], { WEBHOOK_TOKEN: 'example-token', RECORD: undefined }, async ({ url, output }) => {
      expect(output()).toContain(`  record:    ${file} (every accepted webhook`);
      const accepted = await fetch(`${url}/alertmanager`, { method: 'POST', headers: { authorization: 'Bearer example-token' }, body: notification() });
      expect(accepted.status).toBe(200);
      // Refused webhooks are not history.
      expect((await fetch(`${url}/alertmanager`, { method: 'POST', body: notification() })).status).toBe(401);
      // Written before the 2xx: the line is there as soon as the answer is.
      const lines = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
      expect(lines).toEqual([{ receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/), body: JSON.parse(notification()) }]);
    });
  });

  it('takes the recording file from RECORD when no --record is given', async () => {
    const file = tempFile('from-env.jsonl', '');
    await withServe([], { WEBHOOK_TOKEN: 'example-token', RECORD: file }, async ({ url }) => {
      await fetch(`${url}/alertmanager`, { method: 'POST', headers: { authorization: 'Bearer example-token' }, body: notification() });
      expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1);
    });
  });

  it.runIf(needBinary('amtool'))('prints an Alertmanager route and receiver that amtool check-config accepts', async () => {
    await withServe([], { WEBHOOK_TOKEN: undefined }, async ({ url, output }) => {
      const snippet = parse(sectionAfter(output(), /^Point Alertmanager at it/).map((line) => line.slice(2)).join('\n'));
      // The snippet goes into an existing file: give it the root receiver every file has.
      const file = tempFile('alertmanager.yml', stringify({ ...snippet, route: { receiver: 'alertscale', ...snippet.route } }));
      const { stdout } = await exec('amtool', ['check-config', file]);
      expect(stdout).toContain('SUCCESS');
      expect(snippet.receivers[0].webhook_configs[0]).toMatchObject({ url: `${url}/alertmanager`, send_resolved: true, max_alerts: 0 });
    });
  });

  it('stops on SIGTERM and exits 0', async () => {
    const serve = await startServe([], { WEBHOOK_TOKEN: 'example-token' });
    expect(await serve.stop()).toBe(0);
    expect(serve.output()).toMatch(/stopping\n$/);
  });
});
