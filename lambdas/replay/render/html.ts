import type { ReplayComparison } from '../compare';
import type { ReplayReport, TimelineRow } from '../report';
import { comparisonText, headline, noticeLines } from './text';

/**
 * `--html FILE`: one self-contained page — inline SVG, CSS and a few lines of
 * script, no network at view time — with a chart of desired capacity per node
 * group over time (alerts and actions marked on it), the summary, the
 * timeline, and, given a comparison, both runs on one chart and what differs.
 */

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];
const WIDTH = 960;
const HEIGHT = 340;
const MARGIN = { left: 48, right: 16, top: 28, bottom: 36 };

interface Run {
  readonly id: 'a' | 'b';
  readonly report: ReplayReport;
}

interface Scale {
  x(iso: string | number): number;
  y(desired: number): number;
}

function scaleFor(runs: readonly Run[]): Scale & { from: number; to: number; top: number } {
  const from = Math.min(...runs.map((run) => Date.parse(run.report.from)));
  const to = Math.max(from + 1, ...runs.map((run) => Date.parse(run.report.to)));
  const top = Math.max(1, ...runs.flatMap((run) => run.report.nodeGroups.map((group) => group.max))) + 1;
  const width = WIDTH - MARGIN.left - MARGIN.right;
  const height = HEIGHT - MARGIN.top - MARGIN.bottom;
  return {
    from,
    to,
    top,
    x: (at) => MARGIN.left + ((typeof at === 'number' ? at : Date.parse(at)) - from) / (to - from) * width,
    y: (desired) => MARGIN.top + height - (desired / top) * height,
  };
}

const fixed = (n: number) => n.toFixed(1);

/** A step line of one group's desired capacity from the start to the end of history. */
function seriesPath(run: Run, name: string, scale: Scale & { to: number }): string {
  const series = run.report.nodeGroups.find((group) => group.name === name)?.series ?? [];
  const [first, ...rest] = series;
  if (!first) return '';
  let d = `M${fixed(scale.x(first.at))},${fixed(scale.y(first.desired))}`;
  for (const point of rest) d += ` H${fixed(scale.x(point.at))} V${fixed(scale.y(point.desired))}`;
  return `${d} H${fixed(scale.x(scale.to))}`;
}

function axes(scale: ReturnType<typeof scaleFor>): string {
  const parts: string[] = [];
  const bottom = HEIGHT - MARGIN.bottom;
  parts.push(`<line class="axis" x1="${MARGIN.left}" y1="${bottom}" x2="${WIDTH - MARGIN.right}" y2="${bottom}"/>`);
  parts.push(`<line class="axis" x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${bottom}"/>`);
  for (let i = 0; i <= 6; i++) {
    const at = scale.from + ((scale.to - scale.from) * i) / 6;
    const x = fixed(scale.x(at));
    parts.push(`<line class="tick" x1="${x}" y1="${bottom}" x2="${x}" y2="${bottom + 4}"/><text class="tick-label" x="${x}" y="${bottom + 16}" text-anchor="middle">${escape(new Date(at).toISOString().slice(5, 16).replace('T', ' '))}</text>`);
  }
  const step = Math.max(1, Math.ceil(scale.top / 6));
  for (let n = 0; n <= scale.top; n += step) {
    const y = fixed(scale.y(n));
    parts.push(`<line class="grid" x1="${MARGIN.left}" y1="${y}" x2="${WIDTH - MARGIN.right}" y2="${y}"/><text class="tick-label" x="${MARGIN.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${n}</text>`);
  }
  parts.push(`<text class="axis-title" x="${MARGIN.left}" y="${MARGIN.top - 12}">desired capacity (nodes), UTC</text>`);
  return parts.join('');
}

