import { controlRoutes } from '../../lambdas/local/control-routes';
import { startLocalServer, type LocalServer } from '../../lambdas/local/http-server';
import { startLocalPipeline, type LocalPipeline } from '../../lambdas/local/pipeline';
import { benchConfig } from './config';
import { keepAliveAgent, post } from './http';
import { LogMeter } from './log-meter';
import type { Notification } from './payloads';
import { PipelineProbe } from './probe';

export const BENCH_TOKEN = 'bench-token-9f3c1a7e5b2d4c6e8a0b';

export interface BenchLocalMode {
  readonly pipeline: LocalPipeline;
  readonly server: LocalServer;
  readonly probe: PipelineProbe;
  readonly logs: LogMeter;
  /** Posts one notification as both Alertmanager replicas would (at once); resolves with both statuses. */
  sendFromBothReplicas(notification: Notification): Promise<[number, number]>;
  stop(): Promise<void>;
}

/** Local mode as `npm start` runs it (pipeline + HTTP server), instrumented, with logs counted but not printed. */
export async function startBenchLocalMode(options: { pagerdutyUrl: string; dataDir?: string; maxSockets?: number }): Promise<BenchLocalMode> {
  const config = benchConfig({ pagerdutyUrl: options.pagerdutyUrl, routingKey: 'inline' });
  const logs = new LogMeter();
  const pipeline = await startLocalPipeline({ config, token: BENCH_TOKEN, log: (component) => logs.forComponent(component), ...(options.dataDir ? { dataDir: options.dataDir } : {}) });
  const server = await startLocalServer({ pipeline, token: BENCH_TOKEN, log: logs.forComponent('http'), port: 0, routes: controlRoutes(pipeline) });
  const probe = new PipelineProbe(pipeline, logs);
  // Two agents: the two replicas are two Alertmanager processes with their own connections.
  const replicas = [keepAliveAgent(options.maxSockets ?? 64), keepAliveAgent(options.maxSockets ?? 64)];
  const url = `${server.url}/alertmanager`;
  const headers = { authorization: `Bearer ${BENCH_TOKEN}` };
  return {
    pipeline,
    server,
    probe,
    logs,
    sendFromBothReplicas: async (notification) => {
      const [a, b] = await Promise.all(replicas.map((agent) => post(url, notification.body, headers, agent)));
      return [a!.status, b!.status];
    },
    stop: async () => {
      replicas.forEach((agent) => agent.destroy());
      await server.close();
      await pipeline.stop();
    },
  };
}
