import { describe, expect, it } from 'vitest';
import { DrainConflictError, DrainNotFoundError, createDrainConfirm } from '../../../lambdas/drain/drain-confirm';
import { drainSendContext } from '../../../lambdas/drain/drain-context';
import { createDrainRequests, DRAIN_SEND_ROUNDS, DrainNotReachedError } from '../../../lambdas/drain/drain-request';
import type { DrainRequestBody } from '../../../lambdas/drain/drain-webhook';
import type { TerminateLifecycleAction } from '../../../lambdas/drain/lifecycle-events';
import { verifyWebhookSignature } from '../../../lambdas/notifier/notifier';
import { LocalSecretResolver } from '../../../lambdas/local/emulators/local-secrets';
import { parseConfigText } from '../../../lambdas/shared/config/load';
import { DetailType, type DrainCompleted, type DrainRequested } from '../../../lambdas/shared/events';
import { RecordingBus } from '../../support/fakes/bus';
import { InMemoryDrainStore } from '../../support/fakes/drain-store';
import { FakeLifecycleActions } from '../../support/fakes/lifecycle-actions';
import { MemoryLog } from '../../support/fakes/log';
import { FakeNodeNames } from '../../support/fakes/node-names';
import { TestClock } from '../scaler/support/builders';

const SIGNING_KEY = 'drain-signing-key-9c4e1a7b3d';
const HOOK = 'alertscale-drain';
const INSTANCE = 'i-0a0000000000000a7';
const NODE = 'ip-10-0-1-7.ec2.internal';
const CALLBACK = 'https://api.example/api/drain/complete';

const { config } = parseConfigText(`
node_groups:
  - { name: gpu-a100, asg_name: gpu-a100-nodes, min: 1, max: 16, drain: { receiver: control-plane, timeout: 10m } }
  - { name: gpu-l4, asg_name: gpu-l4-nodes, min: 0, max: 8 }
route: { receiver: control-plane }
receivers:
  - name: control-plane
    webhook_configs:
      - { url: 'https://cp-a.example/drain', signing_key: ${SIGNING_KEY} }
      - { url: 'https://cp-b.example/drain', signing_key: ${SIGNING_KEY} }
`);

const lifecycleAction = (fields: Partial<TerminateLifecycleAction> = {}): TerminateLifecycleAction => ({
  LifecycleActionToken: '87654321-4321-4321-4321-210987654321',
  AutoScalingGroupName: 'gpu-a100-nodes',
  LifecycleHookName: HOOK,
  EC2InstanceId: INSTANCE,
  LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
  ...fields,
});

function setup(answer: (url: string) => number = () => 204) {
  const clock = new TestClock();
  const store = new InMemoryDrainStore();
  const bus = new RecordingBus();
  const lifecycle = new FakeLifecycleActions();
  const log = new MemoryLog();
  const posts: { url: string; headers: Record<string, string>; body: string }[] = [];
  const fetch = async (url: string, init: RequestInit) => {
    posts.push({ url, headers: init.headers as Record<string, string>, body: String(init.body) });
    return new Response(null, { status: answer(url) });
  };
  const send = drainSendContext({ secrets: new LocalSecretResolver(), clock: clock.clock, log, http: { fetch, sleep: async () => {}, now: () => clock.now } });
  const requests = createDrainRequests({ config, store, nodeNames: new FakeNodeNames({ [INSTANCE]: NODE }), bus, hookName: HOOK, callbackUrl: () => CALLBACK, send, clock: clock.clock, log, publish: { sleep: async () => {} } });
  const drains = createDrainConfirm({ store, lifecycle, bus, clock: clock.clock, log, publish: { sleep: async () => {} } });
  const requested = () => bus.ofType<DrainRequested>(DetailType.DrainRequested);
  const completed = () => bus.ofType<DrainCompleted>(DetailType.DrainCompleted);
  /** The instance waits on the hook, as Auto Scaling would hold it, and its event is handled. */
  const waitOnHook = async (fields: Partial<TerminateLifecycleAction> = {}) => {
    const detail = lifecycleAction(fields);
    lifecycle.waiting.set(detail.EC2InstanceId, { asgName: detail.AutoScalingGroupName, hookName: detail.LifecycleHookName, token: detail.LifecycleActionToken, instanceId: detail.EC2InstanceId });
    await requests.handleLifecycleAction(detail, clock.clock());
  };
  return { clock, store, bus, lifecycle, posts, requests, drains, requested, completed, waitOnHook };
}

