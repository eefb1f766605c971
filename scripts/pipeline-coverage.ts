/**
 * `node scripts/pipeline-coverage.ts`: what the built-in pipelines (`pipelines/*.yml`) change on
 * real data. Loads SigmaHQ's Windows rules twice, built-ins off (`pipelines: []`) and on (the
 * default), runs every event of the corpora in ../shared (raw .evtx files and the NXLog
 * batches) through both, and prints:
 *   - per log source the pipelines map (Security 4688/4657/5156, PowerShellCore, Defender):
 *     events, rules fired and alerts, off vs on;
 *   - the process creations recorded twice, as Sysmon Event 1 and as Security 4688 (same host,
 *     same process id, same image), and every rule that fires on the Sysmon record but not on
 *     its 4688 twin, with why: the 4688 copy was refused or dropped (the engine's reason), or it
 *     compiled and did not match (the fields the Sysmon match rested on that 4688 lacks);
 *   - every Defender rule that fired, on which events, and the fields its match rested on.
 * `--json FILE` also writes the figures as JSON. Exits 0 with SKIPPED when ../shared is absent.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createReadStream, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WinEvent } from '../lib/events/win-event.ts';
import { readEvents } from '../lib/ingest/read-events.ts';
import type { Detector, RuleError, RuleMeta } from '../lib/rules/rule.ts';
import { readRuleDir } from '../lib/rules/read-rule-dir.ts';
import { RULE_DIRS } from '../lib/sigma/conformance/corpus-check.ts';
import { SigmaDetector } from '../lib/sigma/detector.ts';
import { parseOptionsOf, parseSigmaFiles, type DroppedVariant } from '../lib/sigma/index.ts';

const SHARED = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared');
const SIGMA = join(SHARED, 'corpus/sigma');
if (!existsSync(SIGMA)) {
  console.log(`SKIPPED: ${SHARED} is absent; the pipeline coverage figures were not measured.`);
  process.exit(0);
}
const jsonOut = process.argv.includes('--json') ? process.argv[process.argv.indexOf('--json') + 1] : undefined;

// ---------------------------------------------------------------------------------------------
// Rules, built-ins off and on.

const files = RULE_DIRS.flatMap((dir) => readRuleDir(join(SIGMA, dir)).filter((f) => /\.ya?ml$/i.test(f.path))).map((f) => ({ ...f, path: relative(SIGMA, f.path) }));
const category = new Map<string, string>(); // rule id -> logsource category or service, from the file
for (const f of files) {
  const id = /^id:\s*([0-9a-f-]{36})/m.exec(f.text)?.[1];
  const ls = /^logsource:\s*\n((?:[ \t]+.*\n)+)/m.exec(f.text)?.[1] ?? '';
  const cat = /category:\s*(\S+)/.exec(ls)?.[1] ?? (/service:\s*(\S+)/.exec(ls)?.[1] ? `service:${/service:\s*(\S+)/.exec(ls)![1]}` : '');
  if (id) category.set(id, cat);
}

function load(pipelines: 'off' | 'on'): { detector: Detector; errors: RuleError[]; dropped: readonly DroppedVariant[]; ms: number } {
  const t0 = performance.now();
  const parsed = parseSigmaFiles(files, parseOptionsOf(pipelines === 'off' ? { pipelines: [] } : {}));
  return { detector: new SigmaDetector(parsed.rules), errors: parsed.errors, dropped: parsed.dropped, ms: performance.now() - t0 };
}
const off = load('off');
const on = load('on');
console.log(`rules: ${files.length} files; built-ins off: ${off.detector.rules.length} rules (${off.ms.toFixed(0)} ms), on: ${on.detector.rules.length} rules (${on.ms.toFixed(0)} ms), errors off ${off.errors.length}, on ${on.errors.length}`);

// The copies a variant pipeline did not add, and why (refused: would fire on an absent field;
// dropped: can never match), keyed by rule id.
const variantErrors = new Map<string, DroppedVariant[]>();
for (const d of on.dropped) variantErrors.set(d.meta.id, [...(variantErrors.get(d.meta.id) ?? []), d]);
const droppedBy = new Map<string, number>();
for (const d of on.dropped) droppedBy.set(d.variant, (droppedBy.get(d.variant) ?? 0) + 1);
console.log(`copies not added by a variant: ${on.dropped.length} (${[...droppedBy].map(([v, n]) => `${v}: ${n}`).join(', ')})`);

// ---------------------------------------------------------------------------------------------
// Events: every .evtx file, every NXLog batch (zips, read with Debian's unzip).

interface Source {
  readonly uri: string;
  open(): AsyncIterable<Uint8Array>;
}
function filesUnder(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((n) => n.toLowerCase().endsWith(suffix)).map((n) => join(dir, n)).sort();
}
const sources: Source[] = filesUnder(join(SHARED, 'corpus/evtx'), '.evtx').map((path) => ({ uri: relative(SHARED, path), open: () => createReadStream(path) }));
let hasUnzip = true;
try {
  execFileSync('unzip', ['-v'], { stdio: 'ignore' });
} catch {
  hasUnzip = false;
  console.log('SKIPPED: unzip is not installed, so the NXLog batches are not measured (apt-get install unzip).');
}
if (hasUnzip) {
  for (const zip of filesUnder(join(SHARED, 'corpus/nxlog/datasets'), '.zip')) {
    const members = execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).split('\n').filter((m) => m.endsWith('.json') && !m.startsWith('__MACOSX/'));
    for (const member of members) {
      sources.push({ uri: `${relative(SHARED, zip)}!${member}`, open: () => spawn('unzip', ['-p', zip, member], { stdio: ['ignore', 'pipe', 'inherit'] }).stdout });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Tallies.

type Side = 'off' | 'on';
const SYSMON = 'Microsoft-Windows-Sysmon/Operational';
const DEFENDER = 'Microsoft-Windows-Windows Defender/Operational';
/** A channel as Windows matches it: case-insensitively (some shippers lower-case it). */
const ch = (f: WinEvent['fields']): string => String(f.Channel ?? '').toLowerCase();
/** The log sources a built-in pipeline maps onto, and the rule families that should reach them. */
const TARGETS: ReadonlyArray<{ name: string; is: (f: WinEvent['fields']) => boolean; family: (cat: string) => boolean }> = [
  { name: 'Security 4688 (process creation)', is: (f) => ch(f) === 'security' && f.EventID === 4688, family: (c) => c === 'process_creation' },
  { name: 'Security 4657 (registry value)', is: (f) => ch(f) === 'security' && f.EventID === 4657, family: (c) => c.startsWith('registry_') },
  { name: 'Security 5156 (network connection)', is: (f) => ch(f) === 'security' && f.EventID === 5156, family: (c) => c === 'network_connection' },
  { name: 'PowerShellCore/Operational', is: (f) => ch(f) === 'powershellcore/operational', family: (c) => c.startsWith('ps_') },
  { name: 'Defender/Operational', is: (f) => ch(f) === DEFENDER.toLowerCase(), family: (c) => c === 'antivirus' || c === 'service:windefend' },
  { name: 'Sysmon Event 1 (process creation)', is: (f) => ch(f) === SYSMON.toLowerCase() && f.EventID === 1, family: (c) => c === 'process_creation' },
];
interface Tally { events: number; alerts: Record<Side, number>; familyAlerts: Record<Side, number>; rules: Record<Side, Map<string, number>> }
const tallies = new Map(TARGETS.map((t) => [t.name, { events: 0, alerts: { off: 0, on: 0 }, familyAlerts: { off: 0, on: 0 }, rules: { off: new Map(), on: new Map() } } as Tally]));
const totals = { events: 0, unreadable: 0, alerts: { off: 0, on: 0 } };
const title = new Map<string, string>();

