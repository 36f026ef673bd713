import type { Node } from 'constructs';
import { InfrastructureError } from './errors';

/**
 * The CDK context keys alertscale reads (`cdk.json`'s `context`, or
 * `npx cdk deploy -c key=value`). Lists may be given as JSON lists in
 * cdk.json or as comma-separated strings on the command line.
 */
export const CONTEXT_KEYS = {
  /** The configuration file, relative to the project root. */
  config: 'alertscale:config',
  /** The stack's name, for a second stack beside the first (`AlertscaleStaging`). */
  stackName: 'alertscale:stackName',
  /** Put in front of the stack name in the bus, parameter and dashboard names (`lib/names.ts`). */
  prefix: 'alertscale:prefix',
  /** E-mail addresses subscribed to the alarm topic (each confirms by mail). */
  alarmEmails: 'alertscale:alarmEmails',
  /** An existing SNS topic (an on-call or chat integration's) that every alarm notifies as well. */
  alarmTopicArn: 'alertscale:alarmTopicArn',
  /** IAM role ARNs that may put `Alertmanager Notification` events on the bus besides ingest. */
  notificationProducers: 'alertscale:notificationProducers',
} as const;

/** What the deploy-time context asks of the stack. */
export interface DeployContext {
  readonly prefix?: string;
  readonly alarmEmails: readonly string[];
  readonly alarmTopicArn?: string;
  readonly notificationProducerRoleArns: readonly string[];
}

const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

function list(node: Node, key: string): string[] {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return [];
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [value];
  return items.map((item) => {
    if (typeof item !== 'string') {
      throw new InfrastructureError(`context ${key} holds ${JSON.stringify(item)}: give a list of strings, or one string with commas between the items`);
    }
    return item.trim();
  }).filter((item) => item !== '');
}

function text(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new InfrastructureError(`context ${key} is ${JSON.stringify(value)}: give a string`);
  return value.trim();
}

/**
 * Reads and checks the `alertscale:*` context keys. A value that cannot work
 * stops the synth here, with the value and what to give instead, rather than
 * failing a deploy half-way. The prefix is checked where names are made
 * (`stackNames`).
 */
export function readDeployContext(node: Node): DeployContext {
  const alarmEmails = list(node, CONTEXT_KEYS.alarmEmails);
  for (const email of alarmEmails) {
    if (!EMAIL.test(email)) {
      throw new InfrastructureError(
        `context ${CONTEXT_KEYS.alarmEmails}: ${JSON.stringify(email)} is not an e-mail address; give addresses such as oncall@example.com, as a list or separated by commas`,
      );
    }
  }
  const alarmTopicArn = text(node, CONTEXT_KEYS.alarmTopicArn);
  if (alarmTopicArn !== undefined && !SNS_TOPIC_ARN.test(alarmTopicArn)) {
    throw new InfrastructureError(
      `context ${CONTEXT_KEYS.alarmTopicArn}: ${JSON.stringify(alarmTopicArn)} is not an SNS topic ARN; give one such as arn:aws:sns:eu-west-1:123456789012:oncall`,
    );
  }
  const notificationProducerRoleArns = list(node, CONTEXT_KEYS.notificationProducers);
  for (const arn of notificationProducerRoleArns) {
    if (!ROLE_ARN.test(arn)) {
      throw new InfrastructureError(
        `context ${CONTEXT_KEYS.notificationProducers}: ${JSON.stringify(arn)} is not an IAM role ARN; give role ARNs such as arn:aws:iam::123456789012:role/replayer`,
      );
    }
  }
  const prefix = text(node, CONTEXT_KEYS.prefix);
  return {
    ...(prefix !== undefined ? { prefix } : {}),
    alarmEmails,
    ...(alarmTopicArn !== undefined ? { alarmTopicArn } : {}),
    notificationProducerRoleArns,
  };
}
