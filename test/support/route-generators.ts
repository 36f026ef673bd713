import fc from 'fast-check';
import type { RouteConfig } from '../../lambdas/shared/config/schema';
import { escapeValue, type MatchType } from '../../lambdas/shared/routing/matchers';

/**
 * Generated route trees and alerts for comparing alertscale's routing with
 * `amtool config routes` (Alertmanager 0.25): trees written as a file both
 * tools accept, and label sets written as amtool's arguments or as a map.
 *
 * Limits of what is generated, because amtool's command line cannot say it or
 * Alertmanager's YAML reader (go-yaml v2) would read it differently:
 * - no NUL in label values (a process argument cannot hold one);
 * - label names are plain `[a-z_]` words (amtool arguments and `match` keys
 *   both accept those; colons are only valid in `matchers`);
 * - config strings avoid control characters other than tab and line feed;
 * - no `(?<name>…)` groups: Go 1.19, which this amtool is built with, rejects
 *   them and RE2JS (like Go 1.22+) accepts them.
 * The root route has no matchers, so both always print at least one receiver;
 * an empty line is not a possible output.
 */

export const LABEL_NAMES = ['alertname', 'severity', 'team', 'a'] as const;
export const RECEIVERS = ['root', 'r0', 'r1', 'r2', 'r3', 'r4'] as const;

/** A value every escape applies to: a line feed, double quotes and a backslash. */
const AWKWARD = 'x\n"y"\\';
/** Values that make matchers match often, plus the awkward ones: quotes, backslashes, commas, braces, spaces, UTF-8. */
const VALUE_POOL = [
  '', 'x', 'X', 'xy', 'y', 'page', 'PAGE', 'crit', 'ab', 'b', 'a b', ' pad ', 'a,b', '{x}', 'q"uote', 'back\\slash',
  'line\nfeed', 'é', 'É', '東京', '🙂', 'x=y', 'x~', '\\n',
];
/** Go RE2 syntax and semantics worth comparing: flags, classes, Unicode, anchoring, empty matches, a group-closing value. */
const REGEX_POOL = [
  'x', 'x|y', '.*', '.+', '', 'x*', '(?i)X', '(?i)é', '(?i)page|CRIT', '[[:alpha:]]+', '[[:upper:]]', '\\pL+', '\\p{Han}+',
  '\\PL*', 'a)|(b', 'p.*', '[^x]*', '.*b', 'a b', '(?s).*\\n.*', '.*\\n.*', 'line.feed', '\\d*', '\\w+', '[a-c]{2}', 'x?y?',
  'q"uote', 'back\\\\slash', '\\\\n', '.', '..', '(?U)x+', '\\Qx=y\\E',
];
/** Characters for free-form values, weighted towards the ones the parsers treat specially. */
const VALUE_CHARS = ['a', 'b', 'x', 'y', ' ', '\t', '\n', ',', '"', '\\', '{', '}', '=', '~', '!', 'é', 'É', '東', '🙂', '\u00a0'];

const labelName = fc.constantFrom(...LABEL_NAMES);
// Mostly a few common values, so that equality matchers and alerts meet often enough to exercise the tree.
export const labelValue = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('', 'x', 'page', AWKWARD) },
  { weight: 3, arbitrary: fc.constantFrom(...VALUE_POOL) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...VALUE_CHARS), maxLength: 6 }) },
);
const regex = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom('.*', '.+', 'x|page', '(?i)X|PAGE', 'p.*', '', 'x.*', '(?s)x.*', 'x\\n"y"\\\\') },
  { weight: 3, arbitrary: fc.constantFrom(...REGEX_POOL) },
);
const matchType = fc.oneof(
  { weight: 3, arbitrary: fc.constant<MatchType>('=') },
  { weight: 1, arbitrary: fc.constant<MatchType>('!=') },
  { weight: 2, arbitrary: fc.constant<MatchType>('=~') },
  { weight: 1, arbitrary: fc.constant<MatchType>('!~') },
);

/** How a value is written: quoted and escaped (always right), spaced out, or bare (as is, which may not parse). */
type Style = 'quoted' | 'bare' | 'spaced';
const style = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Style>('quoted') },
  { weight: 2, arbitrary: fc.constant<Style>('spaced') },
  { weight: 1, arbitrary: fc.constant<Style>('bare') },
);

function writeMatcher(name: string, type: MatchType, value: string, how: Style): string {
  switch (how) {
    case 'quoted':
      return `${name}${type}"${escapeValue(value)}"`;
    case 'bare':
      return `${name}${type}${value}`;
    case 'spaced':
      return ` ${name} ${type} "${escapeValue(value)}" `;
  }
}