interface Proc { uri: string; index: number; event: WinEvent; off: readonly RuleMeta[]; on: readonly RuleMeta[] }
interface DefenderHit { rule: RuleMeta; uri: string; index: number; eventId: unknown; evidence: string[] }
const defenderHits: DefenderHit[] = [];
const pairs: Array<{ sysmon: Proc; security: Proc }> = [];

const lower = (v: unknown) => String(v ?? '').toLowerCase();
for (const source of sources) {
  const sysmon = new Map<string, Proc>();
  const security: Proc[] = [];
  let index = 0;
  try {
    for await (const item of readEvents(source.open(), { uri: source.uri })) {
      const i = index++;
      if (item.kind === 'unreadable') totals.unreadable++;
      if (item.kind !== 'event') continue;
      const event = item.event;
      const f = event.fields;
      totals.events++;
      const matched = { off: off.detector.match(event), on: on.detector.match(event) };
      totals.alerts.off += matched.off.length;
      totals.alerts.on += matched.on.length;
      for (const t of TARGETS) {
        if (!t.is(f)) continue;
        const tally = tallies.get(t.name)!;
        tally.events++;
        for (const side of ['off', 'on'] as const) {
          tally.alerts[side] += matched[side].length;
          for (const r of matched[side]) {
            title.set(r.id, r.title);
            tally.rules[side].set(r.id, (tally.rules[side].get(r.id) ?? 0) + 1);
            if (t.family(category.get(r.id) ?? '')) tally.familyAlerts[side]++;
          }
        }
      }
      const host = lower(f.Computer);
      if (ch(f) === SYSMON.toLowerCase() && f.EventID === 1) sysmon.set(`${host}|${Number(f.ProcessId)}|${lower(f.Image)}`, { uri: source.uri, index: i, event, ...matched });
      if (ch(f) === 'security' && f.EventID === 4688) security.push({ uri: source.uri, index: i, event, ...matched });
      if (ch(f) === DEFENDER.toLowerCase()) {
        for (const rule of matched.on) defenderHits.push({ rule, uri: source.uri, index: i, eventId: f.EventID, evidence: on.detector.explain(rule, event).map((e) => `${e.field} ${e.test}`) });
      }
    }
  } catch (error) {
    console.log(`read error: ${source.uri}: ${(error as Error).message}`);
  }
  for (const s of security) {
    const f = s.event.fields;
    const twin = sysmon.get(`${lower(f.Computer)}|${parseInt(String(f.NewProcessId), 16)}|${lower(f.NewProcessName)}`);
    if (twin) pairs.push({ sysmon: twin, security: s });
  }
}

