import { escapeValue, MatcherSyntaxError, parseMatcher } from './matchers';

/**
 * Label arguments of `routes test`, read as amtool 0.25 reads them: each is
 * one matcher (`severity=critical`, `summary="a \"quoted\" value"`, spaces
 * around `=` allowed, no braces or lists) and must use `=`. A later argument
 * for the same label wins. Throws `MatcherSyntaxError` with amtool's message
 * (`bad matcher format: …`, `labels must be specified as key=value pairs`).
 */
export function parseLabelArgs(args: readonly string[]): Record<string, string> {
  const labels = new Map<string, string>();
  for (const arg of args) {
    const matcher = parseMatcher(arg);
    if (matcher.type !== '=') {
      throw new MatcherSyntaxError('labels must be specified as key=value pairs', arg);
    }
    labels.set(matcher.name, matcher.value);
  }
  // fromEntries defines own properties, so a label named `__proto__` stays a label.
  return Object.fromEntries(labels);
}

/**
 * The label argument that `parseLabelArgs` (and amtool) read back as
 * `name` = `value`, for any value, quotes, backslashes and newlines included.
 */
export function formatLabelArg(name: string, value: string): string {
  return `${name}="${escapeValue(value)}"`;
}
