import { describe, expect, it } from 'vitest';
import type { RouteConfig } from '../../../lambdas/shared/config/schema';
import { buildRouteTree, matchReceivers, matchRoutes, RouteTreeError } from '../../../lambdas/shared/routing/route-tree';

/** A route with `continue` defaulted as the config schema defaults it. */
const route = (fields: Partial<RouteConfig>): RouteConfig => ({ continue: false, ...fields });

const receiversFor = (root: RouteConfig, labels: Record<string, string>) => matchReceivers(buildRouteTree(root), labels);

describe('matchReceivers', () => {
  it('routes to the root receiver when no child matches', () => {
    const root = route({ receiver: 'default', routes: [route({ receiver: 'db', matchers: ['service=db'] })] });
    expect(receiversFor(root, { service: 'web' })).toEqual(['default']);
  });

  it('routes to the root receiver for a tree without children', () => {
    expect(receiversFor(route({ receiver: 'default' }), {})).toEqual(['default']);
  });

  it('stops at the first matching child', () => {
    const root = route({
      receiver: 'default',
      routes: [route({ receiver: 'first', matchers: ['a=1'] }), route({ receiver: 'second', matchers: ['a=~".*"'] })],
    });
    expect(receiversFor(root, { a: '1' })).toEqual(['first']);
  });

  it('tries later siblings after a matching child with continue: true', () => {
    const root = route({
      receiver: 'default',
      routes: [
        route({ receiver: 'first', matchers: ['a=1'], continue: true }),
        route({ receiver: 'second', matchers: ['a=~".*"'] }),
        route({ receiver: 'third' }),
      ],
    });
    expect(receiversFor(root, { a: '1' })).toEqual(['first', 'second']);
  });

  it('ignores continue on a child that did not match', () => {
    const root = route({
      receiver: 'default',
      routes: [route({ receiver: 'first', matchers: ['a=2'], continue: true }), route({ receiver: 'second' }), route({ receiver: 'third' })],
    });
    expect(receiversFor(root, { a: '1' })).toEqual(['second']);
  });

  it('lists a receiver once per matched route, repeats included', () => {
    const root = route({
      receiver: 'default',
      routes: [route({ receiver: 'pager', continue: true }), route({ receiver: 'pager' })],
    });
    expect(receiversFor(root, {})).toEqual(['pager', 'pager']);
  });

  it('descends into a matching child and picks its matching grandchild', () => {
    const root = route({
      receiver: 'default',
      routes: [
        route({
          receiver: 'team',
          matchers: ['team=gpu'],
          routes: [route({ receiver: 'team-pager', matchers: ['severity=page'] })],
        }),
      ],
    });
    expect(receiversFor(root, { team: 'gpu', severity: 'page' })).toEqual(['team-pager']);
  });

  it('falls back to a matching child itself when none of its children match', () => {
    const root = route({
      receiver: 'default',
      routes: [
        route({
          receiver: 'team',
          matchers: ['team=gpu'],
          routes: [route({ receiver: 'team-pager', matchers: ['severity=page'] })],
        }),
      ],
    });
    expect(receiversFor(root, { team: 'gpu', severity: 'info' })).toEqual(['team']);
  });

  it('lets a child without a receiver inherit its parent\'s', () => {
    const root = route({
      receiver: 'default',
      routes: [route({ receiver: 'team', matchers: ['team=gpu'], routes: [route({ matchers: ['severity=page'] })] })],
    });
    const [matched] = matchRoutes(buildRouteTree(root), { team: 'gpu', severity: 'page' });
    expect([matched?.receiver, matched?.path]).toEqual(['team', 'route.routes[0].routes[0]']);
  });

  it('inherits the receiver through several levels', () => {
    const root = route({
      receiver: 'default',
      routes: [route({ matchers: ['a=1'], routes: [route({ matchers: ['b=2'], routes: [route({ matchers: ['c=3'] })] })] })],
    });
    expect(receiversFor(root, { a: '1', b: '2', c: '3' })).toEqual(['default']);
  });

  it('collects matches depth-first, left to right, across continue siblings', () => {
    const root = route({
      receiver: 'default',
      routes: [
        route({
          receiver: 'a',
          continue: true,
          routes: [route({ receiver: 'a1', continue: true }), route({ receiver: 'a2' }), route({ receiver: 'a3' })],
        }),
        route({ receiver: 'b', matchers: ['x=1'] }),
        route({ receiver: 'c' }),
      ],
    });
    expect(receiversFor(root, { x: '1' })).toEqual(['a1', 'a2', 'b']);
  });

  it('does not enter a child whose matchers fail, whatever its children would match', () => {
    const root = route({
      receiver: 'default',
      routes: [route({ receiver: 'a', matchers: ['x=1'], routes: [route({ receiver: 'inner' })] })],
    });
    expect(receiversFor(root, { x: '2' })).toEqual(['default']);
  });

  it('combines match, match_re and matchers on one route, all of which must hold', () => {
    const root = route({
      receiver: 'default',
      routes: [route({ receiver: 'r', match: { a: '1' }, match_re: { b: '2|3' }, matchers: ['c!=4'] })],
    });
    expect([receiversFor(root, { a: '1', b: '3', c: '5' }), receiversFor(root, { a: '1', b: '3', c: '4' })]).toEqual([
      ['r'],
      ['default'],
    ]);
  });

  it('requires every entry of a matchers list to hold', () => {
    const root = route({ receiver: 'default', routes: [route({ receiver: 'r', matchers: ['a=1', 'b=~"2"'] })] });
    expect([receiversFor(root, { a: '1', b: '2' }), receiversFor(root, { a: '1' })]).toEqual([['r'], ['default']]);
  });

  it('matches an empty-value matcher against an alert missing that label', () => {
    const root = route({ receiver: 'default', routes: [route({ receiver: 'unowned', matchers: ['team=""'] })] });
    expect(receiversFor(root, { alertname: 'X' })).toEqual(['unowned']);
  });
});

