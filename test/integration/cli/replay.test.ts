import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { notificationEvents } from '../../../lambdas/ingest/ingest';
import { webhookSchema } from '../../../lambdas/shared/alertmanager';
import { fixture } from '../../support/builders';
import { alertscale, tempFile } from './run-cli';

/** `Alertmanager Notification` events as EventBridge hands them to a target, one per line, gzipped as Firehose may write them to S3. */
function firehoseObject(): string {
  const events = [0, 10].map((minute, i) => {
    const receivedAt = new Date(Date.parse('2026-11-20T10:00:00Z') + minute * 60_000).toISOString();
    const [event] = notificationEvents(webhookSchema.parse(fixture('alertmanager/queue-depth-group.json')), receivedAt, `n-${i}`);
    return JSON.stringify({ version: '0', id: `e-${i}`, 'detail-type': event!.detailType, source: 'alertscale', account: '123456789012', time: receivedAt, region: 'eu-west-1', resources: [], detail: event!.detail });
  });
  const path = tempFile('events.gz', '');
  writeFileSync(path, gzipSync(events.join('\n')));
  return path;
}

describe('alertscale replay, as a user runs it', () => {
  it('replays captured bus events from a gzip object and exits 0', async () => {
    const result = await alertscale(['replay', '--config', 'config/alertscale.yml', '--json', firehoseObject()]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.deliveries).toMatchObject({ webhooks: 2, new: 3 });
    expect(report.nodeGroups.find((g: { name: string }) => g.name === 'gpu-a100').actions).toEqual({ scaled: 2 });
  });

  it('exits 2 with its usage when given no INPUT, and 1 when an INPUT cannot be read', async () => {
    const usage = await alertscale(['replay', '--config', 'config/alertscale.yml']);
    expect([usage.code, usage.stderr.split('\n')[0]]).toEqual([2, 'alertscale: error: give at least one INPUT: a recording, captured bus events, or a scenario']);
    const missing = await alertscale(['replay', '--config', 'config/alertscale.yml', 'no-such-history.jsonl']);
    expect([missing.code, missing.stderr]).toEqual([1, 'cannot read no-such-history.jsonl: ENOENT\n']);
  });
});
