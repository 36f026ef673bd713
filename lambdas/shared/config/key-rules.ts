import { z } from 'zod';

/**
 * Small rules the channel, `http_config` and `global` schemas share: keys
 * accepted and not used, values honoured only when they are not a Go
 * template, and "at most one of these keys".
 */

/** Keys alertscale accepts from Alertmanager and does not use, each with what alertscale does instead. */
export type IgnoredKeys = Readonly<Record<string, string>>;

/**
 * Shape entries that accept any value for each ignored key, so that pasting
 * them is not an error. Typed as no keys at all: the schemas strip them
 * (`withoutKeys`), so the validated configuration never has them.
 */
export function ignoredShape(keys: IgnoredKeys): Record<never, never> {
  return Object.fromEntries(Object.keys(keys).map((key) => [key, z.unknown().optional()]));
}

/** `value` without the ignored keys: the validated configuration carries only what alertscale uses. */
export function withoutKeys<T extends object>(value: T, keys: IgnoredKeys): T {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !(key in keys))) as T;
}

/** Whether a value is a Go template (`{{ .CommonLabels.severity }}`), which alertscale does not render. */
export function isTemplate(value: unknown): boolean {
  return typeof value === 'string' && value.includes('{{');
}

/**
 * A value honoured only when written literally: a Go template reads as if
 * the key were absent (so the default applies), and the warnings say so.
 */
export function literal<S extends z.ZodType>(schema: S) {
  return z.preprocess((value: unknown) => (isTemplate(value) ? undefined : value), schema);
}

/** Adds an issue when more than one of `keys` is set; `required` also when none is. */
export function atMostOne(value: object, keys: readonly string[], ctx: z.core.$RefinementCtx, required = false): void {
  const given = keys.filter((key) => (value as Record<string, unknown>)[key] !== undefined);
  if (given.length > 1) {
    ctx.addIssue({ code: 'custom', message: `set only one of ${keys.join(', ')}; got ${given.join(' and ')}` });
  } else if (required && given.length === 0) {
    ctx.addIssue({ code: 'custom', message: `set one of ${keys.join(', ')}` });
  }
}