describe('matchRoutes', () => {
  it('returns each matched route with its key path', () => {
    const root = route({
      receiver: 'default',
      routes: [route({ receiver: 'a', matchers: ['x=2'] }), route({ receiver: 'b', continue: true }), route({ receiver: 'c' })],
    });
    expect(matchRoutes(buildRouteTree(root), {}).map((r) => [r.receiver, r.path])).toEqual([
      ['b', 'route.routes[1]'],
      ['c', 'route.routes[2]'],
    ]);
  });

  it('returns the root itself when nothing below it matches', () => {
    const tree = buildRouteTree(route({ receiver: 'default', routes: [route({ receiver: 'a', matchers: ['x=1'] })] }));
    expect(matchRoutes(tree, {})).toEqual([tree]);
  });
});

describe('buildRouteTree', () => {
  it('rejects a root without a receiver', () => {
    expect(() => buildRouteTree(route({}))).toThrow(new RouteTreeError('root route must specify a default receiver', 'route'));
  });

  it('rejects a root with matchers, as Alertmanager does', () => {
    expect(() => buildRouteTree(route({ receiver: 'r', matchers: ['a=b'] }))).toThrow('root route must not have any matchers');
  });

  it('rejects a root with match_re, as Alertmanager does', () => {
    expect(() => buildRouteTree(route({ receiver: 'r', match_re: { a: 'b' } }))).toThrow('root route must not have any matchers');
  });

  it('rejects continue on the root, as Alertmanager does', () => {
    expect(() => buildRouteTree(route({ receiver: 'r', continue: true }))).toThrow('cannot have continue in root route');
  });

  it('names the route whose matcher is bad and keeps the syntax error as the cause', () => {
    let caught: unknown;
    try {
      buildRouteTree(route({ receiver: 'r', routes: [route({}), route({ matchers: ['a="x'] })] }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RouteTreeError);
    expect((caught as RouteTreeError).message).toBe('route.routes[1]: matcher value contains unescaped double quote: "x');
    expect((caught as RouteTreeError).path).toBe('route.routes[1]');
    expect((caught as RouteTreeError).cause).toBeInstanceOf(Error);
  });

  it('rejects a match key that is not a plain label name', () => {
    expect(() => buildRouteTree(route({ receiver: 'r', routes: [route({ match: { 'a-b': 'x' } })] }))).toThrow(
      'route.routes[0]: invalid label name "a-b"',
    );
  });
});
