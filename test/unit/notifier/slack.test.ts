import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, slackMessage } from '../../../lambdas/notifier/channels/slack';
import { itemsOfRequest, notifyItem } from './support';

describe('slackMessage', () => {
  it('counts only the firing alerts in the header of a mixed notification and shows each alert its own status', () => {
    const requests = itemsOfRequest({ alerts: [{ status: 'firing' }, { status: 'resolved' }] });

    const message = slackMessage(requests, { max_alerts: 10 });

    expect(message.blocks[0]).toMatchObject({ text: { text: ':fire: FIRING (1) · NodeNotReady' } });
    expect(message.blocks.slice(1, 3).map((block) => (block.type === 'section' ? block.text.text.split('\n')[0] : ''))).toEqual([
      ':fire: *Firing* — *NodeNotReady*',
      ':white_check_mark: *Resolved* — *NodeNotReady*',
    ]);
  });

  it('marks an escalation so the reader knows remediation did not help', () => {
    const message = slackMessage([notifyItem({ reason: 'escalation' })], { max_alerts: 10 });

    expect(message.blocks[1]).toMatchObject({ text: { text: expect.stringContaining(':warning: _Escalated: remediation did not clear it._') } });
  });

  it('names the receiver in the header when the alerts have different names', () => {
    const requests = itemsOfRequest({ alerts: [{ labels: { alertname: 'A' } }, { labels: { alertname: 'B' } }] });

    expect(slackMessage(requests, { max_alerts: 10 }).text).toBe('[FIRING:2] oncall');
  });

  it('counts alerts Alertmanager itself truncated among those left out', () => {
    const truncated = notifyItem({ truncatedAlerts: 40 });

    expect(slackMessage([truncated], { max_alerts: 10 }).blocks.at(-1)).toMatchObject({ elements: [{ text: expect.stringMatching(/^and 40 more/) }] });
  });

  it('stays within Slack’s 50 blocks however large max_alerts is', () => {
    const requests = itemsOfRequest({ alerts: 80 });

    const message = slackMessage(requests, { max_alerts: 500 });

    expect(message.blocks).toHaveLength(50);
    expect(message.blocks.at(-1)).toMatchObject({ elements: [{ text: expect.stringMatching(/^and 32 more/) }] });
  });

  it('leaves out a link that is not http(s), so it cannot break the mrkdwn', () => {
    const request = notifyItem({ annotations: { summary: 's', runbook_url: 'javascript:alert(1)' } });

    expect(slackMessage([request], { max_alerts: 10 }).blocks[1]).toMatchObject({ text: { text: expect.not.stringContaining('Runbook') } });
  });
});

describe('slackMessage: who posts', () => {
  it('carries username, icon_emoji, icon_url and link_names as the incoming webhook’s fields', () => {
    const config = { max_alerts: 10, username: 'alertscale', icon_emoji: ':robot_face:', icon_url: 'https://example.com/icon.png', link_names: true };

    expect(slackMessage([notifyItem()], config)).toMatchObject({ username: 'alertscale', icon_emoji: ':robot_face:', icon_url: 'https://example.com/icon.png', link_names: true });
  });

  it('leaves out what is not configured, and link_names when false, as Alertmanager does', () => {
    const message = slackMessage([notifyItem()], { max_alerts: 10, link_names: false });

    expect(Object.keys(message).sort()).toEqual(['blocks', 'text']);
  });
});

describe('escapeMrkdwn', () => {
  it('escapes the three characters Slack reserves', () => {
    expect(escapeMrkdwn('a < b && c > d')).toBe('a &lt; b &amp;&amp; c &gt; d');
  });
});
