import { z } from 'zod';

/**
 * YAML's empty values, read the way Alertmanager reads them. A key with
 * nothing after it (`routes:` whose children are all commented out,
 * `webhook_configs:` with no entries, `match:`) is `null` to a YAML parser;
 * Go's YAML decoder leaves the list or map empty, so these helpers turn that
 * `null` into `[]` or `{}` before the schema looks at it. A key that is
 * absent stays absent, so defaults still apply.
 */
export function nullMeansEmpty<S extends z.ZodType>(schema: S, empty: () => unknown[] | Record<string, never>) {
  return z.preprocess((value: unknown) => (value === null ? empty() : value), schema);
}

/** A list of `item`s; `null` is the empty list. */
export function list<T extends z.ZodType>(item: T) {
  return nullMeansEmpty(z.array(item), () => []);
}

/** A map from strings to `value`s; `null` is the empty map. */
export function map<T extends z.ZodType<unknown, unknown>>(value: T) {
  return nullMeansEmpty(z.record(z.string(), value), () => ({}));
}

/** An optional mapping where `null` (the key written with nothing after it) means absent, as a nil pointer does in Go. */
export function nullMeansAbsent<S extends z.ZodType>(schema: S) {
  return z.preprocess((value: unknown) => (value === null ? undefined : value), schema.optional());
}
