import { AutoScalingClient, CompleteLifecycleActionCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AutoScalingLifecycleActions } from '../../../lambdas/adapters/autoscaling/lifecycle-actions';
import { DynamoDrainStore } from '../../../lambdas/adapters/dynamodb/drain-store';
import { Ec2NodeInstances } from '../../../lambdas/adapters/ec2/ec2-node-instances';
import { createDrainCallbackApi } from '../../../lambdas/drain/callback-api';
import { createDrainConfirm } from '../../../lambdas/drain/drain-confirm';
import { drainSendContext } from '../../../lambdas/drain/drain-context';
import { createDrainRequests } from '../../../lambdas/drain/drain-request';
import type { DrainRequestBody } from '../../../lambdas/drain/drain-webhook';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../../lambdas/local/emulators/dynalite';
import { LocalSecretResolver } from '../../../lambdas/local/emulators/local-secrets';
import { verifyWebhookSignature } from '../../../lambdas/notifier/notifier';
import { parseConfigText } from '../../../lambdas/shared/config/load';
import { DetailType, type DrainCompleted } from '../../../lambdas/shared/events';
import { RecordingBus } from '../../support/fakes/bus';
import { startFakePeer, type FakePeer } from '../../support/fakes/http-peer';
import { MemoryLog } from '../../support/fakes/log';

/**
 * A drain end to end below HTTP: the pending drain is written to dynalite
 * when the lifecycle event arrives, a control plane on loopback receives the
 * signed request, and the callback is verified against what dynalite holds,
 * with Auto Scaling and EC2 at the SDK's edge.
 */
const autoScaling = mockClient(AutoScalingClient);
const ec2 = mockClient(EC2Client);
const SIGNING_KEY = 'drain-it-signing-key-3b7a1e';
const TOKEN = 'drain-callback-token-2c9e';
const HOOK = 'alertscale-drain';

let dynamo: EmbeddedDynamo;
let controlPlane: FakePeer;
beforeAll(async () => {
  dynamo = await startEmbeddedDynamo({ tableName: 'alertscale-drain-it' });
  controlPlane = await startFakePeer((response) => response.writeHead(202).end());
});
afterAll(async () => {
  await controlPlane?.close();
  await dynamo?.stop();
});
beforeEach(() => {
  autoScaling.reset();
  ec2.reset();
  autoScaling.on(CompleteLifecycleActionCommand).resolves({});
});

