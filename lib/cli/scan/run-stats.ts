/**
 * What a whole scan run saw, for the summary on stderr and the HTML report: alerts by level,
 * rule and host; every file that was bad, skipped or not a log; events, bytes and time.
 */
import { displayValue } from '../../alerts/sanitise.ts';
import { LEVELS, type Level } from '../../rules/rule.ts';
import type { Alert } from '../../alerts/alert.ts';
import { eventHost } from '../../alerts/event-facts.ts';
import { wrapIndented } from '../output/text.ts';
import type { InputPlan } from './inputs.ts';
import type { FileReport } from './scan-file.ts';

export interface RuleCount {
  readonly id: string;
  readonly title: string;
  readonly author: string;
  readonly level: Level;
  alerts: number;
  matches: number;
}

export interface FileProblem {
  readonly path: string;
  readonly reason: string;
}

const MAX_HOST_CHARS = 255;
const MAX_HOSTS = 100_000;
const OTHER_HOSTS = '(other hosts)';

export class RunStats {
  readonly started = performance.now();
  durationMs = 0;
  filesScanned = 0;
  bytes = 0;
  events = 0;
  skippedRecords = 0;
  unreadableRecords = 0;
  /** Events read not exactly as written (invalid UTF-8, repeated JSON keys), and of those the repeated keys. */
  warningRecords = 0;
  duplicateKeyRecords = 0;
  alerts = 0;
  matches = 0;
  hiddenMatches = 0;
  hidden = 0;
  excluded = 0;
  notRegular = 0;
  readonly alertsByLevel: Record<Level, number> = { informational: 0, low: 0, medium: 0, high: 0, critical: 0 };
  readonly matchesByLevel: Record<Level, number> = { informational: 0, low: 0, medium: 0, high: 0, critical: 0 };
  readonly rules = new Map<string, RuleCount>();
  readonly hosts = new Map<string, { alerts: number; matches: number }>();
  readonly notLogs: FileProblem[] = [];
  /** Files with unreadable records (read in part). */
  readonly partial: (FileProblem & { readonly unreadable: number })[] = [];
  /** Files whose reading stopped early, or that could not be opened, or paths that do not exist. */
  readonly failed: FileProblem[] = [];
  /** Counters of the cross-object state over the run (`--state`), summed over files. */
  readonly state: Record<string, number> = {};

  constructor(plan: InputPlan) {
    this.hidden = plan.hidden;
    this.excluded = plan.excluded;
    this.notRegular = plan.notRegular;
    for (const p of plan.problems) this.failed.push({ path: p.path, reason: p.reason });
  }

  /** Counted from the alert as it is: sanitised only when shown. */
  addAlert(alert: Alert): void {
    const { rule, count } = alert;
    this.alerts++;
    this.matches += count;
    this.alertsByLevel[rule.level]++;
    this.matchesByLevel[rule.level] += count;
    let r = this.rules.get(rule.id);
    if (r === undefined) {
      r = { id: rule.id, title: rule.title, author: rule.author, level: rule.level, alerts: 0, matches: 0 };
      this.rules.set(rule.id, r);
    }
    r.alerts++;
    r.matches += count;
    const first = alert.matches[0];
    // Host names are event data: bounded in length, and in number (crafted events could carry
    // millions of distinct ones), the rest counted together.
    const raw = first ? eventHost(first.event) : alert.host;
    const name = raw.length > MAX_HOST_CHARS ? raw.slice(0, MAX_HOST_CHARS) : raw;
    const hostName = this.hosts.has(name) || this.hosts.size < MAX_HOSTS ? name : OTHER_HOSTS;
    let host = this.hosts.get(hostName);
    if (host === undefined) {
      host = { alerts: 0, matches: 0 };
      this.hosts.set(hostName, host);
    }
    host.alerts++;
    host.matches += count;
  }

  addFile(report: FileReport): void {
    if (report.kind === 'not-a-log') {
      this.notLogs.push({ path: report.path, reason: report.reason });
      return;
    }
    if (report.kind === 'unopened') {
      this.failed.push({ path: report.path, reason: report.reason });
      return;
    }
    const { summary } = report;
    this.filesScanned++;
    this.bytes += summary.bytesIn;
    this.events += summary.events;
    this.skippedRecords += summary.skipped;
    this.unreadableRecords += summary.unreadable;
    this.warningRecords += summary.warnings ?? 0;
    this.duplicateKeyRecords += summary.duplicateKeys ?? 0;
    this.hiddenMatches += report.hiddenMatches;
    for (const [k, n] of Object.entries(report.state ?? {})) this.state[k] = (this.state[k] ?? 0) + n;
    if (report.stopped !== undefined) this.failed.push({ path: report.path, reason: report.stopped });
    else if (summary.unreadable > 0) {
      this.partial.push({ path: report.path, unreadable: summary.unreadable, reason: summary.errors[0] ?? 'unreadable records' });
    }
  }

  finish(): void {
    this.durationMs = performance.now() - this.started;
  }

  /** True when some input was bad: the run exits 2. */
  get badInput(): boolean {
    return this.failed.length > 0 || this.partial.length > 0;
  }

