import type { aws_events as events } from 'aws-cdk-lib';
import type { EventPattern as SharedEventPattern } from '../lambdas/shared/events';

/**
 * EventBridge's top-level pattern keys and the names `events.EventPattern`
 * gives them. CDK renders them back to these exact keys, so a rule built from
 * a shared pattern carries that pattern, unchanged, into the template.
 */
const TOP_LEVEL_KEYS = {
  version: 'version',
  id: 'id',
  'detail-type': 'detailType',
  source: 'source',
  account: 'account',
  time: 'time',
  region: 'region',
  resources: 'resources',
  detail: 'detail',
} as const satisfies Record<string, keyof events.EventPattern>;

/** A shared pattern uses a key EventBridge does not have at the top level of an event. */
export class EventPatternError extends Error {
  override readonly name = 'EventPatternError';
}

/**
 * Converts one of the shared patterns in `lambdas/shared/events.ts` (written
 * with EventBridge's own keys, as local mode evaluates them) to CDK's
 * `events.EventPattern`. Throws on an unknown top-level key rather than
 * dropping it, since a dropped key would widen the rule silently.
 */
export function toEventPattern(pattern: SharedEventPattern): events.EventPattern {
  const converted: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pattern)) {
    const cdkKey = (TOP_LEVEL_KEYS as Record<string, string>)[key];
    if (cdkKey === undefined) {
      throw new EventPatternError(
        `event pattern key "${key}" is not an EventBridge event field; use one of ${Object.keys(TOP_LEVEL_KEYS).join(', ')}`,
      );
    }
    // The shared patterns are deeply readonly; CDK's type is mutable but never mutates them.
    converted[cdkKey] = structuredClone(value);
  }
  return converted as events.EventPattern;
}