let instanceCounter = 0;
function drainSetup() {
  const { config } = parseConfigText(`
node_groups:
  - { name: gpu-a100, asg_name: gpu-a100-nodes, min: 1, max: 16, drain: { receiver: control-plane, timeout: 5m } }
route: { receiver: control-plane }
receivers:
  - name: control-plane
    webhook_configs: [{ url: '${controlPlane.url}/drain', signing_key: ${SIGNING_KEY} }]
`);
  const log = new MemoryLog();
  const bus = new RecordingBus();
  const store = new DynamoDrainStore(dynamo.client, dynamo.tableName);
  const requests = createDrainRequests({
    config,
    store,
    nodeNames: new Ec2NodeInstances((sdk) => new sdk.EC2Client({ region: 'us-east-1' })),
    bus,
    hookName: HOOK,
    callbackUrl: () => 'https://api.example/api/drain/complete',
    send: drainSendContext({ secrets: new LocalSecretResolver(), clock: () => new Date(), log }),
    clock: () => new Date(),
    log,
  });
  const drains = createDrainConfirm({ store, lifecycle: new AutoScalingLifecycleActions(new AutoScalingClient({ region: 'us-east-1' })), bus, clock: () => new Date(), log });
  const callback = createDrainCallbackApi({ token: async () => TOKEN, drains, log });
  const confirm = (body: unknown) => callback({ method: 'POST', path: '/api/drain/complete', headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });
  instanceCounter += 1;
  const instanceId = `i-0d${String(instanceCounter).padStart(15, '0')}`;
  ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [{ InstanceId: instanceId, PrivateDnsName: `ip-10-0-2-${instanceCounter}.ec2.internal` }] }] });
  const token = `token-${instanceCounter}`;
  const arrive = () =>
    requests.handleLifecycleAction({ LifecycleActionToken: token, AutoScalingGroupName: 'gpu-a100-nodes', LifecycleHookName: HOOK, EC2InstanceId: instanceId, LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING' });
  /** The drain request the control plane received for this instance. */
  const received = () => {
    const request = controlPlane.requests.find((r) => (JSON.parse(r.body) as DrainRequestBody).instanceId === instanceId)!;
    return { request, body: JSON.parse(request.body) as DrainRequestBody };
  };
  return { store, bus, confirm, instanceId, token, arrive, received };
}

describe('the drain callback against drains held in dynalite', () => {
  it('holds the pending drain, and the control plane receives a request it can verify', async () => {
    const { arrive, store, instanceId, received } = drainSetup();

    await arrive();

    const { request, body } = received();
    expect(verifyWebhookSignature({ body: request.body, timestamp: request.headers['x-alertscale-timestamp'] as string, signature: request.headers['x-alertscale-signature'] as string, secret: SIGNING_KEY })).toBe(true);
    expect(await store.get(instanceId, new Date())).toMatchObject({ drainId: body.drainId, status: 'pending', nodeName: body.nodeName, notifiedAt: expect.any(String) });
  });

  it('completes the lifecycle action with its token and CONTINUE on a confirmation with the ids the request carried', async () => {
    const { arrive, confirm, received, token, instanceId, bus } = drainSetup();
    await arrive();

    const response = await confirm(received().body.confirm.body);

    expect(response?.statusCode).toBe(200);
    expect(autoScaling.commandCalls(CompleteLifecycleActionCommand).map((c) => c.args[0].input)).toEqual([
      { AutoScalingGroupName: 'gpu-a100-nodes', LifecycleHookName: HOOK, LifecycleActionToken: token, InstanceId: instanceId, LifecycleActionResult: 'CONTINUE' },
    ]);
    expect(bus.ofType<DrainCompleted>(DetailType.DrainCompleted)).toEqual([expect.objectContaining({ instanceId, result: 'confirmed' })]);
  });

  it('refuses a confirmation a second time, with 409', async () => {
    const { arrive, confirm, received } = drainSetup();
    await arrive();
    await confirm(received().body.confirm.body);

    const again = await confirm(received().body.confirm.body);

    expect(again?.statusCode).toBe(409);
    expect(JSON.parse(again!.body).error).toMatch(/has ended: it was confirmed/);
    expect(autoScaling.commandCalls(CompleteLifecycleActionCommand)).toHaveLength(1);
  });

  it("refuses another drain's id for this instance, and an instance no drain waits for", async () => {
    const first = drainSetup();
    const second = drainSetup();
    await first.arrive();
    await second.arrive();

    const crossed = await first.confirm({ drainId: second.received().body.drainId, instanceId: first.instanceId });
    const unknown = await first.confirm({ drainId: first.received().body.drainId, instanceId: 'i-0fffffffffffffff0' });

    expect([crossed?.statusCode, unknown?.statusCode]).toEqual([409, 404]);
    expect(JSON.parse(unknown!.body).error).toBe('no drain was requested for instance i-0fffffffffffffff0');
    expect(autoScaling.commandCalls(CompleteLifecycleActionCommand)).toEqual([]);
  });

  it("refuses a confirmation after Auto Scaling's heartbeat timeout, and records the drain as timed out", async () => {
    const { arrive, confirm, received, store, instanceId } = drainSetup();
    await arrive();
    autoScaling.on(CompleteLifecycleActionCommand).rejects(Object.assign(new Error(`No active Lifecycle Action found with instance ID ${instanceId}`), { name: 'ValidationError' }));

    const late = await confirm(received().body.confirm.body);

    expect(late?.statusCode).toBe(409);
    expect((await store.get(instanceId, new Date()))?.status).toBe('timeout');
  });
});

describe('pending drains in dynalite: rounds that reached no one', () => {
  it('counts the rounds on this drain, and leaves a drain that replaced it alone', async () => {
    const { arrive, store, instanceId } = drainSetup();
    await arrive();
    const drain = (await store.get(instanceId, new Date()))!;

    await store.noteRound(instanceId, drain.drainId, 2);
    await store.noteRound(instanceId, 'another-lifecycle-actions-drain', 5);

    expect(await store.get(instanceId, new Date())).toMatchObject({ drainId: drain.drainId, rounds: 2, status: 'pending' });
  });
});
