/**
 * `--report FILE.html`: one self-contained page an analyst opens in a browser: counts by level,
 * alerts over time per level (inline SVG), top rules (with authors: DRL attribution) and hosts,
 * and the alert list with why each matched and links to ATT&CK. No script, no external request:
 * a Content-Security-Policy forbids any, and every value is sanitised, then HTML-escaped.
 */
import { eventTimeMs } from '../../alerts/event-facts.ts';
import { displayValue } from '../../alerts/sanitise.ts';
import { LEVELS, type Level } from '../../rules/rule.ts';
import { formatBytes, formatCount, formatDuration, type RunStats } from '../scan/run-stats.ts';
import { type AlertRow, orderedWhy } from './alert-row.ts';
import type { AlertOutput } from './outputs.ts';

/** Alerts listed in the page; counts and the chart always cover every alert. */
export const MAX_LISTED = 5000;
/** Alert times kept for the chart. */
const MAX_TIMES = 1_000_000;

export interface ReportInput {
  readonly stats: RunStats;
  readonly rows: readonly AlertRow[];
  /** [epoch ms, level, matches] of every alert with a time. */
  readonly times: readonly (readonly [number, Level, number])[];
  readonly version: string;
  readonly generatedAt: Date;
  readonly inputs: readonly string[];
  readonly rulesLoaded: number;
}

/** Collects what the page shows while the scan runs; `render` builds it at the end. */
export function reportCollector(): AlertOutput & { rows: AlertRow[]; times: [number, Level, number][] } {
  const rows: AlertRow[] = [];
  const times: [number, Level, number][] = [];
  return {
    rows,
    times,
    alert(alert, rowOf) {
      if (rows.length < MAX_LISTED) rows.push(rowOf());
      const first = alert.matches[0];
      const time = first ? eventTimeMs(first.event) : undefined;
      if (time !== undefined && times.length < MAX_TIMES) times.push([time, alert.rule.level, alert.count]);
    },
  };
}

const COLOURS: Readonly<Record<Level, string>> = {
  critical: '#7f1d1d',
  high: '#dc2626',
  medium: '#f59e0b',
  low: '#2563eb',
  informational: '#6b7280',
};

