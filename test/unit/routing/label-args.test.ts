import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatLabelArg, parseLabelArgs } from '../../../lambdas/shared/routing/label-args';
import { MatcherSyntaxError } from '../../../lambdas/shared/routing/matchers';

describe('parseLabelArgs', () => {
  it('reads name=value arguments into a label set', () => {
    expect(parseLabelArgs(['severity=critical', 'team=gpu'])).toEqual({ severity: 'critical', team: 'gpu' });
  });

  it('reads a quoted value with escaped quotes', () => {
    expect(parseLabelArgs(['summary="a \\"quoted\\" value"'])).toEqual({ summary: 'a "quoted" value' });
  });

  it('ignores spaces around the name, the = and an unquoted value', () => {
    expect(parseLabelArgs([' team = gpu infra '])).toEqual({ team: 'gpu infra' });
  });

  it('reads name= as the empty value', () => {
    expect(parseLabelArgs(['team='])).toEqual({ team: '' });
  });

  it('lets a later argument for the same label win', () => {
    expect(parseLabelArgs(['a=1', 'a=2'])).toEqual({ a: '2' });
  });

  it('gives an empty label set for no arguments', () => {
    expect(parseLabelArgs([])).toEqual({});
  });

  it('keeps __proto__ as an ordinary label', () => {
    const labels = parseLabelArgs(['__proto__=x']);
    expect(Object.entries(labels)).toEqual([['__proto__', 'x']]);
  });

  it('rejects an argument without an operator with amtool\'s message', () => {
    expect(() => parseLabelArgs(['severity'])).toThrow(new MatcherSyntaxError('bad matcher format: severity', 'severity'));
  });

  it('rejects braces, which amtool does not strip from label arguments', () => {
    expect(() => parseLabelArgs(['{a=b}'])).toThrow('bad matcher format: {a=b}');
  });

  it.each(['a!=b', 'a=~b', 'a!~b'])('rejects the non-equality argument %s', (arg) => {
    expect(() => parseLabelArgs([arg])).toThrow('labels must be specified as key=value pairs');
  });

  it('reads back any value formatLabelArg writes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (value) => {
        expect(parseLabelArgs([formatLabelArg('a', value)])).toEqual({ a: value });
      }),
    );
  });
});
