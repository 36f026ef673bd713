import { z } from 'zod';
import { TOP_LEVEL_IGNORED } from './alertmanager-keys';
import { list, nullMeansEmpty } from './empty';
import { globalSchema, receiverWithGlobal, type GlobalConfig } from './global';
import { ignoredShape, withoutKeys } from './key-rules';
import type { receiverSchema } from './receivers';

/**
 * The top-level keys of an alertmanager.yml that alertscale reads besides
 * its own: `global` (defaults for the channels), and `inhibit_rules`,
 * `templates`, `tracing` and `event_recorder`, accepted with a warning.
 */

/** Alertmanager's `<inhibit_rule>`, old keys included: checked for typos, not evaluated. */
const inhibitRuleSchema = z.strictObject(
  Object.fromEntries(
    ['name', 'source_match', 'source_match_re', 'source_matchers', 'target_match', 'target_match_re', 'target_matchers', 'equal'].map((key) => [key, z.unknown().optional()]),
  ),
);

/** Shape entries for the configuration schema's top level. */
export const alertmanagerTopLevelShape = {
  global: nullMeansEmpty(globalSchema, () => ({})).optional(),
  inhibit_rules: list(inhibitRuleSchema).optional(),
  ...ignoredShape(TOP_LEVEL_IGNORED),
};

/**
 * The validated configuration without Alertmanager's top-level keys, its
 * receivers' channel configs resolved against `global`. Keys it does not
 * know (the rest of the configuration) pass through as they are.
 */
export function withAlertmanagerKeysResolved<C extends { global?: GlobalConfig | undefined; inhibit_rules?: unknown; receivers: z.output<typeof receiverSchema>[] }>(config: C) {
  const { global, inhibit_rules, receivers, ...rest } = config;
  return { ...withoutKeys(rest, TOP_LEVEL_IGNORED), receivers: receivers.map((receiver) => receiverWithGlobal(receiver, global ?? {})) };
}
