/**
 * The compiled Sigma detector: rules indexed by channel and EventID so an event is only tested
 * against the rules that can apply to it, each rule a compiled matcher. `match` allocates
 * nothing unless a rule matches.
 */
import type { FieldValue, WinEvent } from '../events/win-event.ts';
import type { Detector, Evidence, RuleMeta } from '../rules/rule.ts';
import type { Expr } from './ast.ts';
import { foldCode, foldString } from './case-fold.ts';
import { compileExpr, simplify, type Matcher } from './compile.ts';
import { compiledExplainer } from './explain.ts';
import type { AhoCorasick } from './aho-corasick.ts';
import type { SkipSearch } from './skip-search.ts';
import { FieldScanners, keywordNeedles } from './field-scanners.ts';
import type { LogsourceRoute } from './logsource.ts';
import { channelNeedles, type Needle } from '../scan/prefilter.ts';
import { evaluate } from './reference.ts';
import { eventIdOf, eventIdsMatch, requiredEventIds, routeAccepts } from './route.ts';
import { ruleGate, type RuleGate } from './rule-gates.ts';

/**
 * One rule version to compile. Several may share one `meta` (a variant pipeline's versions of a
 * rule, each on its own logsource): the rule is listed once and matches at most once per event.
 */
export interface CompilableRule {
  readonly meta: RuleMeta;
  readonly route: LogsourceRoute;
  readonly expr: Expr;
}

interface CompiledRule {
  readonly meta: RuleMeta;
  readonly route: LogsourceRoute;
  /** Another version has the same meta: a match is added only if that meta is not in the list yet. */
  readonly shared: boolean;
  /** The logsource's event ids, for events whose EventID is not one number. */
  readonly routeIds: readonly number[] | null;
  readonly expr: Expr;
  /**
   * Its keyword needles, of the simplified expression (the matcher's) and of the rule as written
   * (explain walks that, with tests simplify dropped): FieldScanners.nextEvent's filter holds them.
   */
  readonly keywords: readonly string[];
  readonly matcher: Matcher;
  /** Needle sightings one of which the rule needs (rule-gates.ts), if it has any. */
  readonly gate: RuleGate | undefined;
}

/**
 * Rules tried together, in order, with their gates: the fields any first gate reads are scanned
 * first, then a rule whose gate stayed shut is skipped without calling its matcher. A second
 * gate's own fields are scanned only for a rule whose first gate opened (a long CommandLine or
 * CallTrace beside a short Image test): on the NXLog corpus 2.9% fewer characters walked.
 */
class GatedRules {
  readonly rules: readonly CompiledRule[];
  /** Per rule, its gate id, or -1 when it has none; and its second gate, or -1. */
  readonly gates: Int32Array;
  readonly seconds: Int32Array;
  readonly scans: readonly FieldScan[];
  /** Per rule, the second gate's fields the first scans do not cover (empty for most). */
  readonly secondScans: ReadonlyArray<readonly FieldScan[]>;

  constructor(rules: readonly CompiledRule[], scanners: FieldScanners) {
    this.rules = rules;
    this.gates = Int32Array.from(rules, (r) => r.gate?.gate ?? -1);
    this.seconds = Int32Array.from(rules, (r) => r.gate?.second ?? -1);
    const fields = new Set(rules.flatMap((r) => r.gate?.fields ?? []));
    const scanOf = (field: string | null): FieldScan => ({ field, scanner: scanners.scannerOf(field)! });
    this.scans = [...fields].map(scanOf);
    const none: readonly FieldScan[] = [];
    this.secondScans = rules.map((r) => {
      const own = (r.gate?.secondFields ?? []).filter((field) => !fields.has(field));
      return own.length === 0 ? none : own.map(scanOf);
    });
  }
}

/** Rules of one channel (or of any channel), split by the EventID they require. */
class Bucket {
  readonly byEventId = new Map<number, CompiledRule[]>();
  readonly anyEventId: CompiledRule[] = [];
  readonly all: CompiledRule[] = [];
  gatedByEventId = new Map<number, GatedRules>();
  gatedAnyEventId: GatedRules | undefined;
  /** The keyword needles any rule run on this bucket's events can read (FieldScanners.nextEvent). */
  keywordsWanted: SkipSearch | undefined;

  /** Called once every rule is added; `alsoRun`: the rules of any channel, run on these events too. */
  seal(scanners: FieldScanners, alsoRun: readonly CompiledRule[]): void {
    this.keywordsWanted = scanners.keywordsWantedBy([...this.all, ...alsoRun].flatMap((r) => r.keywords));
    this.gatedAnyEventId = new GatedRules(this.anyEventId, scanners);
    for (const [id, rules] of this.byEventId) this.gatedByEventId.set(id, new GatedRules(rules, scanners));
  }