/** A circle per scaling action on its group's line, a tick per new firing alert along the top. */
function marks(run: Run, scale: Scale, colour: (name: string) => string): string {
  const rows = run.report.timeline;
  const alerts = rows
    .filter((row) => row.decision === 'new' && row.status === 'firing')
    .map((row) => `<line class="alert-mark" data-run="${run.id}" x1="${fixed(scale.x(row.at))}" y1="${MARGIN.top - 6}" x2="${fixed(scale.x(row.at))}" y2="${MARGIN.top}"><title>${escape(`${row.at} ${row.alert}`)}</title></line>`);
  const actions = rows
    .filter((row): row is TimelineRow & { nodeGroup: string } => row.nodeGroup !== undefined)
    .map((row) => {
      const at = row.to ?? row.from ?? 0;
      return `<circle class="action-mark outcome-${escape(row.outcome)}" data-run="${run.id}" data-node-group="${escape(row.nodeGroup)}" cx="${fixed(scale.x(row.at))}" cy="${fixed(scale.y(at))}" r="3.5" fill="${colour(row.nodeGroup)}"><title>${escape(`${row.at} ${row.action}: ${row.outcome}${row.reason ? ` — ${row.reason}` : ''}`)}</title></circle>`;
    });
  return [...alerts, ...actions].join('');
}

function chart(runs: readonly Run[]): string {
  const scale = scaleFor(runs);
  const names = [...new Set(runs.flatMap((run) => run.report.nodeGroups.map((group) => group.name)))];
  const colour = (name: string) => PALETTE[names.indexOf(name) % PALETTE.length]!;
  const series = runs.flatMap((run) =>
    names.map((name) => `<path class="series run-${run.id}" data-run="${run.id}" data-node-group="${escape(name)}" d="${seriesPath(run, name, scale)}" stroke="${colour(name)}"><title>${escape(`${name} (${run.report.label})`)}</title></path>`),
  );
  const legend = names
    .map((name) => `<button type="button" class="legend" data-node-group="${escape(name)}" aria-pressed="true"><span style="background:${colour(name)}"></span>${escape(name)}</button>`)
    .join('');
  const runsLegend = runs.length > 1 ? `<p class="runs">solid: A, ${escape(runs[0]!.report.label)}; dashed: B, ${escape(runs[1]!.report.label)}</p>` : '';
  return `<figure><svg id="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="desired capacity per node group over time">${axes(scale)}${series.join('')}${runs.map((run) => marks(run, scale, colour)).join('')}</svg><figcaption>${legend}${runsLegend}</figcaption></figure>`;
}

const cells = (values: readonly (string | number | null | undefined)[], tag = 'td') => values.map((value) => `<${tag}>${escape(value === undefined || value === null ? '' : String(value))}</${tag}>`).join('');

