import type { EmbeddedDynamo } from '../../../lambdas/local/emulators/dynalite';
import type { DeadLetter } from '../../../lambdas/local/emulators/local-queue';
import { memoryLog } from '../../support/fakes/log';
import { controlRoutes } from '../../../lambdas/local/control-routes';
import { startLocalServer, type LocalServer } from '../../../lambdas/local/http-server';
import { startLocalPipeline, type LocalPipeline } from '../../../lambdas/local/pipeline';
import { parseConfigText } from '../../../lambdas/shared/config/load';
import { occurrenceKey, type Webhook } from '../../../lambdas/shared/alertmanager';
import type { DecisionRecord } from '../../../lambdas/shared/decisions';
import type { Log } from '../../../lambdas/shared/log';
import { pagerdutyDedupKey } from '../../../lambdas/notifier/channels/pagerduty';
import { alert, webhook } from '../../support/builders';

export { fakePagerduty, type FakePagerduty } from '../../support/fakes/http-peer';

/**
 * A configuration whose actions can be counted: every `GPUQueueDepthHigh`
 * alert plans exactly one scale action on its node group and one PagerDuty
 * page. The hour-long cooldown means a group scales once and every later
 * request is recorded as refused (`cooldown`, `rate-limited`) — an outcome,
 * not an extra action — and no alert steps again during a test.
 */
export function countableConfig(pagerdutyUrl: string): string {
  return `
node_groups:
  - { name: gpu-a, asg_name: gpu-a-nodes, min: 0, max: 1000, local: { desired: 1 } }
  - { name: gpu-b, asg_name: gpu-b-nodes, min: 0, max: 1000, local: { desired: 1 } }
route:
  receiver: quiet
  routes:
    - { matchers: ['alertname="GPUQueueDepthHigh"'], receiver: scale-and-page }
receivers:
  - name: quiet
  - name: scale-and-page
    scale_configs: [{ node_group_label: nodegroup, change: 1, cooldown: 1h }]
    pagerduty_configs: [{ routing_key: fault-suite-key, url: '${pagerdutyUrl}' }]
`;
}

/** One alert occurrence the storm sends: its decision id and PagerDuty dedup key. */
export interface Occurrence {
  readonly decisionId: string;
  readonly dedupKey: string;
}

/** Alertmanager group notifications of `perGroup` alerts each, over two node groups, and their occurrences. */
export function storm(groups: number, perGroup = 10, tag = 'storm'): { notifications: Webhook[]; occurrences: Occurrence[] } {
  const notifications: Webhook[] = [];
  const occurrences: Occurrence[] = [];
  for (let g = 0; g < groups; g++) {
    const nodegroup = g % 2 === 0 ? 'gpu-a' : 'gpu-b';
    const alerts = Array.from({ length: perGroup }, (_, i) => alert({ alertname: 'GPUQueueDepthHigh', nodegroup, queue: `${tag}-${g}-${i}` }));
    notifications.push(webhook(alerts, { groupKey: `{}:{alertname="GPUQueueDepthHigh", group="${tag}-${g}"}` }));
    for (const a of alerts) {
      occurrences.push({ decisionId: occurrenceKey({ fingerprint: a.fingerprint!, startsAt: a.startsAt, status: a.status }), dedupKey: pagerdutyDedupKey({ fingerprint: a.fingerprint!, startsAt: a.startsAt }) });
    }
  }
  return { notifications, occurrences };
}

/** Scale outcomes that end a scale action here: it acted, or it was refused for a reason it records. */
export const FINAL_SCALE_OUTCOMES = ['scaled', 'clamped', 'cooldown', 'rate-limited', 'at-target'];

/**
 * Why `decisions` does not (yet) show every occurrence settled: each with
 * exactly one decision holding exactly its two planned actions, a scale action
 * with a final outcome and a page `sent`. Undefined when all is well.
 */
export function unsettled(decisions: readonly DecisionRecord[], occurrences: readonly Occurrence[]): string | undefined {
  const byId = new Map<string, DecisionRecord[]>();
  for (const decision of decisions) byId.set(decision.decisionId, [...(byId.get(decision.decisionId) ?? []), decision]);
  for (const { decisionId } of occurrences) {
    const found = byId.get(decisionId) ?? [];
    if (found.length !== 1) return `occurrence ${decisionId} has ${found.length} decisions`;
    const [decision] = found as [DecisionRecord];
    const scale = decision.actions.filter((a) => a.kind === 'scale');
    const pages = decision.actions.filter((a) => a.kind === 'notify' && a.target === 'pagerduty');
    if (decision.actions.length !== 2 || scale.length !== 1 || pages.length !== 1) {
      return `occurrence ${decisionId} has actions ${JSON.stringify(decision.actions.map((a) => [a.kind, a.target]))}, not one scale and one page`;
    }
    if (!FINAL_SCALE_OUTCOMES.includes(scale[0]!.outcome)) return `scale action of ${decisionId} is ${scale[0]!.outcome}`;
    if (pages[0]!.outcome !== 'sent') return `page of ${decisionId} is ${pages[0]!.outcome}`;
  }
  return undefined;
}