describe('drain: asking the control plane', () => {
  it('posts a signed drain request to every webhook of the drain receiver', async () => {
    const { posts, waitOnHook, clock } = setup();

    await waitOnHook();

    expect(posts.map((p) => p.url)).toEqual(['https://cp-a.example/drain', 'https://cp-b.example/drain']);
    for (const post of posts) {
      const verified = verifyWebhookSignature({ body: post.body, timestamp: post.headers['X-Alertscale-Timestamp'], signature: post.headers['X-Alertscale-Signature'], secret: SIGNING_KEY, now: clock.clock() });
      expect(verified).toBe(true);
    }
  });

  it('says which node to drain, by when, and how to confirm', async () => {
    const { posts, waitOnHook, clock } = setup();

    await waitOnHook();

    const body = JSON.parse(posts[0]!.body) as DrainRequestBody;
    expect(body).toEqual({
      version: '1',
      kind: 'drain-requested',
      drainId: expect.stringMatching(/^drain-[0-9a-f]{32}$/),
      instanceId: INSTANCE,
      nodeName: NODE,
      nodeGroup: 'gpu-a100',
      asgName: 'gpu-a100-nodes',
      requestedAt: new Date(clock.now).toISOString(),
      deadline: new Date(clock.now + 600_000).toISOString(),
      confirm: { method: 'POST', url: CALLBACK, body: { drainId: body.drainId, instanceId: INSTANCE } },
    });
    expect(posts[0]!.headers['X-Alertscale-Delivery']).toBe(body.drainId);
    expect(posts[0]!.body).not.toContain('87654321-4321');
  });

  it('publishes Drain Requested with what each webhook send came to', async () => {
    const { waitOnHook, requested } = setup((url) => (url.includes('cp-b') ? 400 : 204));

    await waitOnHook();

    expect(requested()).toEqual([
      expect.objectContaining({
        instanceId: INSTANCE,
        nodeName: NODE,
        nodeGroup: 'gpu-a100',
        receiver: 'control-plane',
        sends: [expect.objectContaining({ configIndex: 0, outcome: 'sent' }), expect.objectContaining({ configIndex: 1, outcome: 'failed', reason: expect.stringContaining('HTTP 400') })],
      }),
    ]);
  });

  it('asks once however often the lifecycle event is delivered', async () => {
    const { posts, waitOnHook, requested } = setup();

    await waitOnHook();
    await waitOnHook();

    expect(posts).toHaveLength(2);
    expect(requested()).toHaveLength(1);
  });

  it('asks again when no webhook took the request for a reason that may pass, and reports once one did', async () => {
    let down = true;
    const { posts, waitOnHook, requested, store, clock } = setup(() => (down ? 503 : 204));

    await expect(waitOnHook()).rejects.toThrow(DrainNotReachedError);
    expect(requested()).toEqual([]);
    expect((await store.get(INSTANCE, clock.clock()))?.rounds).toBe(1);
    const firstRound = posts.length;
    expect(firstRound).toBeGreaterThan(2); // each webhook's own HTTP retries, first

    down = false;
    clock.advance(60_000);
    await waitOnHook();

    expect(posts.length).toBe(firstRound + 2);
    expect(requested()).toEqual([expect.objectContaining({ sends: [expect.objectContaining({ outcome: 'sent' }), expect.objectContaining({ outcome: 'sent' })] })]);
  });

  it(`stops asking after ${DRAIN_SEND_ROUNDS} rounds that reached no one, and reports the failures`, async () => {
    const { waitOnHook, requested, clock } = setup(() => 503);

    for (let round = 1; round < DRAIN_SEND_ROUNDS; round++) {
      await expect(waitOnHook()).rejects.toThrow(`round ${round} of ${DRAIN_SEND_ROUNDS}`);
      clock.advance(60_000);
    }
    await waitOnHook();
    await waitOnHook();

    expect(requested()).toEqual([
      expect.objectContaining({ sends: [expect.objectContaining({ outcome: 'failed', reason: expect.stringContaining('HTTP 503') }), expect.objectContaining({ outcome: 'failed' })] }),
    ]);
  });

  it('does not ask again for a failure that will not pass, nor when only some webhooks failed', async () => {
    const refused = setup(() => 400);
    await refused.waitOnHook();
    expect(refused.requested()).toEqual([expect.objectContaining({ sends: [expect.objectContaining({ outcome: 'failed' }), expect.objectContaining({ outcome: 'failed' })] })]);

    const half = setup((url) => (url.includes('cp-b') ? 503 : 204));
    await half.waitOnHook();
    expect(half.requested()).toHaveLength(1);
  });

  it('does not ask again once the deadline has passed during the round: the termination goes on by then', async () => {
    const { requests, requested, clock, posts } = setup(() => {
      clock.advance(4 * 60_000); // each attempt of a slow, failing control plane takes minutes
      return 503;
    });

    await requests.handleLifecycleAction(lifecycleAction(), clock.clock());

    expect(posts.length).toBeGreaterThan(2);
    expect(requested()).toEqual([expect.objectContaining({ sends: [expect.objectContaining({ outcome: 'failed' }), expect.objectContaining({ outcome: 'failed' })] })]);
  });

  it('asks no one for a lifecycle action delivered after its deadline, and says the drain timed out', async () => {
    const { requests, requested, completed, posts, store, clock } = setup();
    const waitBegan = new Date(clock.now - 11 * 60_000);

    await requests.handleLifecycleAction(lifecycleAction(), waitBegan);

    expect(posts).toEqual([]);
    expect(requested()).toEqual([]);
    expect(completed()).toEqual([expect.objectContaining({ instanceId: INSTANCE, result: 'timeout', reason: expect.stringContaining('after its deadline') })]);
    expect(await store.get(INSTANCE, clock.clock())).toMatchObject({ status: 'timeout' });
  });

  it.each([
    ['another hook on the same group', { LifecycleHookName: 'someone-elses-hook' }],
    ['a group that does not drain', { AutoScalingGroupName: 'gpu-l4-nodes' }],
    ['a group alertscale does not know', { AutoScalingGroupName: 'other-nodes' }],
  ])('leaves alone the lifecycle action of %s', async (_what, fields) => {
    const { posts, waitOnHook, store, requested } = setup();

    await waitOnHook(fields);

    expect(posts).toEqual([]);
    expect(requested()).toEqual([]);
    expect(store.items.size).toBe(0);
  });
});

