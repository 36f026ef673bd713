import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../../lambdas/local/http-server';
import { startLocalPipeline, type LocalPipeline } from '../../lambdas/local/pipeline';
import { parseConfigText } from '../../lambdas/shared/config/load';
import { eventually, startAlertmanager, type RunningAlertmanager } from '../support/alertmanager';
import { needBinary } from '../support/binaries';
import { startFakePeer, type FakePeer } from '../support/fakes/http-peer';
import { memoryLog } from '../support/fakes/log';

const TOKEN = 'e2e-intervals-token';

/** Two intervals: one that always holds, one that never does (a year long past). */
const INTERVALS = `
time_intervals:
  - name: always
    time_intervals: [{ times: [{ start_time: '00:00', end_time: '24:00' }] }]
  - name: long-ago
    time_intervals: [{ years: ['2000'] }]
`;

/** The one route tree both read: everything to alertscale, then team a (muted now) and team b (not muted). */
const ROUTES = `
  routes:
    - { matchers: ['alertname="MuteTest"'], receiver: alertscale, continue: true }
    - { matchers: ['alertname="MuteTest"', 'team="a"'], receiver: team-a, mute_time_intervals: [always] }
    - { matchers: ['alertname="MuteTest"', 'team="b"'], receiver: team-b, mute_time_intervals: [long-ago] }
`;

describe.runIf(needBinary('prometheus-alertmanager') && needBinary('amtool'))('time intervals: Alertmanager and alertscale agree', () => {
  let pipeline: LocalPipeline;
  let server: LocalServer;
  let peer: FakePeer;
  let alertmanager: RunningAlertmanager;

  beforeAll(async () => {
    peer = await startFakePeer();
    const config = parseConfigText(`${INTERVALS}
node_groups:
  - { name: gpu-a, asg_name: gpu-a-nodes, min: 0, max: 8, local: { desired: 1 } }
  - { name: gpu-b, asg_name: gpu-b-nodes, min: 0, max: 8, local: { desired: 1 } }
route:
  receiver: alertscale
${ROUTES}
receivers:
  - name: alertscale
  - { name: team-a, scale_configs: [{ node_group: gpu-a, change: 1 }] }
  - { name: team-b, scale_configs: [{ node_group: gpu-b, change: 1 }] }
`).config;
    pipeline = await startLocalPipeline({ config, token: TOKEN, log: () => memoryLog() });
    server = await startLocalServer({ pipeline, token: TOKEN, log: memoryLog(), port: 0 });
    const hook = (name: string, url: string, token?: string) =>
      `  - name: ${name}\n    webhook_configs: [{ url: '${url}', send_resolved: false${token ? `, http_config: { authorization: { credentials: ${token} } }` : ''} }]`;
    alertmanager = await startAlertmanager({
      webhookUrl: `${server.url}/alertmanager`,
      token: TOKEN,
      config: `${INTERVALS}
route:
  receiver: alertscale
  group_by: [alertname, team]
  group_wait: 1s
  group_interval: 1s
${ROUTES}
receivers:
${hook('alertscale', `${server.url}/alertmanager`, TOKEN)}
${hook('team-a', `${peer.url}/team-a`)}
${hook('team-b', `${peer.url}/team-b`)}
`,
    });
  });

  afterAll(async () => {
    await alertmanager?.stop();
    await server?.close();
    await pipeline?.stop();
    await peer?.close();
  });

  it('mutes the route whose mute interval holds in both, and acts on the one whose does not', { timeout: 60_000 }, async () => {
    const start = new Date(Date.now() - 60_000).toISOString();
    await alertmanager.addAlert({ alertname: 'MuteTest', team: 'a' }, { start });
    await alertmanager.addAlert({ alertname: 'MuteTest', team: 'b' }, { start });

    // Alertmanager notifies team b's webhook, never team a's.
    await eventually(() => (peer.requests.some((r) => r.path === '/team-b') ? true : undefined), "Alertmanager's notification to team b");
    const decided = await eventually(async () => {
      const decisions = (await pipeline.decisions.listRecent(100)).filter((d) => d.labels.alertname === 'MuteTest');
      return decisions.length === 2 && decisions.every((d) => d.actions.every((a) => a.outcome !== 'requested')) ? decisions : undefined;
    }, 'both decisions with their outcomes');
    // Give Alertmanager its group interval twice more to send to team a, which it must not.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(peer.requests.filter((r) => r.path === '/team-a')).toEqual([]);

    const teamA = decided.find((d) => d.labels.team === 'a')!;
    const teamB = decided.find((d) => d.labels.team === 'b')!;
    expect(teamA.actions).toEqual([expect.objectContaining({ receiver: 'team-a', outcome: 'muted', detail: 'muted: time interval always holds' })]);
    expect(teamB.actions).toEqual([expect.objectContaining({ receiver: 'team-b', outcome: 'scaled', from: 1, to: 2 })]);
    expect((await pipeline.nodeGroups()).map((g) => [g.name, g.desired])).toEqual([
      ['gpu-a', 1],
      ['gpu-b', 2],
    ]);
  });
});