function summary(report: ReplayReport): string {
  const rows = report.nodeGroups.map((g) => `<tr data-node-group="${escape(g.name)}">${cells([g.name, g.start, g.final, g.min, g.max, g.nodeHours, g.cost ?? '-', Object.entries(g.actions).map(([o, n]) => `${o} ${n}`).join(', ') || 'none'])}</tr>`);
  const pages = Object.entries(report.pages).map(([channel, n]) => `${channel} ${n}`).join(', ') || 'none';
  const notices = noticeLines(report).map((line) => `<li>${escape(line)}</li>`).join('');
  const problems = report.problems.map((p) => `<li>${escape(`${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`)}</li>`).join('');
  return `<table class="summary"><thead><tr>${cells(['node group', 'start', 'final', 'min', 'max', 'node-hours', 'cost', 'actions'], 'th')}</tr></thead><tbody>${rows.join('')}</tbody></table>
<p>Pages sent (to recorders): ${escape(pages)}</p>${notices ? `<ul class="notices">${notices}</ul>` : ''}${problems ? `<details><summary>Skipped input (${report.problems.length})</summary><ul>${problems}</ul></details>` : ''}`;
}

function timeline(report: ReplayReport): string {
  const rows = report.timeline.map(
    (row) => `<tr class="outcome-${escape(row.outcome)}"${row.nodeGroup ? ` data-node-group="${escape(row.nodeGroup)}"` : ''}>${cells([row.at.replace(/\.\d{3}Z$/, 'Z'), row.alert, row.status === 'resolved' ? `${row.decision}, resolved` : row.decision, row.action, row.outcome, row.from === undefined ? '' : `${row.from ?? '-'} → ${row.to ?? '-'}`, row.reason])}</tr>`,
  );
  return `<table class="timeline"><thead><tr>${cells(['time', 'alert', 'decision', 'action', 'outcome', 'desired', 'why'], 'th')}</tr></thead><tbody>${rows.join('') || '<tr><td colspan="7">nothing was done</td></tr>'}</tbody></table>`;
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}h1{font-size:20px}h2{font-size:16px;margin-top:28px}
svg{width:100%;max-width:${WIDTH}px;height:auto;background:#fff;border:1px solid #ddd}
.series{fill:none;stroke-width:2}.series.run-b{stroke-dasharray:6 4}.series.hidden,.action-mark.hidden{display:none}
.axis{stroke:#444}.grid{stroke:#eee}.tick{stroke:#444}.tick-label,.axis-title{font-size:11px;fill:#555}.alert-mark{stroke:#999;stroke-width:1.5}
.action-mark{stroke:#fff;stroke-width:1}.action-mark.outcome-failed,.action-mark.outcome-fallback{stroke:#000;stroke-width:1.5}
figcaption{margin-top:6px}.legend{border:1px solid #ccc;background:#fafafa;margin-right:6px;padding:2px 8px;cursor:pointer}.legend[aria-pressed=false]{opacity:.4}
.legend span{display:inline-block;width:10px;height:10px;margin-right:6px}table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4}.timeline td{white-space:nowrap}.timeline td:nth-child(7){white-space:normal;color:#666;font-size:12px;min-width:320px}pre{background:#f7f7f7;padding:8px;overflow:auto}`;

// Clicking a node group in the legend hides or shows its line and marks.
const SCRIPT = `document.querySelectorAll('button.legend').forEach(function(button){button.addEventListener('click',function(){
var group=button.getAttribute('data-node-group');var shown=button.getAttribute('aria-pressed')!=='true';button.setAttribute('aria-pressed',String(shown));
document.querySelectorAll('#chart [data-node-group]').forEach(function(el){if(el.getAttribute('data-node-group')===group)el.classList.toggle('hidden',!shown);});});});`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)}</title><style>${STYLE}</style></head><body>${body}<script>${SCRIPT}</script></body></html>\n`;
}

/** The page for one run. */
export function reportHtml(report: ReplayReport): string {
  const body = `<h1>alertscale replay: ${escape(report.label)}</h1><p>${escape(headline(report))}</p>
${chart([{ id: 'a', report }])}<h2>Node groups</h2>${summary(report)}<h2>Timeline</h2>${timeline(report)}`;
  return page(`alertscale replay: ${report.label}`, body);
}

/** The page for a comparison: both runs on one chart, what differs, each run's summary and timeline. */
export function comparisonHtml(comparison: ReplayComparison): string {
  const { a, b } = comparison;
  const differs = comparisonText(comparison).slice(comparisonText(comparison).indexOf('What differs (A → B):'));
  const body = `<h1>alertscale replay: ${escape(a.label)} compared with ${escape(b.label)}</h1><p>${escape(headline(a))}</p>
${chart([{ id: 'a', report: a }, { id: 'b', report: b }])}<h2>What differs</h2><pre class="differences">${escape(differs.join('\n'))}</pre>
<h2>A: ${escape(a.label)}</h2>${summary(a)}<h2>B: ${escape(b.label)}</h2>${summary(b)}
<h2>Timeline of A</h2>${timeline(a)}<details><summary>Timeline of B</summary>${timeline(b)}</details>`;
  return page(`alertscale replay: ${a.label} vs ${b.label}`, body);
}
