import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlRoutes } from '../../../lambdas/local/control-routes';
import { startLocalServer, type LocalServer } from '../../../lambdas/local/http-server';
import { startLocalPipeline, type LocalPipeline } from '../../../lambdas/local/pipeline';
import { signatureHeaders } from '../../../lambdas/notifier/channels/webhook';
import { parseConfigText } from '../../../lambdas/shared/config/load';
import { DetailType, type DrainCompleted } from '../../../lambdas/shared/events';
import { eventually } from '../../support/alertmanager';
import { memoryLog } from '../../support/fakes/log';

/**
 * The README's walk-through of "Scaling in without killing jobs", as it is
 * written: config/drain.yml, the control plane in
 * examples/control-plane/drain-receiver.mjs, and the GPUUtilizationLow
 * notification in test/fixtures/alertmanager/utilization-low.json, whose
 * node is one config/drain.yml's simulated group has.
 */
const TOKEN = 'e2e-drain-token-7a3f';

type Receiver = { startDrainReceiver(options: { secret: string; apiToken: string; port: number; drainSeconds: number; log: (line: string) => void }): Promise<Server> };

describe('the drain walk-through of the README', () => {
  let pipeline: LocalPipeline;
  let server: LocalServer;
  let receiver: Server;
  const said: string[] = [];

  beforeAll(async () => {
    const { startDrainReceiver } = (await import(pathToFileURL('examples/control-plane/drain-receiver.mjs').href)) as Receiver;
    receiver = await startDrainReceiver({ secret: 'example-drain-key', apiToken: TOKEN, port: 0, drainSeconds: 0.2, log: (line) => said.push(line) });
    const port = (receiver.address() as AddressInfo).port;
    const text = readFileSync('config/drain.yml', 'utf8').replace('http://127.0.0.1:9000/drain', `http://127.0.0.1:${port}/drain`);
    pipeline = await startLocalPipeline({ config: parseConfigText(text).config, token: TOKEN, log: () => memoryLog() });
    server = await startLocalServer({ pipeline, token: TOKEN, log: memoryLog(), port: 0, routes: controlRoutes(pipeline) });
  });
  afterAll(async () => {
    await server?.close();
    await pipeline?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  const instances = async () => {
    const response = await fetch(`${server.url}/api/node-groups`, { headers: { authorization: `Bearer ${TOKEN}` } });
    return ((await response.json()) as { instances: { id: string; name: string }[] }[])[0]!.instances;
  };

  it('drains and then removes the node the notification names, confirmed by the example control plane', async () => {
    const named = 'ip-10-1-0-2.ec2.internal';
    expect((await instances()).map((i) => i.name)).toContain(named);

    const accepted = await fetch(`${server.url}/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: readFileSync('test/fixtures/alertmanager/utilization-low.json', 'utf8'),
    });
    expect(accepted.status).toBe(200);

    const completed = await eventually(
      () => pipeline.events.newest(10, DetailType.DrainCompleted).map((e) => e.detail as DrainCompleted)[0],
      'Drain Completed',
    );
    expect(completed).toMatchObject({ result: 'confirmed', nodeName: named });
    await eventually(async () => ((await instances()).some((i) => i.name === named) ? undefined : true), 'the node to go');
    expect(said).toEqual([expect.stringContaining(`draining ${named} of gpu-a100`), expect.stringMatching(/^confirmed i-[0-9a-f]{17}: HTTP 200$/)]);
  });

  it("verifies with the README's recipe what alertscale signs, and nothing tampered with", async () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('## Scaling in without killing jobs'), readme.indexOf('## How it decides'));
    const block = [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1] ?? '').find((code) => code.includes('verifyAlertscaleSignature'));
    const file = join(mkdtempSync(join(tmpdir(), 'alertscale-readme-')), 'verify.mjs');
    writeFileSync(file, block ?? '');
    const { verifyAlertscaleSignature } = (await import(pathToFileURL(file).href)) as { verifyAlertscaleSignature: (input: { body: string; timestamp?: string; signature?: string; secret: string }) => boolean };
    const body = JSON.stringify({ version: '1', kind: 'drain-requested', drainId: 'drain-1', instanceId: 'i-0a1b2c3d4e5f60718' });
    const headers = signatureHeaders(body, 'example-drain-key', new Date());
    const check = (text: string) => verifyAlertscaleSignature({ body: text, timestamp: headers['X-Alertscale-Timestamp'], signature: headers['X-Alertscale-Signature'], secret: 'example-drain-key' });

    expect([check(body), check(body.replace('i-0a1b', 'i-0a1c'))]).toEqual([true, false]);
  });
});
