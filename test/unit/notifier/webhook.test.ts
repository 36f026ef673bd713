import { describe, expect, it } from 'vitest';
import { signatureHeaders, signWebhook, verifyWebhookSignature, webhookBody } from '../../../lambdas/notifier/channels/webhook';
import { itemsOfRequest } from './support';

const secret = 'unit-signing-key';
const at = new Date('2026-01-01T10:00:00Z');
const body = '{"version":"1"}';

describe('verifyWebhookSignature', () => {
  it('accepts what signatureHeaders produced for the same body and key', () => {
    const headers = signatureHeaders(body, secret, at);

    expect(verifyWebhookSignature({ body, timestamp: headers['X-Alertscale-Timestamp'], signature: headers['X-Alertscale-Signature'], secret, now: at })).toBe(true);
  });

  it('signs "<timestamp>.<body>" as v1= and lowercase hex HMAC-SHA256', () => {
    // Computed independently: printf '1767261600.{"version":"1"}' | openssl dgst -sha256 -hmac unit-signing-key
    expect(signWebhook(body, secret, 1767261600)).toBe('v1=7a9792495ab1a14aeb875aa893cd97473078e07e25ae90e145f4818da0295b1b');
  });

  it('rejects a timestamp from more than five minutes in the future', () => {
    const timestamp = String(Math.floor(at.getTime() / 1000) + 301);

    expect(verifyWebhookSignature({ body, timestamp, signature: signWebhook(body, secret, Number(timestamp)), secret, now: at })).toBe(false);
  });

  it('accepts a timestamp just inside the tolerance', () => {
    const timestamp = String(Math.floor(at.getTime() / 1000) - 300);

    expect(verifyWebhookSignature({ body, timestamp, signature: signWebhook(body, secret, Number(timestamp)), secret, now: at })).toBe(true);
  });

  it.each([
    ['missing headers', undefined, undefined],
    ['a non-numeric timestamp', '12abc', 'v1=00'],
    ['a signature of another length', String(Math.floor(at.getTime() / 1000)), 'v1=abc'],
  ])('rejects %s without throwing', (_case, timestamp, signature) => {
    expect(verifyWebhookSignature({ body, timestamp, signature, secret, now: at })).toBe(false);
  });
});

describe('webhookBody', () => {
  it('lists up to max_alerts alerts and counts the rest in truncatedAlerts', () => {
    const requests = itemsOfRequest({ channel: 'webhook', alerts: 5 });

    const result = webhookBody(requests, { max_alerts: 2 });

    expect([result.alerts.length, result.decisions.length, result.truncatedAlerts]).toEqual([2, 2, 3]);
  });

  it('lists every alert when max_alerts is 0', () => {
    const requests = itemsOfRequest({ channel: 'webhook', alerts: 5 });

    expect(webhookBody(requests, { max_alerts: 0 }).alerts).toHaveLength(5);
  });

  it('is resolved only when every alert is resolved', () => {
    const mixed = itemsOfRequest({ alerts: [{ status: 'resolved' }, { status: 'firing' }] });

    expect([webhookBody(mixed, { max_alerts: 0 }).status, webhookBody(itemsOfRequest({ status: 'resolved' }), { max_alerts: 0 }).status]).toEqual(['firing', 'resolved']);
  });
});