export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderReport(input: ReportInput): string {
  const { stats } = input;
  const levels = [...LEVELS].reverse();
  const cards = levels
    .map(
      (l) =>
        `<div class="card lvl-${l}" data-level="${l}"><span class="n" data-count="alerts-${l}">${formatCount(stats.alertsByLevel[l])}</span>` +
        `<span class="k">${l}</span><span class="m">${formatCount(stats.matchesByLevel[l])} matches</span></div>`,
    )
    .join('');
  const listedNote =
    stats.alerts > input.rows.length
      ? `<p class="note">Showing the first ${formatCount(input.rows.length)} of ${formatCount(stats.alerts)} alerts; counts and the chart cover all (the full list: <code>winsift scan --timeline</code>).</p>`
      : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>winsift report: ${formatCount(stats.alerts)} alerts</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>winsift report</h1>
<p class="meta">${esc(input.version)} · generated ${esc(input.generatedAt.toISOString())} · ${formatCount(input.rulesLoaded)} rules ·
read ${formatCount(stats.filesScanned)} files, <span data-count="events">${formatCount(stats.events)}</span> events, ${formatBytes(stats.bytes)} in ${formatDuration(stats.durationMs)}</p>
<p class="meta">inputs: ${input.inputs.map((p) => `<code>${esc(displayValue(p, 200))}</code>`).join(' ')}</p>
</header>
<section class="totals">
<div class="card total"><span class="n" data-count="alerts">${formatCount(stats.alerts)}</span><span class="k">alerts</span><span class="m" data-count="matches">${formatCount(stats.matches)} matches</span></div>
${cards}
</section>
${problems(stats)}
<section><h2>Alerts over time</h2>${chart(input.times)}</section>
<div class="cols">
<section><h2>Top rules</h2>${topRules(stats)}</section>
<section><h2>Top hosts</h2>${topHosts(stats)}</section>
</div>
<section><h2>Alerts</h2>${listedNote}${alertTable(input.rows)}</section>
<footer>Each alert shows the author of the rule that raised it: SigmaHQ rules are under the
Detection Rule License 1.1, Elastic rules under the Elastic License 2.0. ATT&amp;CK® is a registered trademark of The MITRE Corporation.</footer>
</body>
</html>
`;
}

function problems(stats: RunStats): string {
  const items: string[] = [];
  for (const f of stats.partial) items.push(`<li><code>${esc(f.path)}</code>: ${formatCount(f.unreadable)} unreadable records; first: ${esc(displayValue(f.reason, 300))}</li>`);
  for (const f of stats.failed) items.push(`<li><code>${esc(displayValue(f.path, 300))}</code>: not read whole: ${esc(displayValue(f.reason, 300))}</li>`);
  const skipped = [
    stats.notLogs.length > 0 ? `${formatCount(stats.notLogs.length)} file${stats.notLogs.length === 1 ? '' : 's'} not logs` : '',
    stats.hidden > 0 ? `${formatCount(stats.hidden)} hidden` : '',
    stats.excluded > 0 ? `${formatCount(stats.excluded)} left out by --include/--exclude` : '',
  ].filter(Boolean);
  if (items.length === 0 && skipped.length === 0) return '';
  return `<section class="problems"><h2>Inputs</h2>${skipped.length > 0 ? `<p>Not scanned: ${skipped.join(', ')}.</p>` : ''}${items.length > 0 ? `<ul>${items.join('')}</ul>` : ''}</section>`;
}

/** Stacked bars of matches per level over the run's time span, in at most ~60 buckets. */
function chart(times: readonly (readonly [number, Level, number])[]): string {
  if (times.length === 0) return '<p class="note">No alert carries an event time.</p>';
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const [t] of times) {
    if (t < min) min = t;
    if (t > max) max = t;
  }
  const STEPS: [number, string][] = [
    [60e3, 'minute'], [300e3, '5 minutes'], [900e3, '15 minutes'], [3600e3, 'hour'], [6 * 3600e3, '6 hours'],
    [86400e3, 'day'], [7 * 86400e3, 'week'], [30 * 86400e3, '30 days'], [365 * 86400e3, '365 days'],
  ];
  const [step, stepName] = STEPS.find(([s]) => (max - min) / s < 60) ?? [Math.ceil((max - min) / 60), `${formatDuration(Math.ceil((max - min) / 60))}`];
  const start = Math.floor(min / step) * step;
  const n = Math.floor((max - start) / step) + 1;
  const buckets = Array.from({ length: n }, () => ({ informational: 0, low: 0, medium: 0, high: 0, critical: 0 }) as Record<Level, number>);
  for (const [t, level, count] of times) buckets[Math.floor((t - start) / step)]![level] += count;
  const peak = Math.max(1, ...buckets.map((b) => LEVELS.reduce((s, l) => s + b[l], 0)));
  const W = 960;
  const H = 200;
  const barW = W / n;
  const bars: string[] = [];
  buckets.forEach((b, i) => {
    let y = H;
    for (const level of LEVELS) {
      if (b[level] === 0) continue;
      const h = Math.max(1, (b[level] / peak) * (H - 10));
      y -= h;
      const at = new Date(start + i * step).toISOString();
      bars.push(
        `<rect x="${(i * barW + 1).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, barW - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${COLOURS[level]}"><title>${at}: ${b[level]} ${level}</title></rect>`,
      );
    }
  });
  const label = (t: number) => esc(new Date(t).toISOString().slice(0, 16).replace('T', ' '));
  const legend = [...LEVELS].reverse().map((l) => `<span><i style="background:${COLOURS[l]}"></i>${l}</span>`).join('');
  return `<svg class="chart" viewBox="0 0 ${W} ${H + 18}" role="img" aria-label="matches over time by level">
<line x1="0" y1="${H}" x2="${W}" y2="${H}" stroke="#999"/>${bars.join('')}
<text x="0" y="${H + 14}" font-size="11">${label(start)} UTC</text><text x="${W}" y="${H + 14}" font-size="11" text-anchor="end">${label(start + n * step)} UTC</text>
<text x="${W}" y="10" font-size="11" text-anchor="end">peak ${peak} per ${stepName}</text></svg>
<p class="legend">${legend} <span class="note">bars: matches per ${stepName}</span></p>`;
}

function topRules(stats: RunStats): string {
  const rows = stats.topRules(15);
  if (rows.length === 0) return '<p class="note">No alerts.</p>';
  return `<table><thead><tr><th>matches</th><th>alerts</th><th>level</th><th>rule</th><th>author</th></tr></thead><tbody>${rows
    .map(
      (r) =>
        `<tr data-rule="${esc(displayValue(r.id, 100))}"><td class="num">${formatCount(r.matches)}</td><td class="num">${formatCount(r.alerts)}</td><td><span class="lvl lvl-${r.level}">${r.level}</span></td>` +
        `<td>${esc(displayValue(r.title, 200))}<br><code>${esc(displayValue(r.id, 100))}</code></td><td>${esc(displayValue(r.author, 300))}</td></tr>`,
    )
    .join('')}</tbody></table>`;
}

function topHosts(stats: RunStats): string {
  const rows = stats.topHosts(15);
  if (rows.length === 0) return '<p class="note">No alerts.</p>';
  return `<table><thead><tr><th>matches</th><th>alerts</th><th>host</th></tr></thead><tbody>${rows
    .map((h) => `<tr><td class="num">${formatCount(h.matches)}</td><td class="num">${formatCount(h.alerts)}</td><td>${esc(displayValue(h.host, 255))}</td></tr>`)
    .join('')}</tbody></table>`;
}

function alertTable(rows: readonly AlertRow[]): string {
  if (rows.length === 0) return '<p class="note">No alerts.</p>';
  const body = rows
    .map((r) => {
      const attack = [
        ...r.techniques.map((t) => `<a href="${esc(t.url)}" rel="noreferrer noopener" target="_blank">${esc(t.uid)}</a>`),
        ...r.tactics.map((t) => (t.url ? `<a href="${esc(t.url)}" rel="noreferrer noopener" target="_blank">${esc(t.name)}</a>` : esc(t.name))),
      ].join(' ');
      const why =
        r.why.length === 0
          ? '<span class="note">no field evidence (a correlation or sequence)</span>'
          : `<ul>${orderedWhy(r).map((w) => `<li><code>${esc(w.field)}</code> ${esc(w.test)}: <code>${esc(w.value)}</code></li>`).join('')}</ul>`;
      return (
        `<tr class="alert" data-level="${r.level}"><td>${esc(r.time ? r.time.replace('T', ' ').replace(/\.000Z$/, 'Z') : '-')}</td>` +
        `<td><span class="lvl lvl-${r.level}">${r.level}</span></td><td>${esc(r.host)}</td>` +
        `<td><b>${esc(r.title)}</b><div class="small">by ${esc(r.author)}</div><div class="small">${attack}</div></td>` +
        `<td class="num">${formatCount(r.count)}</td><td class="why">${why}</td>` +
        `<td class="src"><code>${esc(r.file)}</code> #${r.index}</td></tr>`
      );
    })
    .join('\n');
  return `<table class="alerts"><thead><tr><th>time (UTC)</th><th>level</th><th>host</th><th>rule</th><th>count</th><th>why it matched</th><th>file #record</th></tr></thead><tbody>
${body}
</tbody></table>`;
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#111;background:#fff}
h1{margin:0 0 4px;font-size:24px}h2{font-size:17px;margin:24px 0 8px}
.meta{color:#555;margin:2px 0}code{font:12px ui-monospace,monospace;word-break:break-all}
.totals{display:flex;gap:12px;flex-wrap:wrap;margin-top:16px}
.card{border:1px solid #ddd;border-radius:8px;padding:10px 16px;min-width:110px;display:flex;flex-direction:column;border-top-width:5px}
.card .n{font-size:28px;font-weight:700}.card .k{text-transform:uppercase;font-size:12px;color:#444}.card .m{font-size:12px;color:#666}
.card.total{border-top-color:#111}
.lvl-critical{border-top-color:${COLOURS.critical}}.lvl-high{border-top-color:${COLOURS.high}}.lvl-medium{border-top-color:${COLOURS.medium}}
.lvl-low{border-top-color:${COLOURS.low}}.lvl-informational{border-top-color:${COLOURS.informational}}
span.lvl{color:#fff;border-radius:4px;padding:1px 6px;font-size:12px}
span.lvl-critical{background:${COLOURS.critical}}span.lvl-high{background:${COLOURS.high}}span.lvl-medium{background:${COLOURS.medium}}
span.lvl-low{background:${COLOURS.low}}span.lvl-informational{background:${COLOURS.informational}}
.chart{width:100%;max-width:960px;height:auto;border:1px solid #eee}
.legend span{margin-right:12px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
.cols{display:flex;gap:32px;flex-wrap:wrap}.cols section{flex:1;min-width:320px}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #eee;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f6f6f6;font-weight:600}td.num{text-align:right}.small{font-size:12px;color:#555}
.why ul{margin:0;padding-left:16px}.note{color:#666}.problems li{color:#991b1b}
footer{margin-top:32px;color:#666;font-size:12px}
`;