/** Polls `check` until it returns a value (not `undefined`, not `false`), for at most `timeoutMs`; the error says what was awaited and the last state. */
export async function until<T>(check: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const value = await check();
      // false is "not yet" as much as undefined: a check may well be a comparison.
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Runs `task` over `items` with at most `limit` at once. */
export async function inParallel<T>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await task(items[index]!, index);
      }
    }),
  );
}

/** Local mode in this process (pipeline + HTTP server with the control routes), for tests that reach inside it. */
export interface InProcessLocalMode {
  readonly pipeline: LocalPipeline;
  readonly server: LocalServer;
  post(notification: Webhook): Promise<number>;
  decisions(): Promise<DecisionRecord[]>;
  deadLetters(): Promise<DeadLetter[]>;
  redrive(body?: object): Promise<{ redriven: number }>;
  /** Resolves once every occurrence has one decision with its actions done; rejects after `timeoutMs`. */
  settled(occurrences: readonly Occurrence[], timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export const FAULT_TOKEN = 'fault-suite-token';

export async function startInProcess(options: { config: string; dataDir?: string; dynamo?: EmbeddedDynamo; log?: () => Log }): Promise<InProcessLocalMode> {
  const pipeline = await startLocalPipeline({
    config: parseConfigText(options.config).config,
    token: FAULT_TOKEN,
    log: options.log ?? (() => memoryLog()),
    dataDir: options.dataDir,
    dynamo: options.dynamo,
  });
  const server = await startLocalServer({ pipeline, token: FAULT_TOKEN, log: memoryLog(), port: 0, routes: controlRoutes(pipeline) });
  const headers = { authorization: `Bearer ${FAULT_TOKEN}`, 'content-type': 'application/json' };
  const call = async <T>(method: string, path: string, body?: object): Promise<T> => {
    const response = await fetch(`${server.url}${path}`, { method, headers, ...(body ? { body: JSON.stringify(body) } : {}) });
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  };
  const decisions = () => call<DecisionRecord[]>('GET', '/api/decisions?limit=10000');
  return {
    pipeline,
    server,
    post: async (notification) => {
      const response = await fetch(`${server.url}/alertmanager`, { method: 'POST', headers, body: JSON.stringify(notification) });
      await response.arrayBuffer();
      return response.status;
    },
    decisions,
    deadLetters: () => call<DeadLetter[]>('GET', '/api/dlq'),
    redrive: (body = {}) => call<{ redriven: number }>('POST', '/api/dlq/redrive', body),
    settled: async (occurrences, timeoutMs = 60_000) => {
      await until(
        async () => {
          const problem = unsettled(await decisions(), occurrences);
          if (problem) throw new Error(problem);
          return true;
        },
        'every occurrence to be decided and acted on',
        timeoutMs,
      );
    },
    stop: async () => {
      await server.close();
      await pipeline.stop();
    },
  };
}

/** Posts each notification twice (two Alertmanager replicas), re-posting on 5xx as Alertmanager does; returns every status seen. */
export async function postAsReplicas(local: Pick<InProcessLocalMode, 'post'>, notifications: readonly Webhook[], concurrency = 8): Promise<number[]> {
  const statuses: number[] = [];
  await inParallel(
    notifications.flatMap((n) => [n, n]),
    concurrency,
    async (notification) => {
      for (let attempt = 0; attempt < 10; attempt++) {
        const status = await local.post(notification);
        statuses.push(status);
        if (status < 500) return;
      }
    },
  );
  return statuses;
}

/** The node groups whose scale actions called Auto Scaling (the simulation), once per group that acted. */
export const actedScaleTargets = (decisions: readonly DecisionRecord[]) =>
  [...new Set(decisions.flatMap((d) => d.actions).filter((a) => a.kind === 'scale' && (a.outcome === 'scaled' || a.outcome === 'clamped')).map((a) => a.target))].sort();
