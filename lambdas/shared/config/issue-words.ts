import type { z } from 'zod';

/**
 * Plain words for zod's issues, so that `alertscale check` says
 * `required: a list of receivers` rather than
 * `Invalid input: expected array, received undefined`.
 */

// Values of these keys are credentials or carry them (a Slack webhook URL is its own secret): never echoed.
const SECRET_KEYS = new Set([
  'routing_key',
  'service_key',
  'api_url',
  'signing_key',
  'url',
  'slack_api_url',
  'password',
  'credentials',
  'bearer_token',
  'key',
]);

// What a list under each key holds, where the key alone does not say it.
const LIST_NOUNS: Record<string, string> = { fallback: 'node group names', matchers: 'matchers such as \'severity="critical"\'' };

// What a value under each key is, where "a value" would say too little.
const VALUE_NOUNS: Record<string, string> = {
  name: 'a name',
  url: 'a URL',
  asg_name: 'the name of an EC2 Auto Scaling group',
  receiver: 'a receiver name',
  route: 'the root route, a mapping such as { receiver: oncall }',
};

function lastKey(path: readonly PropertyKey[] | undefined): string | undefined {
  const key = [...(path ?? [])].reverse().find((segment) => typeof segment === 'string');
  return key as string | undefined;
}

/** What a value of zod's `expected` type is called, at a key named `key`. */
function expectedNoun(expected: string, key: string | undefined): string {
  switch (expected) {
    case 'array':
      return `a list of ${(key && LIST_NOUNS[key]) ?? (key ? key.replace(/_/g, ' ') : 'values')}`;
    case 'object':
    case 'record':
      return (key && VALUE_NOUNS[key]) ?? 'a mapping of keys to values';
    case 'number':
      return 'a number';
    case 'int':
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    default:
      return (key && VALUE_NOUNS[key]) ?? 'a value';
  }
}

/** How a YAML value reads in a message; credentials are never shown. */
export function describeValue(value: unknown, key: string | undefined): string {
  if (value === null) return 'no value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') {
    if (key !== undefined && SECRET_KEYS.has(key)) return 'text (not shown: it may be a secret)';
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  }
  return String(value);
}

function tooSmall(issue: z.core.$ZodRawIssue<z.core.$ZodIssueTooSmall>): string {
  const minimum = Number(issue.minimum);
  if (issue.origin === 'array') return `needs at least ${minimum} ${minimum === 1 ? 'entry' : 'entries'}`;
  if (issue.origin === 'string') return minimum === 1 ? 'must not be empty' : `needs at least ${minimum} characters`;
  const bound = issue.inclusive ? `at least ${minimum}` : `above ${minimum}`;
  return `must be ${bound}, got ${describeValue(issue.input, lastKey(issue.path))}`;
}

function tooBig(issue: z.core.$ZodRawIssue<z.core.$ZodIssueTooBig>): string {
  const maximum = Number(issue.maximum);
  if (issue.origin === 'array') return `takes at most ${maximum} ${maximum === 1 ? 'entry' : 'entries'}`;
  if (issue.origin === 'string') return `takes at most ${maximum} characters`;
  const bound = issue.inclusive ? `at most ${maximum}` : `below ${maximum}`;
  return `must be ${bound}, got ${describeValue(issue.input, lastKey(issue.path))}`;
}

/** The message for a zod issue in plain words; `undefined` leaves zod's own. */
export function wordsFor(issue: z.core.$ZodRawIssue): string | undefined {
  const key = lastKey(issue.path);
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? `required: ${expectedNoun(issue.expected, key)}`
        : `expected ${expectedNoun(issue.expected, key)}, got ${describeValue(issue.input, key)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((value) => String(value)).join(', ')}; got ${describeValue(issue.input, key)}`;
    case 'too_small':
      return tooSmall(issue);
    case 'too_big':
      return tooBig(issue);
    case 'invalid_format':
      return issue.format === 'url'
        ? `must be a URL such as https://host/path, got ${describeValue(issue.input, key)}`
        : `must be a valid ${issue.format}, got ${describeValue(issue.input, key)}`;
    default:
      return undefined;
  }
}
