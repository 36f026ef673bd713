import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DrainRequestBody } from '../../lambdas/drain/drain-webhook';
import { controlRoutes } from '../../lambdas/local/control-routes';
import { startLocalServer, type LocalServer } from '../../lambdas/local/http-server';
import { startLocalPipeline, type LocalPipeline } from '../../lambdas/local/pipeline';
import { verifyWebhookSignature } from '../../lambdas/notifier/notifier';
import { parseConfigText } from '../../lambdas/shared/config/load';
import { DetailType, type DrainCompleted } from '../../lambdas/shared/events';
import { eventually, startAlertmanager, type RunningAlertmanager } from '../support/alertmanager';
import { needBinary } from '../support/binaries';
import { startFakePeer, type FakePeer } from '../support/fakes/http-peer';
import { memoryLog } from '../support/fakes/log';

const TOKEN = 'e2e-drain-token-7a3f';
const SIGNING_KEY = 'e2e-drain-signing-key-5f2c8d';

interface InstanceView {
  readonly id: string;
  readonly name: string;
  readonly lifecycleState: string;
}

describe.runIf(needBinary('prometheus-alertmanager') && needBinary('amtool'))('end to end with a real Alertmanager: scaling in without killing jobs', () => {
  let pipeline: LocalPipeline;
  let server: LocalServer;
  let controlPlane: FakePeer;
  let now: number;
  const alertmanagers: RunningAlertmanager[] = [];

  beforeAll(async () => {
    controlPlane = await startFakePeer((response) => response.writeHead(202).end());
    const { config } = parseConfigText(`
node_groups:
  - { name: gpu-a100, asg_name: gpu-a100-nodes, min: 1, max: 16, rate_limits: [], local: { desired: 3 } }
  - { name: gpu-h100, asg_name: gpu-h100-nodes, min: 0, max: 8, rate_limits: [], local: { desired: 4 }, drain: { receiver: control-plane, timeout: 30s } }
route:
  receiver: quiet
  routes:
    - { matchers: ['alertname="GPUUtilizationLow"'], receiver: scale-down }
receivers:
  - name: quiet
  - name: scale-down
    scale_configs: [{ node_group_label: nodegroup, change: -1, cooldown: 1m, remove_node_label: node }]
  - name: control-plane
    webhook_configs: [{ url: '${controlPlane.url}/drain', signing_key: ${SIGNING_KEY} }]
`);
    // A clock the test moves: the cooldown passes between tests, the heartbeat timeout without waiting 30 s.
    now = Date.now();
    pipeline = await startLocalPipeline({ config, token: TOKEN, log: () => memoryLog(), clock: () => new Date(now) });
    server = await startLocalServer({ pipeline, token: TOKEN, log: memoryLog(), port: 0, routes: controlRoutes(pipeline) });
  });
  afterEach(async () => {
    await Promise.all(alertmanagers.splice(0).map((am) => am.stop()));
    now += 5 * 60_000;
  });
  afterAll(async () => {
    await server?.close();
    await pipeline?.stop();
    await controlPlane?.close();
  });

  const groupOf = async (name: string) => {
    const response = await fetch(`${server.url}/api/node-groups`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const groups = (await response.json()) as { name: string; desired: number; instances: InstanceView[] }[];
    return groups.find((group) => group.name === name)!;
  };
  const fireLowUtilization = async (nodegroup: string, node: string) => {
    const am = await startAlertmanager({ webhookUrl: `${server.url}/alertmanager`, token: TOKEN });
    alertmanagers.push(am);
    await am.addAlert({ alertname: 'GPUUtilizationLow', nodegroup, node, severity: 'warning' }, { start: new Date(Date.now() - 60_000).toISOString() });
  };
  const drainRequestFor = (instanceId: string) =>
    controlPlane.requests.find((request) => (JSON.parse(request.body) as DrainRequestBody).instanceId === instanceId);
  const drainCompleted = (instanceId: string) =>
    pipeline.events.newest(1000, DetailType.DrainCompleted).map((event) => event.detail as DrainCompleted).find((detail) => detail.instanceId === instanceId);

  it('removes exactly the node GPUUtilizationLow names and lowers desired capacity by one', async () => {
    const before = await groupOf('gpu-a100');
    const idle = before.instances[1]!;

    await fireLowUtilization('gpu-a100', idle.name);

    const after = await eventually(async () => {
      const group = await groupOf('gpu-a100');
      return group.desired === 2 ? group : undefined;
    }, 'gpu-a100 to scale in');
    expect(after.instances.map((i) => i.id)).toEqual(before.instances.filter((i) => i.id !== idle.id).map((i) => i.id));
  });

  it('asks the control plane to drain the node with a signed request, and lets it go only once confirmed', async () => {
    const idle = (await groupOf('gpu-h100')).instances[0]!;

    await fireLowUtilization('gpu-h100', idle.name);
    const request = await eventually(() => drainRequestFor(idle.id), 'the drain request');
    const body = JSON.parse(request.body) as DrainRequestBody;
    const signed = verifyWebhookSignature({
      body: request.body,
      timestamp: request.headers['x-alertscale-timestamp'] as string,
      signature: request.headers['x-alertscale-signature'] as string,
      secret: SIGNING_KEY,
      now: new Date(now),
    });
    expect(signed).toBe(true);
    expect(body).toMatchObject({ instanceId: idle.id, nodeName: idle.name, nodeGroup: 'gpu-h100', confirm: { method: 'POST', url: `${server.url}/api/drain/complete` } });

    // The control plane drains the node for a while: meanwhile the instance is held, out of the desired capacity.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const draining = await groupOf('gpu-h100');
    expect(draining.desired).toBe(3);
    expect(draining.instances.find((i) => i.id === idle.id)?.lifecycleState).toBe('Terminating:Wait');

    const confirmed = await fetch(body.confirm.url, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body.confirm.body) });
    expect(confirmed.status).toBe(200);
    await eventually(async () => ((await groupOf('gpu-h100')).instances.some((i) => i.id === idle.id) ? undefined : true), 'the drained instance to go');
    expect(await eventually(() => drainCompleted(idle.id), 'Drain Completed')).toMatchObject({ result: 'confirmed' });
  });

  it('lets an instance nobody confirms go once the drain timeout has passed', async () => {
    const idle = (await groupOf('gpu-h100')).instances[0]!;

    await fireLowUtilization('gpu-h100', idle.name);
    await eventually(() => drainRequestFor(idle.id), 'the drain request');
    expect((await groupOf('gpu-h100')).instances.find((i) => i.id === idle.id)?.lifecycleState).toBe('Terminating:Wait');
    now += 30_000;

    await eventually(async () => ((await groupOf('gpu-h100')).instances.some((i) => i.id === idle.id) ? undefined : true), 'the instance to go after the timeout');
    expect(await eventually(() => drainCompleted(idle.id), 'Drain Completed')).toMatchObject({ result: 'timeout' });
  });
});