/** Sysmon Event 1 field -> the 4688 field the built-in pipeline maps it to (absent: 4688 lacks it). */
const COUNTERPART_4688: Readonly<Record<string, string>> = {
  Image: 'NewProcessName',
  ParentImage: 'ParentProcessName',
  CommandLine: 'CommandLine',
  IntegrityLevel: 'MandatoryLabel',
  LogonId: 'SubjectLogonId',
  EventID: 'EventID',
};
/** Sysmon's integrity level names as 4688's mandatory label SIDs. */
const INTEGRITY_SID: Readonly<Record<string, string>> = { untrusted: 's-1-16-0', low: 's-1-16-4096', medium: 's-1-16-8192', high: 's-1-16-12288', system: 's-1-16-16384' };

// ---------------------------------------------------------------------------------------------
// Report.

const figures: Record<string, unknown> = { totals, targets: {} as Record<string, unknown> };
console.log(`\nevents: ${totals.events} read (${totals.unreadable} unreadable) from ${sources.length} files/batches; alerts: off ${totals.alerts.off}, on ${totals.alerts.on}`);
console.log('\n| log source | events | rules fired off -> on | alerts off -> on | of which by the mapped family (off -> on) |');
console.log('|---|---|---|---|---|');
for (const t of TARGETS) {
  const x = tallies.get(t.name)!;
  console.log(`| ${t.name} | ${x.events} | ${x.rules.off.size} -> ${x.rules.on.size} | ${x.alerts.off} -> ${x.alerts.on} | ${x.familyAlerts.off} -> ${x.familyAlerts.on} |`);
  (figures.targets as Record<string, unknown>)[t.name] = { events: x.events, rulesOff: x.rules.off.size, rulesOn: x.rules.on.size, alertsOff: x.alerts.off, alertsOn: x.alerts.on, familyAlertsOff: x.familyAlerts.off, familyAlertsOn: x.familyAlerts.on, rulesFiredOn: Object.fromEntries(x.rules.on) };
}

