import type { EventPattern } from '../../shared/events';

type Scalar = string | number | boolean | null;

function matchesNumeric(value: unknown, conditions: readonly unknown[]): boolean {
  if (typeof value !== 'number') return false;
  for (let i = 0; i + 1 < conditions.length; i += 2) {
    const op = conditions[i];
    const bound = conditions[i + 1] as number;
    const ok =
      op === '=' ? value === bound : op === '<' ? value < bound : op === '<=' ? value <= bound : op === '>' ? value > bound : op === '>=' ? value >= bound : false;
    if (!ok) return false;
  }
  return true;
}

function wildcardToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 's');
}

/** One element of a pattern's value list against one scalar of the event. */
function matchesElement(element: unknown, value: unknown, present: boolean): boolean {
  if (element === null || typeof element !== 'object') return present && value === (element as Scalar);
  const rule = element as Record<string, unknown>;
  if ('exists' in rule) return rule.exists === present;
  if (!present) return 'anything-but' in rule;
  if ('prefix' in rule) {
    const prefix = rule.prefix;
    if (typeof prefix === 'object' && prefix !== null && 'equals-ignore-case' in prefix) {
      return typeof value === 'string' && value.toLowerCase().startsWith(String((prefix as Record<string, unknown>)['equals-ignore-case']).toLowerCase());
    }
    return typeof value === 'string' && value.startsWith(String(prefix));
  }
  if ('suffix' in rule) return typeof value === 'string' && value.endsWith(String(rule.suffix));
  if ('equals-ignore-case' in rule) return typeof value === 'string' && value.toLowerCase() === String(rule['equals-ignore-case']).toLowerCase();
  if ('wildcard' in rule) return typeof value === 'string' && wildcardToRegExp(String(rule.wildcard)).test(value);
  if ('numeric' in rule) return matchesNumeric(value, rule.numeric as unknown[]);
  if ('anything-but' in rule) {
    const but = rule['anything-but'];
    if (Array.isArray(but)) return !but.includes(value);
    if (typeof but === 'object' && but !== null) return !matchesElement(but, value, present);
    return value !== but;
  }
  throw new Error(`unsupported event pattern operator: ${JSON.stringify(element)}`);
}

function matchesValues(values: readonly unknown[], field: unknown, present: boolean): boolean {
  // An array in the event matches when any of its elements does, as in EventBridge.
  const candidates = Array.isArray(field) ? field : [field];
  if (candidates.length === 0) return values.some((element) => matchesElement(element, undefined, false));
  return candidates.some((candidate) => values.some((element) => matchesElement(element, candidate, present)));
}

/**
 * Whether an event matches an EventBridge event pattern, with EventBridge's
 * semantics for the operators alertscale and its users need: exact values,
 * `prefix`, `suffix`, `anything-but`, `exists`, `numeric`,
 * `equals-ignore-case`, `wildcard`, nested objects and array fields. Local
 * mode routes its in-process bus with it, so the stack's own patterns decide.
 */
export function matchesPattern(pattern: EventPattern, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const present = Object.prototype.hasOwnProperty.call(event, key) && event[key] !== undefined;
    const field = present ? event[key] : undefined;
    if (Array.isArray(expected)) return matchesValues(expected, field, present);
    if (!present || typeof field !== 'object' || field === null) {
      // A nested pattern only matches an object, except for `exists: false` leaves.
      return Object.values(expected).every((v) => Array.isArray(v) && v.some((e) => typeof e === 'object' && e !== null && (e as Record<string, unknown>).exists === false));
    }
    return matchesPattern(expected as EventPattern, field as Record<string, unknown>);
  });
}
