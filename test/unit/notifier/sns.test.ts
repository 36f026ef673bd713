import { PublishCommand, SNSClient, NotFoundException, ThrottledException } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';

import { AwsSnsPublisher, snsSubject } from '../../../lambdas/adapters/sns/sns-publisher';
import { configFrom, fakeNotifierDeps, notifierFrom, notifyRequest, onlyAlert, sqsEvent, sqsRecord } from './support';

const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:alertscale-notifications';

const config = configFrom(`
route: { receiver: mail }
receivers:
  - name: mail
    sns_configs: [{}]
  - name: custom
    sns_configs: [{ topic_arn: 'arn:aws:sns:us-east-1:123456789012:other', subject: 'GPU fleet alert', send_resolved: false }]
`);

function notifier() {
  const fakes = fakeNotifierDeps(config, { sns: new AwsSnsPublisher(new SNSClient({})), snsTopicArn: TOPIC });
  return { ...fakes, notify: notifierFrom(fakes.deps) };
}

beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

describe('SNS', () => {
  it('publishes one message per request to the stack topic, listing its alerts, with a short subject and a text body', async () => {
    const { notify, decisions } = notifier();
    const request = notifyRequest({ channel: 'sns', receiver: 'mail', alerts: 3 });

    await notify(sqsEvent(sqsRecord(request)));

    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toMatchObject({ TopicArn: TOPIC, Subject: '[FIRING:3] NodeNotReady' });
    expect(request.alerts.map((m) => calls[0]?.args[0].input.Message?.includes(`FIRING: ${m.alert.annotations.summary}`))).toEqual([true, true, true]);
    expect(request.alerts.map((m) => decisions.action(m.decisionId)?.outcome)).toEqual(['sent', 'sent', 'sent']);
  });

  it('says how many more alerts the notification had than the message lists', async () => {
    const { notify } = notifier();

    await notify(sqsEvent(sqsRecord(notifyRequest({ channel: 'sns', receiver: 'mail', alerts: 2, truncatedAlerts: 5 }))));

    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.Message).toContain('and 5 more');
  });

  it('uses the configured topic and subject', async () => {
    const { notify } = notifier();

    await notify(sqsEvent(sqsRecord(notifyRequest({ channel: 'sns', receiver: 'custom' }))));

    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input).toMatchObject({ TopicArn: 'arn:aws:sns:us-east-1:123456789012:other', Subject: 'GPU fleet alert' });
  });

  it('skips a resolved alert when send_resolved is false', async () => {
    const { notify, decisions } = notifier();
    const request = notifyRequest({ channel: 'sns', receiver: 'custom', status: 'resolved' });

    await notify(sqsEvent(sqsRecord(request)));

    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(decisions.action(onlyAlert(request).decisionId)).toMatchObject({ outcome: 'skipped', detail: 'resolved, and send_resolved is false' });
  });

  it('records a topic that does not exist as a permanent failure', async () => {
    sns.on(PublishCommand).rejects(new NotFoundException({ message: 'Topic does not exist', $metadata: { httpStatusCode: 404 } }));
    const { notify, decisions } = notifier();
    const request = notifyRequest({ channel: 'sns', receiver: 'mail' });

    const result = await notify(sqsEvent(sqsRecord(request)));

    expect(result.batchItemFailures).toEqual([]);
    expect(decisions.action(onlyAlert(request).decisionId)).toMatchObject({ outcome: 'failed', detail: 'SNS Publish failed: NotFoundException (HTTP 404)' });
  });

  it('fails the record when SNS keeps throttling', async () => {
    sns.on(PublishCommand).rejects(new ThrottledException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } }));
    const { notify, decisions } = notifier();
    const request = notifyRequest({ channel: 'sns', receiver: 'mail' });
    const record = sqsRecord(request);

    const result = await notify(sqsEvent(record));

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(decisions.action(onlyAlert(request).decisionId)?.outcome).toBe('failed');
  });
});

describe('snsSubject', () => {
  it('keeps a subject SNS accepts: printable ASCII on one line, at most 100 characters', () => {
    const subject = snsSubject(`🔥 ${'x'.repeat(200)}\nsecond line`);

    expect(subject).toHaveLength(100);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
  });
});
