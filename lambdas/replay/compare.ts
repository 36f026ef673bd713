import type { ReplayReport } from './report';

/** One figure that differs between the two runs; `null` where a run has none. */
export interface Difference<K extends string> {
  readonly key: Readonly<Record<K, string>>;
  readonly a: number | string | null;
  readonly b: number | string | null;
}

/** Two runs of the same history, and what differs between them. */
export interface ReplayComparison {
  readonly a: ReplayReport;
  readonly b: ReplayReport;
  readonly differences: {
    /** Scaling actions per node group and outcome. */
    readonly actions: readonly Difference<'nodeGroup' | 'outcome'>[];
    readonly nodeHours: readonly Difference<'nodeGroup'>[];
    readonly cost: readonly Difference<'nodeGroup'>[];
    readonly final: readonly Difference<'nodeGroup'>[];
    readonly pages: readonly Difference<'channel'>[];
    /** Per decision and action: its final outcome in each run (`null`: the run never had that action). */
    readonly decisions: readonly Difference<'decisionId' | 'alert' | 'actionId'>[];
  };
  /** True when nothing above differs. */
  readonly same: boolean;
}

const keys = <T>(a: Iterable<T>, b: Iterable<T>) => [...new Set([...a, ...b])];

function differing<K extends string>(names: readonly string[], key: (name: string) => Readonly<Record<K, string>>, valueOf: (report: ReplayReport, name: string) => number | string | null, a: ReplayReport, b: ReplayReport): Difference<K>[] {
  return names.flatMap((name) => {
    const [x, y] = [valueOf(a, name), valueOf(b, name)];
    return x === y ? [] : [{ key: key(name), a: x, b: y }];
  });
}

function decisionDifferences(a: ReplayReport, b: ReplayReport): Difference<'decisionId' | 'alert' | 'actionId'>[] {
  const outcomes = (report: ReplayReport) => new Map(report.decisions.flatMap((d) => d.actions.map((action) => [`${d.decisionId}\u0000${action.actionId}`, { d, outcome: action.outcome }] as const)));
  const [inA, inB] = [outcomes(a), outcomes(b)];
  return keys(inA.keys(), inB.keys()).flatMap((id) => {
    const [x, y] = [inA.get(id), inB.get(id)];
    if (x?.outcome === y?.outcome) return [];
    const d = (x ?? y)!.d;
    return [{ key: { decisionId: d.decisionId, alert: d.alert, actionId: id.split('\u0000')[1]! }, a: x?.outcome ?? null, b: y?.outcome ?? null }];
  });
}

/** What differs between two runs of the same history: actions, node-hours, cost, final sizes, pages, and every decision's outcomes. */
export function compareReplays(a: ReplayReport, b: ReplayReport): ReplayComparison {
  const group = (report: ReplayReport, name: string) => report.nodeGroups.find((g) => g.name === name);
  const groups = keys(a.nodeGroups.map((g) => g.name), b.nodeGroups.map((g) => g.name));
  const outcomes = keys(
    a.nodeGroups.flatMap((g) => Object.keys(g.actions)),
    b.nodeGroups.flatMap((g) => Object.keys(g.actions)),
  );
  const pairs = groups.flatMap((nodeGroup) => outcomes.map((outcome) => `${nodeGroup}\u0000${outcome}`));
  const differences = {
    actions: differing(
      pairs,
      (pair) => ({ nodeGroup: pair.split('\u0000')[0]!, outcome: pair.split('\u0000')[1]! }),
      (report, pair) => group(report, pair.split('\u0000')[0]!)?.actions[pair.split('\u0000')[1]!] ?? 0,
      a,
      b,
    ),
    nodeHours: differing(groups, (nodeGroup) => ({ nodeGroup }), (report, name) => group(report, name)?.nodeHours ?? null, a, b),
    cost: differing(groups, (nodeGroup) => ({ nodeGroup }), (report, name) => group(report, name)?.cost ?? null, a, b),
    final: differing(groups, (nodeGroup) => ({ nodeGroup }), (report, name) => group(report, name)?.final ?? null, a, b),
    pages: differing(keys(Object.keys(a.pages), Object.keys(b.pages)), (channel) => ({ channel }), (report, channel) => report.pages[channel] ?? 0, a, b),
    decisions: decisionDifferences(a, b),
  };
  return { a, b, differences, same: Object.values(differences).every((list) => list.length === 0) };
}
