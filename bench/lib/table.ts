import type { CostResult } from '../figures/cost';

/** One line of the printed table: a figure, what was measured, its target or baseline, and whether it is met. */
export interface Row {
  readonly figure: string;
  readonly measured: string;
  readonly target: string;
  /** undefined: a baseline or a breakdown, not a target. */
  readonly met?: boolean | undefined;
  /** For a missed target: by how much (`+$0.42`, `0.07×`). */
  readonly by?: string | undefined;
}

function status(row: Row): string {
  if (row.met === undefined) return '';
  if (row.met) return 'met';
  return row.by ? `MISSED by ${row.by}` : 'MISSED';
}

/** Renders rows as a plain-text table with a header and a rule under it. */
export function renderTable(rows: readonly Row[]): string {
  const cells = rows.map((r) => [r.figure, r.measured, r.target, status(r)]);
  const header = ['figure', 'measured', 'target / baseline', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

/** The cost lines of several mixes side by side: per delivery, and $ per million deliveries. */
export function costTables(results: readonly CostResult[]): string {
  const items = results[0]?.lines.map((l) => l.item) ?? [];
  const header = ['$ per million alert deliveries', ...results.flatMap((r) => [`${r.mix}: per delivery`, `${r.mix}: $/M`])];
  const fmt = (n: number) => (n === 0 ? '0' : n < 0.001 ? n.toExponential(2) : String(Math.round(n * 10_000) / 10_000));
  const cells = items.map((item) => [item, ...results.flatMap((r) => {
    const l = r.lines.find((x) => x.item === item)!;
    return [`${fmt(l.perDelivery)} ${l.unit}`, l.usdPerMillionDeliveries.toFixed(3)];
  })]);
  cells.push(['total', ...results.flatMap((r) => ['', r.totalUsdPerMillionDeliveries.toFixed(3)])]);
  cells.push(['  of which ingest / router / scaler / notifier', ...results.flatMap((r) => ['', Object.values(r.byStageUsdPerMillionDeliveries).map((v) => v.toFixed(2)).join(' / ')])]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}
