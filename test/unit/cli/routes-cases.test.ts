import { describe, expect, it } from 'vitest';
import { CasesFileError, parseCasesText, splitReceivers } from '../../../cli/routes-cases';

/** The problems' texts of a cases file that does not parse. */
function problemsOf(text: string): string[] {
  try {
    parseCasesText(text, 'cases.yml');
  } catch (error) {
    if (error instanceof CasesFileError) return error.problems.map((problem) => problem.text);
    throw error;
  }
  throw new Error('the file parsed');
}

describe('parseCasesText', () => {
  it('reads a YAML list of cases with their labels, expected receivers and lines', () => {
    const cases = parseCasesText(
      ['- labels: { alertname: GPUQueueDepthHigh, severity: warning }', '  expect: [scale-up, quiet]', '- labels: { alertname: X }', '  expect: [oncall]'].join('\n'),
    );
    expect(cases).toEqual([
      { number: 1, line: 1, labels: { alertname: 'GPUQueueDepthHigh', severity: 'warning' }, expect: ['scale-up', 'quiet'], at: undefined },
      { number: 2, line: 3, labels: { alertname: 'X' }, expect: ['oncall'], at: undefined },
    ]);
  });

  it('reads JSON as well', () => {
    const cases = parseCasesText(JSON.stringify([{ labels: { a: 'b' }, expect: ['r1'] }]));
    expect(cases.map((c) => [c.labels, c.expect])).toEqual([[{ a: 'b' }, ['r1']]]);
  });

  it('takes expect as "a,b", as --verify.receivers does', () => {
    const [routeCase] = parseCasesText('- { labels: { a: b }, expect: "scale-up,quiet" }');
    expect(routeCase!.expect).toEqual(['scale-up', 'quiet']);
  });

  it('takes a case without labels as an alert without labels', () => {
    expect(parseCasesText('- expect: oncall')[0]!.labels).toEqual({});
  });

  it("reads a case's at as an RFC 3339 instant, its offset kept", () => {
    const [routeCase] = parseCasesText('- { labels: {}, at: 2025-03-03T10:00:00+01:00, expect: oncall }');
    expect(routeCase!.at?.toISOString()).toBe('2025-03-03T09:00:00.000Z');
  });

  it('says where each problem is: the line and column of its key', () => {
    expect(problemsOf(['- labels: { code: 500 }', '  expect: []', '- label: { a: b }', '  expect: r1'].join('\n'))).toEqual([
      '[0].labels.code: a label value is text: quote it, e.g. "500" (line 1, column 13)',
      '[0].expect: needs at least 1 entry (line 2, column 3)',
      '[1].label: unknown key; did you mean "labels"? (line 3, column 3)',
    ]);
  });

  it('refuses a case without expect', () => {
    expect(problemsOf('- labels: { a: b }')).toEqual(['[0].expect: expected a receiver name, a list of them, or "a,b" as --verify.receivers takes it (line 1, column 3)']);
  });

  it('refuses a time that is not RFC 3339', () => {
    expect(problemsOf('- { at: tomorrow, expect: r }')[0]).toMatch(/^\[0\]\.at: "tomorrow" is not an RFC 3339 time/);
  });

  it('refuses a file that is not a list', () => {
    expect(problemsOf('labels: { a: b }\nexpect: r')).toEqual(['(top level): expected a list of cases, each { labels: {...}, expect: [...] }']);
  });

  it('refuses a file without cases, which would pass whatever the routes do', () => {
    expect(problemsOf('[]')).toEqual(['(top level): the file holds no cases']);
  });

  it('refuses text that is not YAML, with its place', () => {
    try {
      parseCasesText('- { labels: [', 'cases.yml');
      expect.unreachable();
    } catch (error) {
      expect((error as CasesFileError).problems[0]).toMatchObject({ path: [], line: 1 });
    }
  });
});

describe('splitReceivers', () => {
  it('splits at commas and trims', () => {
    expect(splitReceivers('a, b,c')).toEqual(['a', 'b', 'c']);
  });

  it("keeps a muted receiver's note whole, commas and all", () => {
    expect(splitReceivers('a (muted: x, y),b')).toEqual(['a (muted: x, y)', 'b']);
  });
});