const pc4688 = tallies.get(TARGETS[0]!.name)!;
const pcRules = [...pc4688.rules.on].filter(([id]) => category.get(id) === 'process_creation').sort((a, b) => b[1] - a[1]);
console.log(`\nprocess_creation rules firing on Security 4688: ${pcRules.length} rules, ${pcRules.reduce((s, [, n]) => s + n, 0)} alerts`);
for (const [id, n] of pcRules) console.log(`  ${n}\t${title.get(id)} (${id})`);

// Which process_creation rules got a 4688 copy, and why the others did not.
const pcIds = [...new Set(on.detector.rules.filter((r) => category.get(r.id) === 'process_creation').map((r) => r.id))];
const pcDropped = on.dropped.filter((d) => d.variant.includes('security-4688') && category.get(d.meta.id) === 'process_creation');
const refusedFields = new Map<string, number>();
const neverFields = new Map<string, number>();
for (const d of pcDropped) {
  const field = /absence of (\S+?)[,:;) ]/.exec(`${d.reason} `)?.[1] ?? /needs (\S+?)[,:;) ]/.exec(`${d.reason} `)?.[1] ?? d.reason;
  const into = /would fire/.test(d.reason) ? refusedFields : neverFields;
  into.set(field, (into.get(field) ?? 0) + 1);
}
const top = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).map(([f, n]) => `${f} ${n}`).join(', ');
console.log(`\nprocess_creation rules: ${pcIds.length}; with a 4688 copy: ${pcIds.length - new Set(pcDropped.map((d) => d.meta.id)).size}; copy refused (would fire on an absent field): ${[...refusedFields.values()].reduce((a, b) => a + b, 0)} (${top(refusedFields)}); copy dropped (can never match): ${[...neverFields.values()].reduce((a, b) => a + b, 0)} (${top(neverFields)})`);
figures.processCreationCopies = { rules: pcIds.length, dropped: pcDropped.length, refusedFields: Object.fromEntries(refusedFields), neverFields: Object.fromEntries(neverFields) };

