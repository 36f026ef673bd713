import { RE2JS } from 're2js';

/**
 * Label matchers exactly as Alertmanager 0.25 has them (pkg/labels): the
 * `matchers:` syntax, the deprecated `match` / `match_re` maps, and Go RE2
 * regular expressions anchored at both ends. `amtool config routes test` is
 * the reference; test/integration/routing/amtool-parity.test.ts holds us to it.
 */

/** The four matcher operators, as written in a matcher. */
export type MatchType = '=' | '!=' | '=~' | '!~';

/** The four operators, in the order Alertmanager declares them. */
export const MATCH_TYPES: readonly MatchType[] = ['=', '!=', '=~', '!~'];

/** A matcher, `match` key or label argument that Alertmanager would reject; `input` is the text given. */
export class MatcherSyntaxError extends Error {
  override readonly name = 'MatcherSyntaxError';
  constructor(
    message: string,
    readonly input: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

// Go's `\s` in RE2 is ASCII only: [\t\n\f\r ]. Alertmanager's own pattern is
// reused verbatim through re2js, so whitespace, laziness and the order of the
// operator alternatives (`=~` before `=`) behave exactly as in Go. It is
// compiled on first use: compiling it costs a Lambda's cold start several
// milliseconds, and the matchers of most configurations never need it (below).
let matcherPattern: RE2JS | undefined;
const MATCHER_PATTERN_SOURCE = '^\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(=~|=|!=|!~)\\s*((?s).*?)\\s*$';

// The usual shape of a matcher: printable ASCII, nothing between name and operator, and a value
// that neither starts nor ends with a space. For such input the pattern above can only split it
// into these same three parts: there is no whitespace for its `\s*` to take, and `=` never stands
// where `=~` could (the pattern tries `=~` first and always finds the rest), so the split needs no
// RE2. Anything else goes through the pattern itself.
const PLAIN_MATCHER = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(=~|=(?!~)|!=|!~)((?:[!-~](?:[ -~]*[!-~])?)?)$/;

/** Name, operator and raw value of a matcher as Alertmanager's pattern splits it, or undefined when it does not match. */
function splitMatcher(input: string): [name: string, type: MatchType, raw: string] | undefined {
  const plain = PLAIN_MATCHER.exec(input);
  if (plain) return [plain[1]!, plain[2] as MatchType, plain[3]!];
  const found = (matcherPattern ??= RE2JS.compile(MATCHER_PATTERN_SOURCE)).matcher(input);
  if (!found.find()) return undefined;
  return [found.group(1) as string, found.group(2) as MatchType, found.group(3) as string];
}

// model.LabelNameRE: what `match` and `match_re` keys must look like (no colon, unlike matchers).
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

// A JS string is UTF-16; the analogue of Go's invalid UTF-8 is a lone surrogate.
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * One label matcher. Regex matchers compile `^(?:value)$` with RE2 (re2js, a
 * port of Go's regexp), so matching takes linear time whatever the pattern and
 * the syntax is Go's: `(?i)`, `[[:alpha:]]`, `\pL`, no backreferences or
 * lookarounds. A label that is missing matches as the empty string, as in
 * Alertmanager: `severity=""` matches an alert without `severity`.
 */
export class Matcher {
  readonly #regex: RE2JS | undefined;

  /** Throws `MatcherSyntaxError` when `type` is a regex type and `value` is not a valid RE2 expression. */
  constructor(
    readonly type: MatchType,
    readonly name: string,
    readonly value: string,
  ) {
    if (type === '=~' || type === '!~') {
      // Concatenated as Alertmanager does (not a separate "anchored" flag), so that
      // even a value such as `a)|(b` means here what it means there.
      const source = `^(?:${value})$`;
      try {
        this.#regex = RE2JS.compile(source);
      } catch (error) {
        throw new MatcherSyntaxError((error as Error).message, value, { cause: error });
      }
    }
  }

  /** Whether a label value satisfies this matcher; pass `''` for a missing label. */
  matches(value: string): boolean {
    switch (this.type) {
      case '=':
        return value === this.value;
      case '!=':
        return value !== this.value;
      case '=~':
        return this.#regex!.test(value);
      case '!~':
        return !this.#regex!.test(value);
    }
  }

  /** Alertmanager's text form, `name="value"` with OpenMetrics escaping; parses back to an equal matcher. */
  toString(): string {
    return `${this.name}${this.type}"${escapeValue(this.value)}"`;
  }
}

/** Escapes a value for a double-quoted matcher or label argument: `\`, newline and `"`. */
export function escapeValue(value: string): string {
  return value.replace(/[\\\n"]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/** The value of `name` in `labels`, or `''` when absent; own properties only, so `constructor` is just a name. */
export function labelValue(labels: Readonly<Record<string, string>>, name: string): string {
  return Object.hasOwn(labels, name) ? (labels[name] ?? '') : '';
}

/** Whether every matcher is satisfied by `labels` (true for no matchers). */
export function matchesAll(matchers: readonly Matcher[], labels: Readonly<Record<string, string>>): boolean {
  return matchers.every((matcher) => matcher.matches(labelValue(labels, matcher.name)));
}

/**
 * Parses one matcher, `name op value`, as Alertmanager's `ParseMatcher`: the
 * value may be double-quoted; inside it `\"`, `\n` and `\\` are escapes and any
 * other backslash is literal; ASCII whitespace around each token is dropped.
 * No braces and no lists: this is what amtool accepts as a label argument.
 */
export function parseMatcher(input: string): Matcher {
  const split = splitMatcher(input);
  if (!split) {
    throw new MatcherSyntaxError(`bad matcher format: ${input}`, input);
  }
  const [name, type, raw] = split;

  let text = raw;
  let expectTrailingQuote = false;
  if (text.startsWith('"')) {
    text = text.slice(1);
    expectTrailingQuote = true;
  }
  if (LONE_SURROGATE.test(text)) {
    throw new MatcherSyntaxError(`matcher value not valid UTF-8: ${raw}`, input);
  }

  const chars = Array.from(text);
  let value = '';
  let escaped = false;
  for (const [i, c] of chars.entries()) {
    const last = i === chars.length - 1;
    if (escaped) {
      escaped = false;
      if (c === 'n') value += '\n';
      else if (c === '"' || c === '\\') value += c;
      else value += `\\${c}`; // a spurious escape: the backslash is literal
      continue;
    }
    if (c === '\\') {
      if (!last) {
        escaped = true;
        continue;
      }
      value += '\\';
    } else if (c === '"') {
      if (!expectTrailingQuote || !last) {
        throw new MatcherSyntaxError(`matcher value contains unescaped double quote: ${raw}`, input);
      }
      expectTrailingQuote = false;
    } else {
      value += c;
    }
  }
  if (expectTrailingQuote) {
    throw new MatcherSyntaxError(`matcher value contains unescaped double quote: ${raw}`, input);
  }
  return new Matcher(type, name, value);
}

/**
 * Parses one entry of a route's `matchers:` list as Alertmanager 0.25's
 * `ParseMatchers`: an optional leading `{` and trailing `}`, then matchers
 * separated by commas outside double quotes, with an optional trailing comma.
 * `''` and `'{}'` give no matchers. Throws `MatcherSyntaxError` on bad input.
 */
export function parseMatchers(input: string): Matcher[] {
  let text = input.startsWith('{') ? input.slice(1) : input;
  text = text.endsWith('}') ? text.slice(0, -1) : text;

  // The splitting loop of ParseMatchers, state for state: a comma inside quotes
  // leaves `escaped` as it was, just as Go's switch falls through there.
  const tokens: string[] = [];
  let token = '';
  let insideQuotes = false;
  let escaped = false;
  for (const c of text) {
    if (c === ',') {
      if (!insideQuotes) {
        tokens.push(token);
        token = '';
        continue;
      }
    } else if (c === '"') {
      if (!escaped) insideQuotes = !insideQuotes;
      else escaped = false;
    } else if (c === '\\') {
      escaped = !escaped;
    } else {
      escaped = false;
    }
    token += c;
  }
  const lastToken = goTrimSpace(token);
  if (lastToken !== '') tokens.push(lastToken);

  return tokens.map(parseMatcher);
}

/**
 * Matchers for a route's deprecated `match` (equality) and `match_re` (regex)
 * maps, built as Alertmanager builds them: keys must be plain label names
 * (`[a-zA-Z_][a-zA-Z0-9_]*`, no colon), and a `match_re` value is anchored
 * `^(?:value)$` when the config is read and once more by the matcher, which
 * only differs for values that close the group themselves, such as `a)|(b`.
 */
export function matchersFromMaps(
  match: Readonly<Record<string, string>> | undefined,
  matchRe: Readonly<Record<string, string>> | undefined,
): Matcher[] {
  const checkName = (name: string) => {
    if (!LABEL_NAME.test(name)) throw new MatcherSyntaxError(`invalid label name ${JSON.stringify(name)}`, name);
  };
  const equal = Object.entries(match ?? {}).map(([name, value]) => {
    checkName(name);
    return new Matcher('=', name, value);
  });
  const regex = Object.entries(matchRe ?? {}).map(([name, value]) => {
    checkName(name);
    return new Matcher('=~', name, `^(?:${value})$`);
  });
  return [...equal, ...regex];
}

// Go's unicode.IsSpace, which strings.TrimSpace uses: broader than the ASCII `\s` of the matcher pattern.
const GO_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/;

function goTrimSpace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && GO_SPACE.test(text[start]!)) start += 1;
  while (end > start && GO_SPACE.test(text[end - 1]!)) end -= 1;
  return text.slice(start, end);
}
