import { describe, expect, it } from 'vitest';
import {
  Matcher,
  MatcherSyntaxError,
  matchersFromMaps,
  matchesAll,
  parseMatcher,
  parseMatchers,
} from '../../../lambdas/shared/routing/matchers';

/** The matchers of one `matchers:` entry as plain triples, for compact assertions. */
const parsed = (input: string) => parseMatchers(input).map((m) => [m.name, m.type, m.value]);

const syntaxError = (input: string): MatcherSyntaxError => {
  try {
    parseMatchers(input);
  } catch (error) {
    if (error instanceof MatcherSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
};

describe('parseMatchers operators', () => {
  it('parses = as equality', () => {
    expect(parsed('severity=critical')).toEqual([['severity', '=', 'critical']]);
  });

  it('parses != as inequality', () => {
    expect(parsed('severity!=critical')).toEqual([['severity', '!=', 'critical']]);
  });

  it('parses =~ as a regex match rather than = followed by a value starting with ~', () => {
    expect(parsed('severity=~crit.*')).toEqual([['severity', '=~', 'crit.*']]);
  });

  it('parses !~ as a negated regex match', () => {
    expect(parsed('severity!~crit.*')).toEqual([['severity', '!~', 'crit.*']]);
  });

  it('keeps a second operator character as part of the value', () => {
    expect(parsed('a==b')).toEqual([['a', '=', '=b']]);
    expect(parsed('a=~~b')).toEqual([['a', '=~', '~b']]);
    expect(parsed('a!==b')).toEqual([['a', '!=', '=b']]);
  });
});

describe('parseMatchers quoting and escaping', () => {
  it('strips the double quotes around a quoted value', () => {
    expect(parsed('team="gpu infra"')).toEqual([['team', '=', 'gpu infra']]);
  });

  it('reads \\" inside quotes as a double quote', () => {
    expect(parsed('summary="say \\"hi\\""')).toEqual([['summary', '=', 'say "hi"']]);
  });

  it('reads \\\\ as one backslash', () => {
    expect(parsed('path="C:\\\\temp"')).toEqual([['path', '=', 'C:\\temp']]);
  });

  it('reads \\n as a line feed, quoted or not', () => {
    expect(parsed('a="x\\ny"')).toEqual([['a', '=', 'x\ny']]);
    expect(parsed('a=x\\ny')).toEqual([['a', '=', 'x\ny']]);
  });

  it('keeps a backslash before any other character as a literal backslash', () => {
    expect(parsed('a="x\\qy"')).toEqual([['a', '=', 'x\\qy']]);
  });

  it('keeps a trailing backslash of an unquoted value', () => {
    expect(parsed('a=x\\')).toEqual([['a', '=', 'x\\']]);
  });

  it('keeps regex escapes written with a doubled backslash', () => {
    expect(parsed('instance=~"host\\\\.example"')).toEqual([['instance', '=~', 'host\\.example']]);
  });

  it('keeps a comma inside quotes as part of the value', () => {
    expect(parsed('a="x,y",b=z')).toEqual([
      ['a', '=', 'x,y'],
      ['b', '=', 'z'],
    ]);
  });

  it('ends a quoted value at a quote preceded by an escaped backslash', () => {
    expect(parsed('a="x\\\\",b=c')).toEqual([
      ['a', '=', 'x\\'],
      ['b', '=', 'c'],
    ]);
  });

  it('parses "" as the empty value', () => {
    expect(parsed('a=""')).toEqual([['a', '=', '']]);
  });

  it('parses a missing value as the empty value', () => {
    expect(parsed('a=')).toEqual([['a', '=', '']]);
  });

  it('keeps spaces inside quotes', () => {
    expect(parsed('a=" x "')).toEqual([['a', '=', ' x ']]);
  });
});

describe('parseMatchers braces, lists and spaces', () => {
  it('accepts optional braces', () => {
    expect(parsed('{a=b}')).toEqual([['a', '=', 'b']]);
  });

  it('accepts an opening brace without a closing one, and the reverse', () => {
    expect(parsed('{a=b')).toEqual([['a', '=', 'b']]);
    expect(parsed('a=b}')).toEqual([['a', '=', 'b']]);
  });

  it('splits a comma-separated list into several matchers', () => {
    expect(parsed('{a="1", b!="2", c=~"3", d!~"4"}')).toEqual([
      ['a', '=', '1'],
      ['b', '!=', '2'],
      ['c', '=~', '3'],
      ['d', '!~', '4'],
    ]);
  });

  it('accepts one trailing comma, with or without spaces after it', () => {
    expect(parsed('{a=b, }')).toEqual([['a', '=', 'b']]);
    expect(parsed('a=b,')).toEqual([['a', '=', 'b']]);
  });

  it('ignores spaces around names, operators and values', () => {
    expect(parsed('  a  =~  "x"  ,  b != y z  ')).toEqual([
      ['a', '=~', 'x'],
      ['b', '!=', 'y z'],
    ]);
  });

  it('gives no matchers for an empty string or empty braces', () => {
    expect(parseMatchers('')).toEqual([]);
    expect(parseMatchers('{}')).toEqual([]);
    expect(parseMatchers('   ')).toEqual([]);
  });

  it('accepts colons in label names, as Alertmanager does', () => {
    expect(parsed('job:rate=1')).toEqual([['job:rate', '=', '1']]);
  });

  it('accepts UTF-8 values, quoted or not', () => {
    expect(parsed('zone=東京')).toEqual([['zone', '=', '東京']]);
    expect(parsed('mood="🙂 ok"')).toEqual([['mood', '=', '🙂 ok']]);
  });

  it('trims Unicode spaces around the whole entry as Go strings.TrimSpace does', () => {
    expect(parsed('\u00a0a=b\u3000')).toEqual([['a', '=', 'b']]);
  });

  it('keeps a vertical tab that ends a matcher followed by another, as Go\'s ASCII \\s does not cover it', () => {
    expect(parsed('a=b\u000b,c=d')).toEqual([
      ['a', '=', 'b\u000b'],
      ['c', '=', 'd'],
    ]);
  });
});

describe('parseMatchers syntax errors', () => {
  it('throws a MatcherSyntaxError naming the input for text without an operator', () => {
    const error = syntaxError('severity');
    expect(error.name).toBe('MatcherSyntaxError');
    expect(error.message).toBe('bad matcher format: severity');
    expect(error.input).toBe('severity');
  });

  it('rejects a label name starting with a digit', () => {
    expect(syntaxError('1a=b').message).toBe('bad matcher format: 1a=b');
  });

  it('rejects a non-ASCII label name', () => {
    expect(syntaxError('é=b').message).toBe('bad matcher format: é=b');
  });

  it('rejects an empty entry between two commas', () => {
    expect(syntaxError('a=b,,c=d').message).toBe('bad matcher format: ');
  });

  it('rejects a quoted value without its closing quote', () => {
    expect(syntaxError('a="xy').message).toBe('matcher value contains unescaped double quote: "xy');
  });

  it('rejects a quoted value whose last quote is escaped', () => {
    expect(syntaxError('a="x\\"').message).toBe('matcher value contains unescaped double quote: "x\\"');
  });

  it('rejects an unescaped quote inside a value', () => {
    expect(syntaxError('a=x"y').message).toBe('matcher value contains unescaped double quote: x"y');
  });

  it('rejects a quote closing a value that was not opened with one', () => {
    expect(syntaxError('a=xy"').message).toBe('matcher value contains unescaped double quote: xy"');
  });

  it('rejects doubled braces', () => {
    expect(syntaxError('{{a=b}}').message).toBe('bad matcher format: {a=b}');
  });

  it('rejects a regex RE2 cannot compile, with the compiler message and the cause', () => {
    const error = syntaxError('a=~"("');
    expect(error.message).toBe('error parsing regexp: missing closing ): `^(?:()$`');
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('rejects regex features RE2 does not have, such as backreferences', () => {
    expect(syntaxError('a=~"(x)\\\\1"').message).toContain('invalid escape sequence');
  });

  it('rejects a value holding a lone UTF-16 surrogate, the analogue of invalid UTF-8', () => {
    expect(syntaxError('a=\ud800').message).toBe('matcher value not valid UTF-8: \ud800');
  });
});

describe('Matcher.matches', () => {
  it('= matches only the same value', () => {
    const m = parseMatcher('a=x');
    expect([m.matches('x'), m.matches('X'), m.matches('xx')]).toEqual([true, false, false]);
  });

  it('!= matches every other value', () => {
    const m = parseMatcher('a!=x');
    expect([m.matches('x'), m.matches('y'), m.matches('')]).toEqual([false, true, true]);
  });

  it('=~ is anchored at both ends', () => {
    const m = parseMatcher('a=~"a"');
    expect([m.matches('a'), m.matches('ab'), m.matches('ba')]).toEqual([true, false, false]);
  });

  it('=~ anchors every alternative, not only the first and last', () => {
    const m = parseMatcher('a=~"x|y"');
    expect([m.matches('x'), m.matches('y'), m.matches('xy')]).toEqual([true, true, false]);
  });

  it('!~ matches what =~ does not', () => {
    const m = parseMatcher('a!~"b.*"');
    expect([m.matches('bee'), m.matches('abe')]).toEqual([false, true]);
  });

  it('wraps the value as Alertmanager does, so a value closing the group changes the anchoring the same way', () => {
    const m = parseMatcher('a=~"a)|(b"');
    expect([m.matches('a-and-more'), m.matches('more-then-b'), m.matches('c')]).toEqual([true, true, false]);
  });

  it('supports (?i) case-insensitive matching', () => {
    expect(parseMatcher('a=~"(?i)critical"').matches('CriTical')).toBe(true);
  });

  it('supports POSIX classes such as [[:alpha:]]', () => {
    const m = parseMatcher('a=~"[[:alpha:]]+"');
    expect([m.matches('abcXYZ'), m.matches('abc1')]).toEqual([true, false]);
  });

  it('supports Unicode classes such as \\pL', () => {
    const m = parseMatcher('a=~"\\\\pL+"');
    expect([m.matches('東京é'), m.matches('tokyo1')]).toEqual([true, false]);
  });

  it('keeps \\d ASCII-only, as Go does', () => {
    expect(parseMatcher('a=~"\\\\d"').matches('٣')).toBe(false);
  });

  it('lets . match one astral character but not a line feed', () => {
    const m = parseMatcher('a=~"."');
    expect([m.matches('🙂'), m.matches('\n')]).toEqual([true, false]);
  });

  it('answers a catastrophic-backtracking pattern on long input without hanging', () => {
    const m = parseMatcher('a=~"(x+x+)+y"');
    expect(m.matches('x'.repeat(100_000))).toBe(false);
  });

  it('prints itself in Alertmanager\'s form, which parses back to the same matcher', () => {
    const m = new Matcher('!=', 'a', 'say "hi"\n\\');
    expect(m.toString()).toBe('a!="say \\"hi\\"\\n\\\\"');
    const back = parseMatcher(m.toString());
    expect([back.name, back.type, back.value]).toEqual(['a', '!=', 'say "hi"\n\\']);
  });
});

describe('missing labels', () => {
  it('an empty-value equality matcher matches an alert without that label', () => {
    expect(matchesAll(parseMatchers('team=""'), { severity: 'page' })).toBe(true);
  });

  it('an empty-value equality matcher does not match an alert with a value', () => {
    expect(matchesAll(parseMatchers('team=""'), { team: 'gpu' })).toBe(false);
  });

  it('a regex that accepts the empty string matches a missing label', () => {
    expect(matchesAll(parseMatchers('team=~"gpu|"'), {})).toBe(true);
  });

  it('a != matcher matches a missing label', () => {
    expect(matchesAll(parseMatchers('team!="gpu"'), {})).toBe(true);
  });

  it('treats inherited object properties as missing labels, not values', () => {
    expect(matchesAll(parseMatchers('constructor=""'), {})).toBe(true);
  });

  it('requires every matcher of a list to hold', () => {
    const matchers = parseMatchers('a=1, b=2');
    expect([matchesAll(matchers, { a: '1', b: '2' }), matchesAll(matchers, { a: '1' })]).toEqual([true, false]);
  });
});

describe('matchersFromMaps', () => {
  it('turns match entries into equality matchers', () => {
    const [m] = matchersFromMaps({ severity: 'page' }, undefined);
    expect([m?.name, m?.type, m?.value]).toEqual(['severity', '=', 'page']);
  });

  it('turns match_re entries into anchored regex matchers', () => {
    const [m] = matchersFromMaps(undefined, { severity: 'pa.e' });
    expect([m?.type, m?.matches('page'), m?.matches('pages')]).toEqual(['=~', true, false]);
  });

  it('anchors a match_re value before the matcher anchors it again, as Alertmanager does', () => {
    const [m] = matchersFromMaps(undefined, { a: 'a)|(b' });
    expect([m?.matches('a'), m?.matches('b'), m?.matches('a-and-more')]).toEqual([true, true, false]);
  });

  it('does not parse match values as matcher syntax', () => {
    const [m] = matchersFromMaps({ a: '"quoted"' }, undefined);
    expect(m?.matches('"quoted"')).toBe(true);
  });

  it('rejects a label name with a colon, which matchers allow but match does not', () => {
    expect(() => matchersFromMaps({ 'a:b': 'x' }, undefined)).toThrow(new MatcherSyntaxError('invalid label name "a:b"', 'a:b'));
  });

  it('rejects a match_re value RE2 cannot compile', () => {
    expect(() => matchersFromMaps(undefined, { a: '(' })).toThrow(MatcherSyntaxError);
  });
});
