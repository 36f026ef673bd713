/** One line of the printed table: a figure, what was measured, its target or baseline, and whether it is met. */
export interface Row {
  readonly figure: string;
  readonly measured: string;
  readonly target: string;
  /** undefined: a baseline to compare with, not a target. */
  readonly met?: boolean | undefined;
}

/** Renders rows as a plain-text table with a header and a rule under it. */
export function renderTable(rows: readonly Row[]): string {
  const cells = rows.map((r) => [r.figure, r.measured, r.target, r.met === undefined ? '' : r.met ? 'met' : 'MISSED']);
  const header = ['figure', 'measured', 'target / baseline', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}