  add(rule: CompiledRule, eventIds: readonly number[] | null): void {
    this.all.push(rule);
    if (!eventIds) {
      this.anyEventId.push(rule);
      return;
    }
    for (const id of new Set(eventIds)) {
      const list = this.byEventId.get(id);
      if (list) list.push(rule);
      else this.byEventId.set(id, [rule]);
    }
  }
}

const NO_MATCHES: readonly RuleMeta[] = Object.freeze([]);

export class SigmaDetector implements Detector {
  readonly rules: readonly RuleMeta[];
  readonly #byChannel = new Map<string, Bucket>();
  /** Folded channel names, to find a bucket when the event spells the channel differently. */
  readonly #channelNames: Array<{ folded: string; bucket: Bucket }> = [];
  readonly #anyChannel = new Bucket();
  readonly #byMeta = new Map<RuleMeta, CompiledRule[]>();
  /** Per rule that matched at least once, its evidence walk (compiled on first use). */
  readonly #explainers = new Map<CompiledRule, ReturnType<typeof compiledExplainer>>();
  readonly #scanners: FieldScanners;
  readonly #prefilterNeedles: readonly Needle[] | undefined;
  /** The event `match` saw last, and its scan epoch (explain reuses those scans). */
  #matchedFields: WinEvent['fields'] | undefined;
  #matchedEpoch = -1;

