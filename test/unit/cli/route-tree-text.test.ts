import { describe, expect, it } from 'vitest';
import { routeSlug, routeTreeLines, sortMatchers } from '../../../cli/route-tree-text';
import type { RouteConfig } from '../../../lambdas/shared/config/schema';
import { Matcher } from '../../../lambdas/shared/routing/matchers';
import { buildRouteTree } from '../../../lambdas/shared/routing/route-tree';

const tree = (routes: RouteConfig[]) => buildRouteTree({ receiver: 'root', continue: false, routes });

describe('routeTreeLines', () => {
  it("draws a tree as amtool's treeprint does: open levels as │ and two no-break spaces, ended ones as spaces", () => {
    const lines = routeTreeLines(
      tree([
        { receiver: 'a', continue: true, matchers: ['x="1"'], routes: [{ receiver: 'b', continue: false }, { continue: false }] },
        { receiver: 'c', continue: false },
      ]),
    );
    expect(lines).toEqual([
      'Routing tree:',
      '.',
      '└── default-route  receiver: root',
      '    ├── {x="1"}  continue: true  receiver: a',
      '    │\u00a0\u00a0 ├── default-route  receiver: b',
      '    │\u00a0\u00a0 └── default-route  receiver: a',
      '    └── default-route  receiver: c',
      '',
    ]);
  });

  it('prints a lone root and the empty line amtool ends with', () => {
    expect(routeTreeLines(tree([]))).toEqual(['Routing tree:', '.', '└── default-route  receiver: root', '']);
  });
});

describe('routeSlug', () => {
  it('lists match, match_re and matchers together, sorted, match_re anchored as Alertmanager keeps it', () => {
    const [route] = tree([{ receiver: 'r', continue: false, match: { team: 'a"b' }, match_re: { sev: 'x|y' }, matchers: ['alertname!~"z"'] }]).routes;
    expect(routeSlug(route!)).toBe('{alertname!~"z",sev=~"^(?:x|y)$",team="a\\"b"}  receiver: r');
  });

  it('says continue only when it is set', () => {
    const [off, on] = tree([
      { receiver: 'r', continue: false, matchers: ['a=b'] },
      { receiver: 'r', continue: true, matchers: ['a=b'] },
    ]).routes;
    expect([routeSlug(off!), routeSlug(on!)]).toEqual(['{a="b"}  receiver: r', '{a="b"}  continue: true  receiver: r']);
  });
});

describe('sortMatchers', () => {
  it('orders by name, then value, then operator (= != =~ !~), as labels.Matchers does', () => {
    const sorted = sortMatchers([new Matcher('!=', 'b', 'x'), new Matcher('=', 'b', 'x'), new Matcher('=', 'a', 'z'), new Matcher('=~', 'B', 'x')]);
    expect(sorted.map(String)).toEqual(['B=~"x"', 'a="z"', 'b="x"', 'b!="x"']);
  });

  it('compares as Go does, byte by byte in UTF-8, where UTF-16 order differs', () => {
    // U+FF5E is one UTF-16 unit above a surrogate pair's first unit, but below it in UTF-8.
    const sorted = sortMatchers([new Matcher('=', 'a', '🙂'), new Matcher('=', 'a', '～')]);
    expect(sorted.map((m) => m.value)).toEqual(['～', '🙂']);
  });
});