describe('drain: the confirmation', () => {
  const drainIdOf = async (store: InMemoryDrainStore, clock: TestClock) => (await store.get(INSTANCE, clock.clock()))!.drainId;

  it('completes the lifecycle action with its token and publishes Drain Completed, confirmed', async () => {
    const { waitOnHook, drains, lifecycle, completed, store, clock } = setup();
    await waitOnHook();
    clock.advance(42_000);

    const result = await drains.confirm({ drainId: await drainIdOf(store, clock), instanceId: INSTANCE });

    expect(result).toMatchObject({ result: 'confirmed', instanceId: INSTANCE });
    expect(lifecycle.completed).toEqual([{ asgName: 'gpu-a100-nodes', hookName: HOOK, token: '87654321-4321-4321-4321-210987654321', instanceId: INSTANCE }]);
    expect(completed()).toEqual([expect.objectContaining({ result: 'confirmed', instanceId: INSTANCE, reason: expect.stringContaining('42s after the request') })]);
  });

  it('refuses an instance no drain was requested for', async () => {
    const { drains } = setup();

    await expect(drains.confirm({ drainId: 'drain-x', instanceId: 'i-0ffffffffffffffff' })).rejects.toThrow(new DrainNotFoundError('no drain was requested for instance i-0ffffffffffffffff'));
  });

  it("refuses another instance's drain id", async () => {
    const { waitOnHook, drains, lifecycle } = setup();
    await waitOnHook();

    await expect(drains.confirm({ drainId: 'drain-0000', instanceId: INSTANCE })).rejects.toBeInstanceOf(DrainConflictError);
    expect(lifecycle.completed).toEqual([]);
  });

  it('refuses a drain that was confirmed already', async () => {
    const { waitOnHook, drains, store, clock, lifecycle } = setup();
    await waitOnHook();
    const drainId = await drainIdOf(store, clock);
    await drains.confirm({ drainId, instanceId: INSTANCE });

    await expect(drains.confirm({ drainId, instanceId: INSTANCE })).rejects.toThrow(/has ended: it was confirmed at/);
    expect(lifecycle.completed).toHaveLength(1);
  });

  it('refuses a confirmation after the heartbeat timeout, and says the drain timed out', async () => {
    const { waitOnHook, drains, store, clock, lifecycle, completed } = setup();
    await waitOnHook();
    lifecycle.waiting.clear();

    await expect(drains.confirm({ drainId: await drainIdOf(store, clock), instanceId: INSTANCE })).rejects.toThrow(/heartbeat timeout had passed/);
    expect(completed()).toEqual([expect.objectContaining({ result: 'timeout' })]);
  });

  it('lets a retry confirm when completing the lifecycle action failed for now', async () => {
    const { waitOnHook, drains, store, clock, lifecycle } = setup();
    await waitOnHook();
    const drainId = await drainIdOf(store, clock);
    lifecycle.failNext = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
    await expect(drains.confirm({ drainId, instanceId: INSTANCE })).rejects.toThrow('Rate exceeded');

    await expect(drains.confirm({ drainId, instanceId: INSTANCE })).resolves.toMatchObject({ result: 'confirmed' });
  });
});

describe('drain: the end of a termination', () => {
  it('publishes Drain Completed, timeout, when the instance terminated without a confirmation', async () => {
    const { waitOnHook, requests, completed, clock, store } = setup();
    await waitOnHook();
    clock.advance(600_000);

    await requests.handleTerminated({ AutoScalingGroupName: 'gpu-a100-nodes', EC2InstanceId: INSTANCE });
    await requests.handleTerminated({ AutoScalingGroupName: 'gpu-a100-nodes', EC2InstanceId: INSTANCE });

    expect(completed()).toEqual([expect.objectContaining({ result: 'timeout', reason: expect.stringContaining("heartbeat timeout let the termination go on") })]);
    expect((await store.get(INSTANCE, clock.clock()))?.status).toBe('timeout');
  });

  it('says nothing more once the drain was confirmed', async () => {
    const { waitOnHook, requests, drains, completed, store, clock } = setup();
    await waitOnHook();
    await drains.confirm({ drainId: (await store.get(INSTANCE, clock.clock()))!.drainId, instanceId: INSTANCE });

    await requests.handleTerminated({ AutoScalingGroupName: 'gpu-a100-nodes', EC2InstanceId: INSTANCE });

    expect(completed().map((c) => c.result)).toEqual(['confirmed']);
  });
});