  /** `minNeedlesForScan`: how many needles a field needs before it gets a shared scan (tests lower it). */
  constructor(rules: readonly CompilableRule[], options: { minNeedlesForScan?: number } = {}) {
    // Versions are grouped by rule id (a pack read back from JSON has one meta object per version):
    // the first version's meta stands for the rule.
    const canonical = new Map<string, RuleMeta>();
    const counts = new Map<string, number>();
    for (const r of rules) {
      if (!canonical.has(r.meta.id)) canonical.set(r.meta.id, r.meta);
      counts.set(r.meta.id, (counts.get(r.meta.id) ?? 0) + 1);
    }
    this.rules = [...canonical.values()];
    // Every rule is routed to channels (or to any): an event matches only if its Channel is one.
    this.#prefilterNeedles = channelNeedles(rules.map((r) => r.route));
    const simplified = rules.map((r) => simplify(r.expr));
    this.#scanners = FieldScanners.forRules(simplified.filter((_, i) => !rules[i]!.route.foreign), options.minNeedlesForScan);
    for (const [i, rule] of rules.entries()) {
      const matcher = compileExpr(simplified[i]!, this.#scanners);
      const gate = rule.route.foreign ? undefined : ruleGate(simplified[i]!, this.#scanners);
      const meta = canonical.get(rule.meta.id)!;
      const shared = counts.get(rule.meta.id)! > 1;
      const compiled: CompiledRule = { meta, route: rule.route, shared, routeIds: rule.route.eventIds, expr: rule.expr, keywords: keywordNeedles(simplified[i]!, rule.expr), matcher, gate };
      const versions = this.#byMeta.get(meta);
      if (versions) versions.push(compiled);
      else this.#byMeta.set(meta, [compiled]);
      if (rule.route.foreign) continue;
      const eventIds = intersect(rule.route.eventIds, requiredEventIds(simplified[i]!));
      if (!rule.route.channels) {
        this.#anyChannel.add(compiled, eventIds);
        continue;
      }
      for (const channel of new Set(rule.route.channels)) this.#bucketFor(channel).add(compiled, eventIds);
    }
    this.#anyChannel.seal(this.#scanners, []);
    for (const { bucket } of this.#channelNames) bucket.seal(this.#scanners, this.#anyChannel.all);
  }

  #bucketFor(channel: string): Bucket {
    const folded = foldString(channel);
    const known = this.#channelNames.find((c) => c.folded === folded);
    if (known) return known.bucket;
    const bucket = new Bucket();
    this.#channelNames.push({ folded, bucket });
    this.#byChannel.set(channel, bucket);
    return bucket;
  }

  match(event: WinEvent): readonly RuleMeta[] {
    const fields = event.fields;
    let found: RuleMeta[] | undefined;
    const channel = fields['Channel'];
    const bucket = typeof channel === 'string' ? this.#findBucket(channel) : undefined;
    // Only the bucket's and any channel's rules run: the keyword scan can skip values without their needles.
    this.#scanners.nextEvent((bucket ?? this.#anyChannel).keywordsWanted);
    this.#matchedFields = fields;
    this.#matchedEpoch = this.#scanners.epoch;
    const eventId = eventIdOf(fields);
    const idKnown = eventId !== undefined || fields['EventID'] === undefined || fields['EventID'] === null;
    if (bucket) found = runBucket(bucket, fields, eventId, idKnown, this.#scanners, found);
    found = runBucket(this.#anyChannel, fields, eventId, idKnown, this.#scanners, found);
    return found ?? NO_MATCHES;
  }

  #findBucket(channel: string): Bucket | undefined {
    const exact = this.#byChannel.get(channel);
    if (exact) return exact;
    for (const entry of this.#channelNames) if (equalsFoldedBoth(channel, entry.folded)) return entry.bucket;
    return undefined;
  }

  needles(): readonly Needle[] | undefined {
    return this.#prefilterNeedles;
  }

  explain(rule: RuleMeta, event: WinEvent): readonly Evidence[] {
    const versions = this.#byMeta.get(rule) ?? [...this.#byMeta.values()].find((r) => r[0]!.meta.id === rule.id);
    if (!versions) return [];
    // The version that matched this event, asked of the reference interpreter (cold path; the
    // compiled matchers read scans only the matched bucket's rules are sure to have).
    const compiled = versions.length === 1 ? versions[0]! : (versions.find((v) => routeAccepts(v.route, event.fields) && evaluate(v.expr, event.fields)) ?? versions[0]!);
    let explainer = this.#explainers.get(compiled);
    if (!explainer) this.#explainers.set(compiled, (explainer = compiledExplainer(compiled.expr, this.#scanners)));
    // Right after matching this event, its scans are still current: the explainer reads them.
    const scanned = event.fields === this.#matchedFields && this.#scanners.epoch === this.#matchedEpoch;
    return explainer(event.fields, scanned);
  }
}

function runBucket(
  bucket: Bucket,
  fields: Readonly<Record<string, FieldValue>>,
  eventId: number | undefined,
  idKnown: boolean,
  scanners: FieldScanners,
  found: RuleMeta[] | undefined,
): RuleMeta[] | undefined {
  // An EventID that is not one number (a list, a name): no index, each rule checks its logsource.
  if (!idKnown) {
    for (const rule of bucket.all) {
      if ((rule.routeIds === null || eventIdsMatch(fields, rule.routeIds)) && rule.matcher(fields)) found = add(found, rule);
    }
    return found;
  }
  found = run(bucket.gatedAnyEventId!, fields, scanners, found);
  if (eventId === undefined) return found;
  const list = bucket.gatedByEventId.get(eventId);
  return list ? run(list, fields, scanners, found) : found;
}

function run(list: GatedRules, fields: Readonly<Record<string, FieldValue>>, scanners: FieldScanners, found: RuleMeta[] | undefined): RuleMeta[] | undefined {
  const { rules, gates, seconds, scans, secondScans } = list;
  if (rules.length === 0) return found;
  const epoch = scanners.epoch;
  for (let i = 0; i < scans.length; i++) scanField(scans[i]!, fields, epoch);
  const gateSeen = scanners.gateSeen;
  for (let i = 0; i < rules.length; i++) {
    const gate = gates[i]!;
    if (gate >= 0 && gateSeen[gate] !== epoch) continue;
    const second = seconds[i]!;
    if (second >= 0) {
      // Each scan runs once per event (the scanner keeps its epoch), so this costs a rule
      // nothing when another rule's gate already had the field scanned.
      const own = secondScans[i]!;
      for (let j = 0; j < own.length; j++) scanField(own[j]!, fields, epoch);
      if (gateSeen[second] !== epoch) continue;
    }
    const rule = rules[i]!;
    if (rule.matcher(fields)) found = add(found, rule);
  }
  return found;
}

interface FieldScan {
  readonly field: string | null;
  readonly scanner: AhoCorasick;
}

function scanField({ field, scanner }: FieldScan, fields: Readonly<Record<string, FieldValue>>, epoch: number): void {
  if (field === null) scanner.scanAllValues(fields, epoch);
  else if (Object.hasOwn(fields, field)) scanner.scanValue(fields[field], epoch);
}

/** Adds a matched rule's meta; a rule with several versions is listed once. */
function add(found: RuleMeta[] | undefined, rule: CompiledRule): RuleMeta[] {
  if (!found) return [rule.meta];
  if (!rule.shared || !found.includes(rule.meta)) found.push(rule.meta);
  return found;
}

function intersect(a: readonly number[] | null, b: readonly number[] | null): readonly number[] | null {
  if (!a) return b;
  if (!b) return a;
  return a.filter((id) => b.includes(id));
}

function equalsFoldedBoth(text: string, folded: string): boolean {
  if (text.length !== folded.length) return false;
  for (let i = 0; i < text.length; i++) if (foldCode(text.charCodeAt(i)) !== folded.charCodeAt(i)) return false;
  return true;
}
