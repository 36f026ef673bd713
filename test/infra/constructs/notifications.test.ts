import { aws_events as events, aws_sns as sns, aws_sqs as sqs } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RETRY, worstCaseSendMs } from '../../../lambdas/adapters/http/http-post';
import { patterns } from '../../../lambdas/shared/events';
import { DecisionTable } from '../../../lib/constructs/decision-table';
import { Notifications, notifierTimeout } from '../../../lib/constructs/notifications';
import { bareStack, configOf, exampleConfigDocument, removeAssemblies, roleStatements } from '../support';

afterAll(removeAssemblies);

function notificationsAlone(document: unknown = exampleConfigDocument()) {
  const stack = bareStack();
  const bus = new events.EventBus(stack, 'Bus');
  const table = new DecisionTable(stack, 'DecisionTable').table;
  const alarmTopic = new sns.Topic(stack, 'Alarms');
  const eventTargetDeadLetterQueue = new sqs.Queue(stack, 'TargetDlq');
  const notifications = new Notifications(stack, 'Notifications', { config: configOf(document), bus, table, alarmTopic, eventTargetDeadLetterQueue });
  return { stack, table, notifications, template: Template.fromStack(stack) };
}

/** The example configuration with a webhook of the given timeout in a receiver of its own. */
function withWebhookTimeout(timeout: string) {
  const document = exampleConfigDocument();
  (document.receivers as unknown[]).push({ name: 'slow-hook', webhook_configs: [{ url: 'https://hooks.internal/slow', timeout }] });
  return document;
}

let built: ReturnType<typeof notificationsAlone>;
beforeAll(() => {
  built = notificationsAlone();
});

describe('worstCaseSendMs', () => {
  it('is 100 s for the default retries and a 10 s timeout, as the notifier retries', () => {
    expect(worstCaseSendMs(DEFAULT_RETRY, 10_000)).toBe(100_000);
  });

  it('counts the longer of the Retry-After cap and the backoff cap between attempts', () => {
    expect(worstCaseSendMs({ attempts: 3, baseDelayMs: 100, maxDelayMs: 30_000, maxRetryAfterMs: 1_000 }, 5_000)).toBe(3 * 5_000 + 2 * 30_000);
  });
});

describe('the notifier timeout', () => {
  it("is the worst case of the longest channel timeout plus 20 s: 120 s with the example's defaults", () => {
    const { template } = built;
    template.hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('notifier'), Timeout: 120 });
  });

  it('follows a longer channel timeout in the configuration, and the queue visibility follows it', () => {
    const slow = notificationsAlone(withWebhookTimeout('30s'));
    const expected = (4 * 30 + 3 * 20) + 20;
    slow.template.hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('notifier'), Timeout: expected });
    slow.template.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 6 * expected + 5, RedrivePolicy: Match.anyValue() });
  });

  it('follows a shorter channel timeout too: the longest one configured, not the default', () => {
    const document = exampleConfigDocument();
    document.receivers = [{ name: 'oncall', pagerduty_configs: [{ routing_key_secret: 'alertscale/pagerduty', timeout: '2s' }] }];
    document.route = { receiver: 'oncall' };
    expect(notifierTimeout(configOf(document)).toSeconds()).toBe(4 * 2 + 3 * 20 + 20);
  });

  it("stops at Lambda's 900 s when the retries would take longer", () => {
    expect(notifierTimeout(configOf(withWebhookTimeout('4m'))).toSeconds()).toBe(900);
  });

  it('refuses a channel timeout that leaves no room for one attempt, naming the key', () => {
    expect(() => notifierTimeout(configOf(withWebhookTimeout('15m')))).toThrow(
      "receivers[4].webhook_configs[0].timeout is 900 s: one attempt and the notifier's 20 s margin do not fit in Lambda's 900 s; set it to 880s or less",
    );
  });
});

describe('Notifications, alone on a stack', () => {
  it('delivers Notify Requested to its queue for at most six hours, and keeps it there as long', () => {
    const { template, stack, notifications } = built;
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: patterns.notifyRequested,
      Targets: [Match.objectLike({ Arn: stack.resolve(notifications.notifyQueue.queue.queueArn), RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 21600 } })],
    });
    template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 21600, RedrivePolicy: Match.anyValue() });
  });

  it('grants the secrets the configuration names, found by itself', () => {
    const { template, stack, notifications } = built;
    const statements = roleStatements(stack, template, notifications.notifier.role!);
    const secrets = statements.filter((s) => s.Sid === 'ReadChannelSecrets').flatMap((s) => s.Resource as unknown[]);
    expect(JSON.stringify(secrets)).toContain(':secret:alertscale/pagerduty-??????');
    expect(JSON.stringify(secrets)).toContain(':secret:alertscale/slack-??????');
    expect(secrets).toHaveLength(2);
  });

  it('lets the notifier put only Notification Sent, and get, put and update table items', () => {
    const { template, stack, notifications, table } = built;
    const statements = roleStatements(stack, template, notifications.notifier.role!);
    expect(statements).toContainEqual(
      expect.objectContaining({
        Sid: 'PutOwnEvents',
        Condition: { StringEquals: { 'events:source': 'alertscale', 'events:detail-type': ['Notification Sent'] } },
      }),
    );
    expect(statements).toContainEqual({
      Sid: 'DecisionTable',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      Resource: stack.resolve(table.tableArn),
    });
  });

  it('alarms when the oldest notify request has waited a quarter of an hour', () => {
    const { template, stack, notifications } = built;
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: stack.resolve(notifications.notifyQueue.queue.queueName) }],
      Threshold: 900,
    });
  });
});
