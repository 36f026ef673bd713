import { controlRoutes } from '../../lambdas/local/control-routes';
import { startLocalServer, type LocalServer } from '../../lambdas/local/http-server';
import { startLocalPipeline, type LocalPipeline } from '../../lambdas/local/pipeline';
import { benchConfig } from './config';
import { keepAliveAgent, post } from './http';
import { LogMeter } from './log-meter';
import type { Notification } from './payloads';
import { PipelineProbe } from './probe';

/** The webhook token local mode is started with; both replicas send it. */
export const BENCH_TOKEN = 'bench-token-9f3c1a7e5b2d4c6e8a0b';

/** Where the fake PagerDuty listens, an optional data directory, and each replica's socket pool. */
export interface LocalModeOptions {
  readonly pagerdutyUrl: string;
  readonly dataDir?: string;
  readonly maxSockets?: number;
}

/** Local mode as `npm start` runs it (pipeline + HTTP server), with logs counted but not printed. */
export interface PlainLocalMode {
  readonly pipeline: LocalPipeline;
  readonly server: LocalServer;
  readonly logs: LogMeter;
  /** Posts one notification as both Alertmanager replicas would (at once); resolves with both statuses. */
  sendFromBothReplicas(notification: Notification): Promise<[number, number]>;
  /** The same, with when each replica had its answer (performance.now()). */
  postFromBothReplicas(notification: Notification): Promise<{ statuses: [number, number]; answeredAt: [number, number] }>;
  stop(): Promise<void>;
}

/** Local mode with the bench's probe on it: every call, event, batch and decision counted. */
export interface BenchLocalMode extends PlainLocalMode {
  readonly probe: PipelineProbe;
}

/**
 * Local mode without the probe, for the memory soak: the probe keeps a shadow
 * of every DynamoDB item and the time of every decision, which would grow
 * with the run and be counted as local mode's own.
 */
export async function startPlainLocalMode(options: LocalModeOptions): Promise<PlainLocalMode> {
  const config = benchConfig({ pagerdutyUrl: options.pagerdutyUrl, routingKey: 'inline' });
  const logs = new LogMeter();
  const pipeline = await startLocalPipeline({ config, token: BENCH_TOKEN, log: (component) => logs.forComponent(component), ...(options.dataDir ? { dataDir: options.dataDir } : {}) });
  const server = await startLocalServer({ pipeline, token: BENCH_TOKEN, log: logs.forComponent('http'), port: 0, routes: controlRoutes(pipeline) });
  // Two agents: the two replicas are two Alertmanager processes with their own connections.
  const replicas = [keepAliveAgent(options.maxSockets ?? 64), keepAliveAgent(options.maxSockets ?? 64)];
  const url = `${server.url}/alertmanager`;
  const headers = { authorization: `Bearer ${BENCH_TOKEN}` };
  const postFromBothReplicas = async (notification: Notification) => {
    const answers = await Promise.all(replicas.map((agent) => post(url, notification.body, headers, agent).then((answer) => ({ status: answer.status, at: performance.now() }))));
    return { statuses: [answers[0]!.status, answers[1]!.status] as [number, number], answeredAt: [answers[0]!.at, answers[1]!.at] as [number, number] };
  };
  return {
    pipeline,
    server,
    logs,
    postFromBothReplicas,
    sendFromBothReplicas: async (notification) => (await postFromBothReplicas(notification)).statuses,
    stop: async () => {
      replicas.forEach((agent) => agent.destroy());
      await server.close();
      await pipeline.stop();
    },
  };
}

/** Local mode as `npm start` runs it, instrumented by the bench's probe. */
export async function startBenchLocalMode(options: LocalModeOptions): Promise<BenchLocalMode> {
  const mode = await startPlainLocalMode(options);
  return { ...mode, probe: new PipelineProbe(mode.pipeline, mode.logs) };
}
