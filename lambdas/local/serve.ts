import { randomBytes } from 'node:crypto';
import { loadConfig } from '../shared/config/load';
import { consoleLog } from './console-log';
import { startLocalServer, type LocalServer } from './http-server';
import { controlRoutes } from './control-routes';
import { startLocalPipeline, type LocalPipeline } from './pipeline';

export interface ServeOptions {
  readonly configPath: string;
  readonly port: number;
  readonly host: string;
  /** When absent, a random token is made and printed: the webhook is never open. */
  readonly token?: string | undefined;
  readonly dataDir?: string | undefined;
  readonly out?: (line: string) => void;
}

export interface RunningLocalMode {
  readonly pipeline: LocalPipeline;
  readonly server: LocalServer;
  readonly token: string;
  stop(): Promise<void>;
}

/** Starts local mode: validates the configuration, then the pipeline, then the HTTP server. */
export async function serve(options: ServeOptions): Promise<RunningLocalMode> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const { config, warnings } = loadConfig(options.configPath);
  const log = consoleLog('alertscale');
  warnings.forEach((warning) => log.warn(warning));
  const generated = !options.token;
  const token = options.token || randomBytes(18).toString('base64url');

  const pipeline = await startLocalPipeline({ config, token, log: (component) => consoleLog(component), dataDir: options.dataDir });
  let server: LocalServer;
  try {
    server = await startLocalServer({ pipeline, token, log, port: options.port, host: options.host, routes: controlRoutes(pipeline) });
  } catch (error) {
    await pipeline.stop();
    throw error;
  }
  const webhook = `${server.url}/alertmanager`;
  out(`alertscale local mode is listening on ${server.url}`);
  out(`  config:    ${options.configPath} (${config.node_groups.length} node groups, ${config.receivers.length} receivers)`);
  out(`  data:      ${options.dataDir ? `${options.dataDir} (decisions and queued work survive a restart)` : 'in memory (lost on exit; set DATA_DIR or --data-dir to keep it)'}`);
  out(`  token:     ${generated ? `${token}  (generated; set WEBHOOK_TOKEN to choose one)` : 'from WEBHOOK_TOKEN'}`);
  out(`  decisions: curl -H "Authorization: Bearer $WEBHOOK_TOKEN" ${server.url}/api/decisions`);
  out('Point Alertmanager at it with this receiver in alertmanager.yml:');
  out('  receivers:');
  out('    - name: alertscale');
  out('      webhook_configs:');
  out(`        - url: ${webhook}`);
  out('          send_resolved: true');
  out('          http_config:');
  out('            authorization:');
  out(`              credentials: ${generated ? token : '<your WEBHOOK_TOKEN>'}`);
  return {
    pipeline,
    server,
    token,
    stop: async () => {
      await server.close();
      await pipeline.stop();
    },
  };
}
