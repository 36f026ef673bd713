import { randomBytes } from 'node:crypto';
import { loadConfig } from '../shared/config/load';
import type { Config } from '../shared/config/schema';
import { escapeValue } from '../shared/routing/matchers';
import { buildRouteTree, type RouteNode } from '../shared/routing/route-tree';
import { consoleLog } from './console-log';
import { startLocalServer, type LocalServer } from './http-server';
import { controlRoutes } from './control-routes';
import { startLocalPipeline, type LocalPipeline } from './pipeline';
import { DEFAULT_RECORDING_MAX_BYTES, DEFAULT_RECORDINGS_KEPT } from './webhook-recorder';

export interface ServeOptions {
  readonly configPath: string;
  readonly port: number;
  readonly host: string;
  /** When absent, a random token is made and printed: the webhook is never open. */
  readonly token?: string | undefined;
  readonly dataDir?: string | undefined;
  /**
   * Where to append each webhook accepted, as JSON lines `{"receivedAt", "body"}`, for
   * `alertscale replay` (rotated past 64 MiB, see `WebhookRecorder`).
   * @default - nothing is recorded
   */
  readonly record?: string | undefined;
  /**
   * The token for the `/api/*` reads and control routes, apart from the webhook's.
   * @default - the webhook token
   */
  readonly apiToken?: string | undefined;
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

  const pipeline = await startLocalPipeline({ config, token, log: (component) => consoleLog(component), dataDir: options.dataDir, record: options.record });
  let server: LocalServer;
  try {
    server = await startLocalServer({ pipeline, token, apiToken: options.apiToken, log, port: options.port, host: options.host, routes: controlRoutes(pipeline) });
  } catch (error) {
    await pipeline.stop();
    throw error;
  }
  const banner = startBanner({ url: server.url, configPath: options.configPath, config, dataDir: options.dataDir, record: options.record, token, generated, separateApiToken: Boolean(options.apiToken) });
  banner.forEach((line) => out(line));
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

/** What the start banner says: where local mode listens, with what, and how to use it. */
export interface BannerFacts {
  readonly url: string;
  readonly configPath: string;
  readonly config: Pick<Config, 'node_groups' | 'receivers' | 'route'>;
  readonly dataDir?: string | undefined;
  readonly record?: string | undefined;
  readonly token: string;
  /** Whether local mode made the token up: then it is printed, since nobody else knows it. */
  readonly generated: boolean;
  /** Whether `/api/*` takes a token of its own (`API_TOKEN`): then the commands printed send that one. */
  readonly separateApiToken?: boolean;
}

function allRoutes(route: RouteNode): RouteNode[] {
  return [route, ...route.routes.flatMap(allRoutes)];
}

// The alert names the configuration routes by, as one matcher for Alertmanager's side, so
// that the printed route sends alertscale what it acts on: `alertname=~"A|B|C"`.
function alertnameMatcher(config: BannerFacts['config']): string | undefined {
  const names = new Set<string>();
  for (const route of allRoutes(buildRouteTree(config.route))) {
    for (const matcher of route.matchers.filter((m) => m.name === 'alertname')) {
      if (matcher.type === '=') names.add(matcher.value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&'));
      if (matcher.type === '=~') names.add(matcher.value);
    }
  }
  if (names.size === 0) return undefined;
  // In YAML single quotes, a quote is doubled.
  return `'${`alertname=~"${escapeValue([...names].join('|'))}"`.replaceAll("'", "''")}'`;
}

function alertmanagerSnippet(facts: BannerFacts): string[] {
  const matcher = alertnameMatcher(facts.config);
  return [
    'Point Alertmanager at it: add this route under your route\'s routes, and this receiver, to alertmanager.yml:',
    '  route:',
    '    routes:',
    '      - receiver: alertscale',
    matcher ? `        matchers: [${matcher}]` : '        # no alertname in the configuration\'s routes: add matchers for the alerts alertscale should act on',
    '  receivers:',
    '    - name: alertscale',
    '      webhook_configs:',
    `        - url: ${facts.url}/alertmanager`,
    '          send_resolved: true',
    '          max_alerts: 0',
    '          http_config:',
    '            authorization:',
    // Quoted: a generated token is base64url, which YAML could otherwise read as a number.
    `              credentials: ${facts.generated ? `'${facts.token}'` : '<the WEBHOOK_TOKEN this server was started with>'}`,
  ];
}

/**
 * The lines local mode prints once it listens. Every command in it works as
 * printed: a generated token is exported first; a token the user chose is
 * never echoed (it may be a real secret), so commands read it from the
 * user's `WEBHOOK_TOKEN`.
 */
export function startBanner(facts: BannerFacts): string[] {
  const { config } = facts;
  const data = facts.dataDir ? `${facts.dataDir} (decisions and queued work survive a restart)` : 'in memory (lost on exit; set DATA_DIR or --data-dir to keep it)';
  return [
    `alertscale local mode is listening on ${facts.url}`,
    `  config:    ${facts.configPath} (${config.node_groups.length} node groups, ${config.receivers.length} receivers)`,
    `  data:      ${data}`,
    `  token:     ${facts.generated ? `${facts.token}  (generated; set WEBHOOK_TOKEN to choose one)` : 'from WEBHOOK_TOKEN'}`,
    ...(facts.record ? [`  record:    ${facts.record} (every accepted webhook, for alertscale replay; rotated to ${facts.record}.1 past ${DEFAULT_RECORDING_MAX_BYTES / 2 ** 20} MiB, ${DEFAULT_RECORDINGS_KEPT} kept)`] : []),
    facts.generated ? 'Try it:' : `Try it, in a shell with ${facts.separateApiToken ? 'API_TOKEN' : 'WEBHOOK_TOKEN'} exported as for this server:`,
    ...(facts.generated ? [`  export WEBHOOK_TOKEN=${facts.token}`] : []),
    `  curl -H "Authorization: Bearer $${facts.separateApiToken ? 'API_TOKEN' : 'WEBHOOK_TOKEN'}" ${facts.url}/api/decisions`,
    `  npx alertscale pause --url ${facts.url}`,
    ...alertmanagerSnippet(facts),
  ];
}
