import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { startBanner, type BannerFacts } from '../../../lambdas/local/serve';
import type { RouteConfig } from '../../../lambdas/shared/config/schema';
import { matchesAll, parseMatchers } from '../../../lambdas/shared/routing/matchers';

const route: RouteConfig = {
  receiver: 'oncall',
  continue: false,
  routes: [
    { receiver: 'scale-up', matchers: ['alertname="GPUQueueDepthHigh"'], continue: true },
    { receiver: 'quiet', matchers: ['alertname="GPUQueueDepthHigh"', 'severity!="critical"'], continue: false },
    { receiver: 'oncall', matchers: ['alertname=~"NodeNotReady|GPUXidErrors"'], continue: false, routes: [{ receiver: 'x', match: { alertname: 'GPU.Low' }, continue: false }] },
  ],
};

const facts = (overrides: Partial<BannerFacts> = {}): BannerFacts => ({
  url: 'http://127.0.0.1:8080',
  configPath: 'config/alertscale.yml',
  config: { node_groups: [], receivers: [], route },
  token: 'generated-Tok3n',
  generated: true,
  ...overrides,
});

/** The Alertmanager configuration the banner prints, parsed as Alertmanager would read it. */
function snippetOf(lines: readonly string[]) {
  const start = lines.findIndex((line) => line.startsWith('Point Alertmanager at it'));
  return parse(lines.slice(start + 1).map((line) => line.slice(2)).join('\n')) as {
    route: { routes: { receiver: string; matchers?: string[] }[] };
    receivers: { name: string; webhook_configs: Record<string, unknown>[] }[];
  };
}

describe('the start banner', () => {
  it('exports a generated token before the command that uses it, so that the command works as printed', () => {
    const lines = startBanner(facts());
    const exported = lines.indexOf('  export WEBHOOK_TOKEN=generated-Tok3n');
    const curl = lines.indexOf('  curl -H "Authorization: Bearer $WEBHOOK_TOKEN" http://127.0.0.1:8080/api/decisions');
    expect(exported).toBeGreaterThan(-1);
    expect(curl).toBeGreaterThan(exported);
  });

  it('never prints a token the user chose, and says the commands read it from their shell', () => {
    const lines = startBanner(facts({ token: 'users-own-secret', generated: false }));
    expect(lines.join('\n')).not.toContain('users-own-secret');
    expect(lines).toContain('  token:     from WEBHOOK_TOKEN');
    expect(lines).toContain('Try it, in a shell with WEBHOOK_TOKEN exported as for this server:');
  });

  it('sends API_TOKEN in the commands it prints when /api/* has a token of its own', () => {
    const lines = startBanner(facts({ token: 'users-own-secret', generated: false, separateApiToken: true }));
    expect(lines).toContain('Try it, in a shell with API_TOKEN exported as for this server:');
    expect(lines.some((line) => line.startsWith('  curl -H "Authorization: Bearer $API_TOKEN" '))).toBe(true);
  });

  it('prints a whole Alertmanager receiver: url, send_resolved, max_alerts 0 and the token as credentials', () => {
    const { receivers } = snippetOf(startBanner(facts()));
    expect(receivers).toEqual([
      {
        name: 'alertscale',
        webhook_configs: [
          { url: 'http://127.0.0.1:8080/alertmanager', send_resolved: true, max_alerts: 0, http_config: { authorization: { credentials: 'generated-Tok3n' } } },
        ],
      },
    ]);
  });

  it('quotes the token, so that YAML reads one made of digits as text', () => {
    const { receivers } = snippetOf(startBanner(facts({ token: '1234e5' })));
    expect(receivers[0]!.webhook_configs[0]!.http_config).toEqual({ authorization: { credentials: '1234e5' } });
  });

  it('prints a route to the receiver matching every alert name the configuration routes by, and only those', () => {
    const [printed] = snippetOf(startBanner(facts())).route.routes;
    expect(printed!.receiver).toBe('alertscale');
    const matchers = printed!.matchers!.flatMap(parseMatchers);
    for (const name of ['GPUQueueDepthHigh', 'NodeNotReady', 'GPUXidErrors', 'GPU.Low']) expect(matchesAll(matchers, { alertname: name })).toBe(true);
    for (const name of ['GPUxLow', 'Other', 'GPUQueueDepthHighX']) expect(matchesAll(matchers, { alertname: name })).toBe(false);
  });

  it('says to add matchers when the configuration routes by no alert name', () => {
    const lines = startBanner(facts({ config: { node_groups: [], receivers: [], route: { receiver: 'oncall', continue: false } } }));
    expect(snippetOf(lines).route.routes).toEqual([{ receiver: 'alertscale' }]);
    expect(lines.some((line) => line.includes('add matchers for the alerts alertscale should act on'))).toBe(true);
  });

  it('shows the recording file only when one is given', () => {
    expect(startBanner(facts()).some((line) => line.startsWith('  record:'))).toBe(false);
    expect(startBanner(facts({ record: 'webhooks.jsonl' }))).toContain(
      '  record:    webhooks.jsonl (every accepted webhook, for alertscale replay; rotated to webhooks.jsonl.1 past 64 MiB, 5 kept)',
    );
  });
});
