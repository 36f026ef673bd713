import type { ReplayComparison } from '../compare';
import { round2, type NodeGroupSummary, type ReplayReport, type TimelineRow } from '../report';

/** How the text output shows a replay: a table per section, columns padded to their widest cell. */

/** ISO without milliseconds: the timeline's instants fall on seconds. */
const time = (iso: string) => iso.replace(/\.\d{3}Z$/, 'Z');

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) => `  ${cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')}`.trimEnd();
  return [line(header), ...rows.map(line)];
}

const desired = (row: TimelineRow) => (row.from === undefined ? '' : row.from === null || row.to === null ? '-' : row.from === row.to ? `${row.from}` : `${row.from} → ${row.to}`);

const outcomes = (actions: Readonly<Record<string, number>>) =>
  Object.entries(actions)
    .map(([outcome, n]) => `${outcome} ${n}`)
    .join(', ') || 'none';

const pages = (report: ReplayReport) =>
  Object.entries(report.pages)
    .map(([channel, n]) => `${channel} ${n}`)
    .join(', ') || 'none';

/** The one-paragraph account of what was replayed. */
export function headline(report: ReplayReport): string {
  const { deliveries: d } = report;
  return `Replayed ${d.webhooks} webhook(s), ${d.alerts} alert deliveries (${d.new} new, ${d.duplicate} duplicate, ${d.stepped} stepped), from ${time(report.from)} to ${time(report.to)} with ${report.label}.`;
}

function groupRows(groups: readonly NodeGroupSummary[]): string[][] {
  return groups.map((g) => [g.name, `${g.start}`, `${g.final}`, `${g.min}`, `${g.max}`, `${g.nodeHours}`, g.cost === undefined ? '-' : `${g.cost}`, outcomes(g.actions)]);
}

/** The node groups table and the pages line. */
export function summaryLines(report: ReplayReport): string[] {
  const lines = ['Node groups:', ...table(['NODE GROUP', 'START', 'FINAL', 'MIN', 'MAX', 'NODE-HOURS', 'COST', 'ACTIONS'], groupRows(report.nodeGroups))];
  const cost = report.nodeGroups.reduce((sum, g) => sum + (g.cost ?? 0), 0);
  if (report.nodeGroups.some((g) => g.cost !== undefined)) lines.push(`  total cost ${round2(cost)} over ${round2((Date.parse(report.to) - Date.parse(report.from)) / 3_600_000)}h`);
  lines.push(`Pages sent (to recorders, nothing left this machine): ${pages(report)}`);
  return lines;
}

/** What replay noticed about the history itself: unknown node groups, skipped input, dead letters, stage warnings. */
export function noticeLines(report: ReplayReport): string[] {
  const lines: string[] = [];
  if (report.unknownNodeGroups.length > 0) {
    lines.push(`History names node groups the configuration does not have (their scale actions were skipped): ${report.unknownNodeGroups.map((u) => `${u.name} (${u.alerts} alert(s))`).join(', ')}`);
  }
  if (report.problems.length > 0) lines.push(`Skipped input: ${report.problems.length} (each listed on stderr)`);
  if (report.ignored > 0) lines.push(`Ignored: ${report.ignored} event(s) that are not Alertmanager Notifications, or repeats of one`);
  for (const letter of report.deadLetters) lines.push(`Dead letter on ${letter.queue}: ${letter.reason}`);
  for (const warning of report.warnings) lines.push(`Stage warning (${warning.count}×): ${warning.message}`);
  return lines;
}

/** The whole text report of one run. */
export function reportText(report: ReplayReport): string[] {
  const rows = report.timeline.map((row) => [time(row.at), row.alert, row.status === 'resolved' ? `${row.decision}, resolved` : row.decision, row.action, row.outcome, desired(row)]);
  return [
    headline(report),
    '',
    'Timeline:',
    ...(rows.length > 0 ? table(['TIME', 'ALERT', 'DECISION', 'ACTION', 'OUTCOME', 'DESIRED'], rows) : ['  nothing was done']),
    '',
    ...summaryLines(report),
    ...noticeLines(report),
  ];
}

const shown = (value: number | string | null) => (value === null ? '(none)' : `${value}`);
/** Decision differences printed before "and N more": the rest are in --json and --html. */
export const DECISION_LINES = 20;

/** The text of a comparison: both summaries, then what differs. */
export function comparisonText(comparison: ReplayComparison): string[] {
  const { a, b, differences: d } = comparison;
  const lines = [headline(a), `Compared with ${b.label}.`, '', `A: ${a.label}`, ...summaryLines(a), '', `B: ${b.label}`, ...summaryLines(b), '', 'What differs (A → B):'];
  if (comparison.same) return [...lines, '  nothing: the same decisions, actions, node-hours and pages'];
  for (const x of d.actions) lines.push(`  ${x.key.nodeGroup}: ${x.key.outcome} actions ${shown(x.a)} → ${shown(x.b)}`);
  for (const x of d.nodeHours) lines.push(`  ${x.key.nodeGroup}: node-hours ${shown(x.a)} → ${shown(x.b)}`);
  for (const x of d.cost) lines.push(`  ${x.key.nodeGroup}: cost ${shown(x.a)} → ${shown(x.b)}`);
  for (const x of d.final) lines.push(`  ${x.key.nodeGroup}: final desired ${shown(x.a)} → ${shown(x.b)}`);
  for (const x of d.pages) lines.push(`  pages on ${x.key.channel}: ${shown(x.a)} → ${shown(x.b)}`);
  if (d.decisions.length > 0) lines.push(`  decisions: ${d.decisions.length} action outcome(s) differ`);
  for (const x of d.decisions.slice(0, DECISION_LINES)) lines.push(`    ${x.key.alert}: ${x.key.actionId.slice(x.key.decisionId.length + 1)} ${shown(x.a)} → ${shown(x.b)}`);
  if (d.decisions.length > DECISION_LINES) lines.push(`    and ${d.decisions.length - DECISION_LINES} more (see --json or --html)`);
  return lines;
}
