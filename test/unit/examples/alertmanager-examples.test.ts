import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { routeSchema } from '../../../lambdas/shared/config/schema';
import { Matcher, matchesAll, type MatchType } from '../../../lambdas/shared/routing/matchers';
import { buildRouteTree, matchReceivers } from '../../../lambdas/shared/routing/route-tree';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const examples = join(repoRoot, 'examples/alertmanager');

function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

/** The alerts gpu-fleet.rules.yml defines: what every example must send to alertscale. */
const gpuAlerts = (parse(readText(join(repoRoot, 'examples/prometheus/gpu-fleet.rules.yml'))) as { groups: { rules: { alert?: string }[] }[] }).groups
  .flatMap((group) => group.rules.map((rule) => rule.alert))
  .filter((alert): alert is string => alert !== undefined);

interface AlertmanagerYaml {
  route: unknown;
  receivers: { name: string; webhook_configs?: Record<string, unknown>[] }[];
}

/** Receivers an alert reaches in an Alertmanager-syntax route tree, through alertscale's own route matching. */
function receiversOf(config: AlertmanagerYaml, labels: Record<string, string>): string[] {
  return matchReceivers(buildRouteTree(routeSchema.parse(config.route)), labels);
}

function webhookOf(config: AlertmanagerYaml, receiver: string): Record<string, unknown> | undefined {
  return config.receivers.find((r) => r.name === receiver)?.webhook_configs?.[0];
}

describe('examples/alertmanager/alertmanager.yml', () => {
  const config = parse(readText(join(examples, 'alertmanager.yml'))) as AlertmanagerYaml;

  it('sends every GPU alert, and only those, to the alertscale receiver', () => {
    const routed = [...gpuAlerts, 'AlertscaleDown', 'KubePodCrashLooping'].filter((alertname) =>
      receiversOf(config, { alertname, nodegroup: 'gpu-a100' }).includes('alertscale'),
    );

    expect(gpuAlerts.length).toBeGreaterThan(0);
    expect(routed).toEqual(gpuAlerts);
  });

  it('sends alertscale\'s own alerts to a receiver that is not alertscale', () => {
    expect(receiversOf(config, { alertname: 'AlertscaleNotificationsFailing', channel: 'pagerduty' })).toEqual(['oncall']);
  });

  it('posts to /alertmanager with resolved alerts, every alert of a group and the token from a file', () => {
    const webhook = webhookOf(config, 'alertscale');

    expect(new URL(String(webhook?.url)).pathname).toBe('/alertmanager');
    expect(webhook).toMatchObject({ send_resolved: true, max_alerts: 0, http_config: { authorization: { credentials_file: expect.stringMatching(/^\//) } } });
  });
});

/** The parts of a Secret and an AlertmanagerConfig (monitoring.coreos.com/v1alpha1) these tests read. */
interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string };
  stringData?: Record<string, string>;
  spec?: {
    route: { receiver: string; matchers: { name: string; matchType: MatchType; value: string }[] };
    receivers: { name: string; webhookConfigs?: WebhookConfigV1alpha1[] }[];
  };
}
interface WebhookConfigV1alpha1 {
  url: string;
  sendResolved: boolean;
  maxAlerts: number;
  httpConfig: { authorization: { type: string; credentials: { name: string; key: string } } };
}

describe('examples/alertmanager/alertmanagerconfig.yml', () => {
  const documents = parseAllDocuments(readText(join(examples, 'alertmanagerconfig.yml'))).map((doc) => doc.toJS() as KubernetesObject);
  const secret = documents.find((doc) => doc.kind === 'Secret');
  const amConfig = documents.find((doc) => doc.kind === 'AlertmanagerConfig');

  it('is a monitoring.coreos.com/v1alpha1 AlertmanagerConfig beside the Secret it reads', () => {
    expect(amConfig?.apiVersion).toBe('monitoring.coreos.com/v1alpha1');
    expect(secret?.metadata.namespace).toBe(amConfig?.metadata.namespace);
  });

  it('routes every GPU alert, and nothing else, to its alertscale receiver', () => {
    const route = amConfig?.spec?.route;
    const matchers = (route?.matchers ?? []).map((m) => new Matcher(m.matchType, m.name, m.value));
    const routed = [...gpuAlerts, 'AlertscaleDown', 'KubePodCrashLooping'].filter((alertname) => matchesAll(matchers, { alertname }));

    expect(route?.receiver).toBe('alertscale');
    expect(routed).toEqual(gpuAlerts);
  });

  it('posts to /alertmanager with resolved alerts, every alert of a group and the Bearer token from the Secret', () => {
    const webhook = amConfig?.spec?.receivers.find((r) => r.name === 'alertscale')?.webhookConfigs?.[0];
    const credentials = webhook?.httpConfig.authorization.credentials;

    expect(new URL(String(webhook?.url)).pathname).toBe('/alertmanager');
    expect(webhook).toMatchObject({ sendResolved: true, maxAlerts: 0, httpConfig: { authorization: { type: 'Bearer' } } });
    expect(credentials?.name).toBe(secret?.metadata.name);
    expect(Object.keys(secret?.stringData ?? {})).toContain(credentials?.key);
  });
});

describe('examples/alertmanager/kube-prometheus-stack-values.yml', () => {
  const values = parse(readText(join(examples, 'kube-prometheus-stack-values.yml'))) as {
    alertmanager: { config: AlertmanagerYaml; alertmanagerSpec: { secrets: string[] } };
    'kube-state-metrics': { metricLabelsAllowlist: string[] };
  };
  const config = values.alertmanager.config;

  it('sends every GPU alert, and only those, to the alertscale receiver', () => {
    const routed = [...gpuAlerts, 'AlertscaleDown', 'Watchdog'].filter((alertname) => receiversOf(config, { alertname, nodegroup: 'gpu-a100' }).includes('alertscale'));

    expect(routed).toEqual(gpuAlerts);
  });

  it('posts to /alertmanager with resolved alerts, every alert of a group and the token from a Secret it mounts', () => {
    const webhook = webhookOf(config, 'alertscale') as { url: string; http_config: { authorization: { credentials_file: string } } };
    const mounted = values.alertmanager.alertmanagerSpec.secrets.map((name) => `/etc/alertmanager/secrets/${name}/`);

    expect(new URL(webhook.url).pathname).toBe('/alertmanager');
    expect(webhook).toMatchObject({ send_resolved: true, max_alerts: 0 });
    expect(mounted.some((dir) => webhook.http_config.authorization.credentials_file.startsWith(dir))).toBe(true);
  });

  it('lets kube-state-metrics export the node group label the rules join on', () => {
    expect(values['kube-state-metrics'].metricLabelsAllowlist).toContain('nodes=[eks.amazonaws.com/nodegroup]');
  });
});