const matcherSpec = fc
  .tuple(labelName, matchType, style, labelValue, regex)
  .map(([name, type, how, value, re]) => writeMatcher(name, type, type === '=' || type === '!=' ? value : re, how));

/** One `matchers:` entry: mostly one matcher, sometimes a list of two or three, in braces or not, with or without a trailing comma. */
const matcherEntry = fc
  .tuple(
    fc.oneof(
      { weight: 3, arbitrary: matcherSpec.map((m) => [m]) },
      { weight: 1, arbitrary: fc.array(matcherSpec, { minLength: 2, maxLength: 3 }) },
    ),
    fc.boolean(),
    fc.boolean(),
  )
  .map(([specs, braces, trailingComma]) => {
    const list = specs.join(',') + (trailingComma ? ', ' : '');
    return braces ? `{${list}}` : list;
  });

/** A list of up to `max` items: none in `none` cases out of `none + some`. */
const few = <T>(item: fc.Arbitrary<T>, max: number, none: number, some: number) =>
  fc.oneof(
    { weight: none, arbitrary: fc.constant<T[]>([]) },
    { weight: some, arbitrary: fc.array(item, { minLength: 1, maxLength: max }) },
  );

// The deprecated maps are less common than `matchers`, as in real files, so that routes stay matchable.
const matchMap = few(fc.tuple(labelName, labelValue), 2, 3, 1).map((entries) => Object.fromEntries(entries));
const matchReMap = few(fc.tuple(labelName, regex), 2, 3, 1).map((entries) => Object.fromEntries(entries));

const { route: childRoute } = fc.letrec<{ route: RouteConfig }>((tie) => ({
  route: fc
    .record(
      {
        receiver: fc.constantFrom(...RECEIVERS),
        matchers: few(matcherEntry, 2, 1, 3),
        match: matchMap,
        match_re: matchReMap,
        continue: fc.boolean(),
        routes: fc.array(tie('route'), { maxLength: 3, depthIdentifier: 'routes' }),
      },
      { requiredKeys: ['continue'] },
    )
    .map(withoutEmpty),
}));

export const rootRoute = fc
  .array(childRoute, { minLength: 1, maxLength: 4, depthIdentifier: 'routes' })
  .map((routes): RouteConfig => ({ receiver: 'root', continue: false, routes }));

// Empty maps and lists are left out, as a hand-written file would; both tools read absent and empty alike.
function withoutEmpty(route: Partial<RouteConfig> & { continue: boolean }): RouteConfig {
  const out: RouteConfig = { continue: route.continue };
  if (route.receiver !== undefined) out.receiver = route.receiver;
  if (route.matchers?.length) out.matchers = route.matchers;
  if (route.match && Object.keys(route.match).length) out.match = route.match;
  if (route.match_re && Object.keys(route.match_re).length) out.match_re = route.match_re;
  if (route.routes?.length) out.routes = route.routes;
  return out;
}

/**
 * The label arguments for one alert: each label present or not, written in one of the styles, and now and
 * then a label given twice (the later one wins in both tools).
 */
export const labelArgs = fc
  .tuple(
    fc.tuple(...LABEL_NAMES.map((name) => fc.option(fc.tuple(fc.constant(name), labelValue, style), { freq: 3 }))),
    fc.array(fc.tuple(labelName, labelValue, style), { maxLength: 1 }),
  )
  .map(([labels, repeated]) =>
    [...labels.filter((label) => label !== null), ...repeated].map(([name, value, how]) =>
      how === 'spaced' ? ` ${name} = "${escapeValue(value)}"` : writeMatcher(name, '=', value, how),
    ),
  );

/** A file both tools read (JSON is YAML to both): the tree, and every receiver it may name with a dummy webhook. */
export function alertmanagerFile(route: RouteConfig): string {
  const receivers = RECEIVERS.map((name) => ({ name, webhook_configs: [{ url: 'http://127.0.0.1:9/hook' }] }));
  return JSON.stringify({ route, receivers }, null, 2);
}

/** An alert's labels as a map: each label present or not, with the values `labelArgs` draws from. */
export const labelSet = fc
  .tuple(...LABEL_NAMES.map((name) => fc.option(fc.tuple(fc.constant(name), labelValue), { freq: 3 })))
  .map((labels) => Object.fromEntries(labels.filter((label) => label !== null)) as Record<string, string>);
