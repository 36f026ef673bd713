/**
 * How a scale config names the instance a targeted scale-in removes. Kept
 * apart from the config schema so that the router and scaler bundles, which
 * read the validated configuration, need not carry zod's full API.
 */

/** The two ways a scale config names the instance a scale-in removes; at most one may be set. */
export const REMOVE_LABEL_KEYS = ['remove_instance_label', 'remove_node_label'] as const;
export type RemoveLabelKey = (typeof REMOVE_LABEL_KEYS)[number];

/** The label a scale config names its instance to remove by, and which kind of name it holds; undefined when it does not target one. */
export function removeLabelOf(config: Partial<Record<RemoveLabelKey, string | undefined>>): { readonly label: string; readonly kind: 'instance' | 'node' } | undefined {
  if (config.remove_instance_label !== undefined) return { label: config.remove_instance_label, kind: 'instance' };
  if (config.remove_node_label !== undefined) return { label: config.remove_node_label, kind: 'node' };
  return undefined;
}