// Sysmon 1 vs its 4688 twin.
console.log(`\nprocess creations recorded as both Sysmon Event 1 and Security 4688: ${pairs.length}`);
const missed = new Map<string, { count: number; why: Set<string>; example: string }>();
let bothFired = 0;
for (const { sysmon, security } of pairs) {
  const onTwin = new Set(security.on.map((r) => r.id));
  for (const rule of sysmon.on) {
    if (category.get(rule.id) !== 'process_creation') continue;
    if (onTwin.has(rule.id)) {
      bothFired++;
      continue;
    }
    const why = new Set<string>();
    for (const d of variantErrors.get(rule.id) ?? []) if (d.variant.includes('security-4688')) why.add(`no 4688 copy: ${d.reason}`);
    if (why.size === 0) {
      // The copy compiled and did not match: name what the Sysmon match rested on (asked of the
      // rules as written: the Sysmon record matched them too).
      const asWritten = sysmon.off.find((r) => r.id === rule.id);
      const evidence = asWritten ? off.detector.explain(asWritten, sysmon.event) : [];
      const sec = security.event.fields;
      for (const e of evidence) {
        const counterpart: string | undefined = COUNTERPART_4688[e.field];
        if (counterpart === undefined) why.add(`matched on ${e.field} (${e.test}), which 4688 does not carry`);
        else if (lower(sec[counterpart]) !== (e.field === 'IntegrityLevel' ? (INTEGRITY_SID[lower(e.value)] ?? lower(e.value)) : lower(e.value))) why.add(`${e.field} ${e.test} held on Sysmon; 4688 ${counterpart} is ${JSON.stringify(sec[counterpart] ?? null)}`);
      }
      if (why.size === 0) why.add(`compiled, did not match; evidence on Sysmon: ${evidence.map((e) => `${e.field} ${e.test}`).join(', ')}`);
    }
    const m = missed.get(rule.id) ?? { count: 0, why: new Set<string>(), example: `${security.uri}#${security.index}` };
    m.count++;
    for (const w of why) m.why.add(w);
    missed.set(rule.id, m);
  }
}
console.log(`  rule matches on the Sysmon record that also fire on the 4688 twin: ${bothFired}; that do not: ${[...missed.values()].reduce((s, m) => s + m.count, 0)} (${missed.size} rules)`);
for (const [id, m] of [...missed].sort((a, b) => b[1].count - a[1].count)) {
  console.log(`  ${m.count}\t${title.get(id) ?? id} (${id}), e.g. ${m.example}`);
  for (const w of m.why) console.log(`    - ${w}`);
}
// The other way: a copy firing on the 4688 record whose Sysmon twin the rule as written does not
// match (a mapping that made a filter stop applying would show here).
const extra = new Map<string, { count: number; example: string; evidence: string }>();
for (const { sysmon, security } of pairs) {
  const onSysmon = new Set(sysmon.on.map((r) => r.id));
  for (const rule of security.on) {
    if (category.get(rule.id) !== 'process_creation' || onSysmon.has(rule.id)) continue;
    const m = extra.get(rule.id) ?? { count: 0, example: `${security.uri}#${security.index}`, evidence: on.detector.explain(rule, security.event).map((e) => `${e.field} ${e.test}`).join(', ') };
    m.count++;
    extra.set(rule.id, m);
  }
}
console.log(`  rule matches on the 4688 record that do not fire on its Sysmon twin: ${[...extra.values()].reduce((a, m) => a + m.count, 0)} (${extra.size} rules)`);
for (const [id, m] of extra) console.log(`  ${m.count}\t${title.get(id) ?? id} (${id}), e.g. ${m.example}: ${m.evidence}`);
figures.pairs = { pairs: pairs.length, bothFired, extra: Object.fromEntries(extra), missed: Object.fromEntries([...missed].map(([id, m]) => [id, { title: title.get(id), count: m.count, why: [...m.why], example: m.example }])) };

// Defender.
console.log(`\nDefender rules fired (built-ins on): ${defenderHits.length} alerts`);
const byRule = new Map<string, DefenderHit[]>();
for (const h of defenderHits) byRule.set(h.rule.id, [...(byRule.get(h.rule.id) ?? []), h]);
for (const [, hits] of byRule) {
  const h = hits[0]!;
  console.log(`  ${hits.length}\t${h.rule.title} (${h.rule.id}) on EventID ${[...new Set(hits.map((x) => x.eventId))].join(',')}: ${[...new Set(hits.flatMap((x) => x.evidence))].join('; ')}`);
}
figures.defender = Object.fromEntries([...byRule].map(([id, hits]) => [id, { title: hits[0]!.rule.title, alerts: hits.length, events: hits.map((h) => `${h.uri}#${h.index}`), evidence: [...new Set(hits.flatMap((x) => x.evidence))] }]));

if (jsonOut) writeFileSync(jsonOut, JSON.stringify(figures, null, 2));

