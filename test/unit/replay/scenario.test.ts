import { describe, expect, it } from 'vitest';
import { parseScenarioText, ScenarioError, scenarioHistory } from '../../../lambdas/replay/inputs/scenario';
import type { WebhookEntry } from '../../../lambdas/replay/history';
import { fixture } from '../../support/builders';

type Body = {
  status: string;
  groupKey: string;
  alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; endsAt: string; fingerprint: string; generatorURL: string }[];
  [key: string]: unknown;
};

const webhooksOf = (text: string) =>
  scenarioHistory(parseScenarioText(text, 's.yml'), 's.yml')
    .entries.filter((e): e is WebhookEntry => e.kind === 'webhook')
    .map((e) => ({ at: e.receivedAt, body: e.body as Body }));

function problemsOf(text: string): string[] {
  try {
    parseScenarioText(text, 's.yml');
  } catch (error) {
    if (error instanceof ScenarioError) return error.problems.map((p) => p.text);
    throw error;
  }
  throw new Error('the scenario parsed');
}

/** The alerts of the real Alertmanager 0.25 payloads, as a scenario writes them. */
const QUEUES = `
start: 2026-11-22T02:06:12Z
receiver: hook
external_url: http://vm:19094
resend: 5s
alerts:
${['q0', 'q1', 'q2']
  .map(
    (q) => `  - labels: { alertname: GPUQueueDepthHigh, nodegroup: gpu-a100, queue: ${q}, severity: warning }
    annotations: { runbook_url: 'https://runbooks.example/gpu-queue', summary: queue ${q} depth above 100 }
    at: 0s${q === 'q0' ? '\n    resolve: 3s' : '\n    resolve: 1m'}`,
  )
  .join('\n')}
`;

/** Everything of a notification but the instants, which a scenario sets to the millisecond and Alertmanager to the nanosecond. */
const shape = (body: Body) => ({ ...body, alerts: body.alerts.map(({ startsAt: _s, endsAt, ...rest }) => ({ ...rest, endsAt: endsAt.startsWith('0001') ? endsAt : 'set' })) });

describe('scenarios: the webhooks Alertmanager would send', () => {
  it('shapes a group notification as Alertmanager 0.25 does: keys, groupKey, common labels, fingerprints, order', () => {
    const [first] = webhooksOf(QUEUES);
    const real = fixture<Body>('alertmanager-0.25/grouped-firing.json');
    expect(Object.keys(first!.body).sort()).toEqual(Object.keys(real).sort());
    expect(shape(first!.body)).toEqual(shape(real));
  });

  it('sends a resolved alert once with its endsAt, beside the ones still firing, as Alertmanager 0.25 does', () => {
    const [, second, third] = webhooksOf(QUEUES);
    const real = fixture<Body>('alertmanager-0.25/one-resolved-two-firing.json');
    expect(shape(second!.body)).toEqual(shape(real));
    expect(second!.body.alerts[0]).toMatchObject({ status: 'resolved', endsAt: '2026-11-22T02:06:15.000Z' });
    expect(third!.body.alerts.map((a) => a.labels.queue)).toEqual(['q1', 'q2']);
  });

  it('sends at group_wait, then every resend while an alert fires, then the resolve once, and nothing after', () => {
    const sent = webhooksOf(`
start: 2025-03-03T00:00:00Z
group_wait: 30s
resend: 5m
alerts:
  - { labels: { alertname: A, nodegroup: g }, at: 1m, resolve: 12m }
`);
    expect(sent.map((w) => [w.at, w.body.status])).toEqual([
      ['2025-03-03T00:01:30.000Z', 'firing'],
      ['2025-03-03T00:06:30.000Z', 'firing'],
      ['2025-03-03T00:11:30.000Z', 'firing'],
      ['2025-03-03T00:16:30.000Z', 'resolved'],
    ]);
    expect(new Set(sent.map((w) => w.body.alerts[0]!.startsAt))).toEqual(new Set(['2025-03-03T00:01:00.000Z']));
  });

  it('sends each notification once per replica, at the same moment', () => {
    const once = webhooksOf('alerts: [{ labels: { alertname: A }, at: 0m, resolve: 10m }]');
    const twice = webhooksOf('replicas: 2\nalerts: [{ labels: { alertname: A }, at: 0m, resolve: 10m }]');
    expect(twice).toHaveLength(2 * once.length);
    expect(twice.map((w) => w.at)).toEqual(once.flatMap((w) => [w.at, w.at]));
  });

  it('groups by group_by, one groupKey per group, and makes a group again for an alert that fires after it ended', () => {
    const sent = webhooksOf(`
group_by: [nodegroup]
resend: 5m
alerts:
  - { labels: { alertname: A, nodegroup: g1 }, at: 0m, resolve: 5m }
  - { labels: { alertname: B, nodegroup: g2 }, at: 0m, resolve: 5m }
  - { labels: { alertname: A, nodegroup: g1 }, at: 20m, resolve: 22m }
`);
    expect([...new Set(sent.map((w) => w.body.groupKey))].sort()).toEqual(['{}:{nodegroup="g1"}', '{}:{nodegroup="g2"}']);
    const g1 = sent.filter((w) => w.body.groupKey === '{}:{nodegroup="g1"}').map((w) => `${w.at.slice(11, 16)} ${w.body.status}`);
    expect(g1).toEqual(['00:00 firing', '00:05 resolved', '00:20 firing', '00:25 resolved']);
  });

  it('says where each problem of a scenario is, by line and column', () => {
    expect(problemsOf(['resend: soon', 'alerts:', '  - labels: { nodegroup: g }', '    at: 5m', '    resolve: 1m', '    resolv: 2m'].join('\n'))).toEqual([
      'resend: "soon" is not a duration; write it like 0m, 90s, 45m or 1h30m (line 1, column 1)',
      'alerts[0].labels: an alert needs an alertname label (line 3, column 5)',
      'alerts[0].resolve: resolve must come after at (line 5, column 5)',
      'alerts[0].resolv: unknown key; did you mean "resolve"? (line 6, column 5)',
    ]);
    expect(problemsOf('alerts:\n  - { labels: { alertname: A }, at: 5m, resolve: 1m }')).toEqual(['alerts[0].resolve: resolve must come after at (line 2, column 41)']);
    expect(problemsOf('alerts: [')[0]).toMatch(/line 1/);
  });

  it('refuses two alerts with the same labels firing at once: Alertmanager would see one', () => {
    expect(problemsOf('alerts:\n  - { labels: { alertname: A }, at: 0m, resolve: 10m }\n  - { labels: { alertname: A }, at: 5m }')[0]).toMatch(/^alerts\[1\]\.at: alerts\[0\] has the same labels/);
  });
});
