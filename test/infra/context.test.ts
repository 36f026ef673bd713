import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { readDeployContext } from '../../lib/context';
import { InfrastructureError } from '../../lib/errors';
import { stackNames } from '../../lib/names';

const contextOf = (context: Record<string, unknown>) => readDeployContext(new App({ context }).node);

describe('the deploy context', () => {
  it('is empty lists and nothing else when no alertscale key is set', () => {
    expect(contextOf({})).toEqual({ alarmEmails: [], notificationProducerRoleArns: [] });
  });

  it('takes lists as JSON lists (cdk.json) or comma-separated strings (-c on the command line)', () => {
    expect(contextOf({ 'alertscale:alarmEmails': ['a@example.com', 'b@example.com'] }).alarmEmails).toEqual(['a@example.com', 'b@example.com']);
    expect(contextOf({ 'alertscale:alarmEmails': 'a@example.com, b@example.com' }).alarmEmails).toEqual(['a@example.com', 'b@example.com']);
  });

  it('reads the prefix, the existing alarm topic and the notification producers', () => {
    expect(
      contextOf({
        'alertscale:prefix': 'team-gpu',
        'alertscale:alarmTopicArn': 'arn:aws:sns:eu-west-1:123456789012:oncall',
        'alertscale:notificationProducers': 'arn:aws:iam::123456789012:role/replayer',
      }),
    ).toEqual({
      prefix: 'team-gpu',
      alarmEmails: [],
      alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:oncall',
      notificationProducerRoleArns: ['arn:aws:iam::123456789012:role/replayer'],
    });
  });

  it('refuses an address that is not one, with the value and what to give', () => {
    expect(() => contextOf({ 'alertscale:alarmEmails': 'oncall' })).toThrow(InfrastructureError);
    expect(() => contextOf({ 'alertscale:alarmEmails': 'oncall' })).toThrow(
      'context alertscale:alarmEmails: "oncall" is not an e-mail address; give addresses such as oncall@example.com, as a list or separated by commas',
    );
  });

  it('refuses an alarm topic that is not an SNS topic ARN', () => {
    expect(() => contextOf({ 'alertscale:alarmTopicArn': 'oncall' })).toThrow(
      'context alertscale:alarmTopicArn: "oncall" is not an SNS topic ARN; give one such as arn:aws:sns:eu-west-1:123456789012:oncall',
    );
  });

  it('refuses a producer that is not an IAM role ARN', () => {
    expect(() => contextOf({ 'alertscale:notificationProducers': ['arn:aws:iam::123456789012:user/bob'] })).toThrow(
      'context alertscale:notificationProducers: "arn:aws:iam::123456789012:user/bob" is not an IAM role ARN; give role ARNs such as arn:aws:iam::123456789012:role/replayer',
    );
  });

  it('refuses a list item that is not a string', () => {
    expect(() => contextOf({ 'alertscale:alarmEmails': [42] })).toThrow(
      'context alertscale:alarmEmails holds 42: give a list of strings, or one string with commas between the items',
    );
  });
});

describe('stack names', () => {
  const stack = (name: string) => new Stack(new App(), name);

  it('keep the names the default stack always had', () => {
    expect(stackNames(stack('Alertscale'))).toEqual({
      base: 'alertscale',
      eventBus: 'alertscale',
      pauseParameter: '/alertscale/paused',
      dashboard: 'alertscale',
    });
  });

  it('follow the stack name in kebab case, with the prefix in front', () => {
    expect(stackNames(stack('AlertscaleProd')).eventBus).toBe('alertscale-prod');
    expect(stackNames(stack('AlertscaleProd'), 'team-gpu').pauseParameter).toBe('/team-gpu-alertscale-prod/paused');
  });

  it('refuse a prefix that cannot name the bus, the parameter and the dashboard', () => {
    expect(() => stackNames(stack('Alertscale'), 'team gpu')).toThrow(
      'name prefix "team gpu" (context alertscale:prefix) cannot name the bus, the kill-switch parameter and the dashboard: use 1-32 letters, digits and hyphens, starting with a letter',
    );
  });
});