  topRules(n: number): RuleCount[] {
    return [...this.rules.values()].sort((a, b) => b.matches - a.matches || (a.title < b.title ? -1 : 1)).slice(0, n);
  }

  topHosts(n: number): { host: string; alerts: number; matches: number }[] {
    return [...this.hosts.entries()]
      .map(([host, c]) => ({ host, ...c }))
      .sort((a, b) => b.matches - a.matches || (a.host < b.host ? -1 : 1))
      .slice(0, n);
  }

  eventsPerSecond(): number {
    return this.durationMs > 0 ? Math.round((this.events + this.skippedRecords) / (this.durationMs / 1000)) : 0;
  }
}

const number = new Intl.NumberFormat('en-US');
export const formatCount = (n: number): string => number.format(n);
const plural = (n: number, word: string) => `${formatCount(n)} ${word}${n === 1 ? '' : /(s|x|ch|sh)$/.test(word) ? 'es' : 's'}`;

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}

/** The end-of-run summary for stderr: a few lines a person reads, each item bounded. */
export function formatSummary(stats: RunStats, rulesLoaded: number, width?: number, rulesNotLoaded = 0): string {
  const lines: string[] = [];
  const levels = [...LEVELS].reverse().filter((l) => stats.alertsByLevel[l] > 0).map((l) => `${formatCount(stats.alertsByLevel[l])} ${l}`);
  const folded = stats.matches !== stats.alerts ? ` (${plural(stats.matches, 'match')})` : '';
  lines.push(`winsift: ${plural(stats.alerts, 'alert')}${folded}${levels.length > 0 ? `: ${levels.join(', ')}` : ''}`);
  if (stats.hiddenMatches > 0) lines.push(`  + ${plural(stats.hiddenMatches, 'match')} hidden by --min-level/--rule/--exclude-rule/--tag`);
  const rules = stats.topRules(5);
  if (rules.length > 0) {
    lines.push('  top rules:');
    for (const r of rules) {
      lines.push(`    ${formatCount(r.matches).padStart(7)}  ${r.level.padEnd(6)} ${displayValue(r.title, 100)} (${displayValue(r.id, 40)}) by ${displayValue(r.author, 300)}`);
    }
  }
  const hosts = stats.topHosts(5);
  if (hosts.length > 0) {
    lines.push('  top hosts:');
    for (const h of hosts) lines.push(`    ${formatCount(h.matches).padStart(7)}  ${displayValue(h.host, 80)}`);
  }
  const seconds = stats.durationMs / 1000;
  lines.push(
    `  read ${plural(stats.filesScanned, 'file')}, ${plural(stats.events, 'event')}` +
      (stats.skippedRecords > 0 ? ` (+${formatCount(stats.skippedRecords)} records no rule can match, skipped unparsed)` : '') +
      `, ${formatBytes(stats.bytes)} in ${formatDuration(stats.durationMs)}` +
      (seconds > 0 ? ` (${formatCount(stats.eventsPerSecond())} records/s)` : '') +
      `, ${plural(rulesLoaded, 'rule')}` +
      (rulesNotLoaded > 0 ? ` (${formatCount(rulesNotLoaded)} not loaded, named above)` : ''),
  );
  const skipped: string[] = [];
  if (stats.notLogs.length > 0) skipped.push(`${plural(stats.notLogs.length, 'file')} not logs`);
  if (stats.hidden > 0) skipped.push(`${formatCount(stats.hidden)} hidden`);
  if (stats.excluded > 0) skipped.push(`${formatCount(stats.excluded)} left out by --include/--exclude`);
  if (stats.notRegular > 0) skipped.push(`${formatCount(stats.notRegular)} not regular files`);
  if (skipped.length > 0) {
    lines.push(`  not scanned: ${skipped.join(', ')}`);
    for (const f of stats.notLogs.slice(0, 5)) lines.push(`    ${displayValue(f.path, 120)}: ${displayValue(f.reason, 120)}`);
    if (stats.notLogs.length > 5) lines.push(`    ... and ${stats.notLogs.length - 5} more not logs`);
  }
  // Each bad input was named on stderr as it was met; here they are counted.
  const bad: string[] = [];
  if (stats.partial.length > 0) bad.push(`${plural(stats.partial.length, 'file')} with unreadable records (${plural(stats.unreadableRecords, 'record')})`);
  if (stats.failed.length > 0) bad.push(`${plural(stats.failed.length, 'input')} not read whole`);
  if (bad.length > 0) lines.push(`  bad input: ${bad.join(', ')} (named above); exit status 2`);
  if (stats.warningRecords > 0) {
    const duplicates = stats.duplicateKeyRecords > 0 ? `, ${formatCount(stats.duplicateKeyRecords)} with duplicate JSON keys (matched with each value)` : '';
    lines.push(`  warnings: ${plural(stats.warningRecords, 'record')} read not exactly as written${duplicates} (named above)`);
  }
  // On a terminal each line is wrapped to its width, continuation lines indented under the text.
  const fitted = width === undefined ? lines : lines.flatMap((line) => wrapIndented(line, width, 11));
  return `${fitted.join('\n')}\n`;
}
