/**
 * The Detector for a set of compiled EQL rules. EQL names ECS fields, so only events read from
 * the ECS layout (Winlogbeat, Elastic Agent, Elastic Defend) are evaluated, on `event.raw`;
 * events from other layouts never match an EQL rule (their fields are not ECS, and guessing a
 * mapping would make rules fire, or stay silent, for reasons nobody could see).
 *
 * Sequence rules keep state between events: they match on the event that completes a sequence,
 * and `explain` then gives the evidence of every event in it. `startScan()` forgets pending
 * sequences; a scanner that calls it per object keeps sequences within one object.
 */
import type { FieldValue, WinEvent } from '../events/win-event.ts';
import { alertFieldReader, type AlertFieldReader } from './alert-fields.ts';
import type { Detector, Evidence, RuleMeta, SequenceRecorder, SequenceRuleShape, StartScanOptions } from '../rules/rule.ts';
import { eventCategory } from './ecs-document.ts';
import type { CompiledQuery } from './query.ts';
import type { SequenceMatcher } from './sequence.ts';
import { categoryNeedles, type Needle } from '../scan/prefilter.ts';

export type EqlRule =
  | { readonly meta: RuleMeta; readonly kind: 'event'; readonly query: CompiledQuery }
  | { readonly meta: RuleMeta; readonly kind: 'sequence'; readonly sequence: SequenceMatcher };

const NOTHING: readonly RuleMeta[] = Object.freeze([]);

export class EqlDetector implements Detector {
  readonly rules: readonly RuleMeta[];
  /** Single-event rules by their category, so an event is only tested against rules it can match. */
  private readonly byCategory: ReadonlyMap<string, readonly Extract<EqlRule, { kind: 'event' }>[]>;
  private readonly anyCategory: readonly Extract<EqlRule, { kind: 'event' }>[];
  private readonly sequences: readonly Extract<EqlRule, { kind: 'sequence' }>[];
  private readonly byRule: ReadonlyMap<RuleMeta, EqlRule>;
  /** Per rule, built on its first alert (cold path). */
  private readonly fieldReaders = new Map<RuleMeta, AlertFieldReader>();
  /** For `explain`: the events of the sequence each (event, rule) completed. */
  private completions = new WeakMap<object, Map<RuleMeta, readonly unknown[]>>();
  /** Set for a scan whose sequences are carried across objects: stage hits go there, nothing completes here. */
  private recorder: SequenceRecorder | undefined;

  constructor(rules: readonly EqlRule[]) {
    this.rules = rules.map((r) => r.meta);
    const single = rules.filter((r) => r.kind === 'event');
    const byCategory = new Map<string, Extract<EqlRule, { kind: 'event' }>[]>();
    for (const rule of single) {
      if (rule.query.category === null) continue;
      const list = byCategory.get(rule.query.category) ?? [];
      list.push(rule);
      byCategory.set(rule.query.category, list);
    }
    this.byCategory = byCategory;
    this.anyCategory = single.filter((r) => r.query.category === null);
    this.sequences = rules.filter((r) => r.kind === 'sequence');
    this.byRule = new Map(rules.map((r) => [r.meta, r]));
  }

  /** Forgets pending sequences: call before each scanned object. */
  /** `file where` needs `event.category` to hold `file`; an `any where` rule can match anything. */
  needles(): readonly Needle[] | undefined {
    return categoryNeedles([
      ...this.anyCategory.map(() => null),
      ...this.byCategory.keys(),
      ...this.sequences.flatMap((rule) => rule.sequence.categories()),
    ]);
  }

  startScan(options?: StartScanOptions): undefined {
    for (const rule of this.sequences) rule.sequence.reset();
    this.completions = new WeakMap();
    this.recorder = options?.sequenceRecorder;
    return undefined;
  }

  /** Sequences complete across events: `match` must see them in order. */
  keepsState(): boolean {
    return this.sequences.length > 0;
  }

  /** The sequence rules' shapes, for replaying their hits across objects (lib/state). */
  sequenceRules(): SequenceRuleShape[] {
    return this.sequences.map((r) => ({ meta: r.meta, stageCount: r.sequence.stageCount, maxspanMs: r.sequence.query.maxspanMs }));
  }

  match(event: WinEvent): readonly RuleMeta[] {
    if (event.layout !== 'ecs' || this.rules.length === 0) return NOTHING;
    const doc = event.raw;
    const category = eventCategory(doc);
    let matched: RuleMeta[] | undefined;
    for (const rule of this.anyCategory) {
      if (rule.query.matchesCondition(doc)) (matched ??= []).push(rule.meta);
    }
    if (typeof category === 'string') {
      matched = this.matchCategory(category, doc, matched);
    } else if (Array.isArray(category)) {
      // ECS allows several categories; each rule has one, so testing each distinct value once
      // tests no rule twice.
      for (let i = 0; i < category.length; i++) {
        const value: unknown = category[i];
        if (typeof value === 'string' && category.indexOf(value) === i) matched = this.matchCategory(value, doc, matched);
      }
    }
    for (const rule of this.sequences) {
      if (this.recorder) {
        const hit = rule.sequence.classify(doc, category);
        if (hit !== null) this.recorder.hit(rule.meta, hit);
        continue;
      }
      const docs = rule.sequence.offer(doc, category);
      if (docs === null) continue;
      (matched ??= []).push(rule.meta);
      if (typeof doc === 'object' && doc !== null) {
        const byRule = this.completions.get(doc) ?? new Map<RuleMeta, readonly unknown[]>();
        byRule.set(rule.meta, docs);
        this.completions.set(doc, byRule);
      }
    }
    return matched ?? NOTHING;
  }

  private matchCategory(category: string, doc: unknown, matched: RuleMeta[] | undefined): RuleMeta[] | undefined {
    const rules = this.byCategory.get(category);
    if (rules === undefined) return matched;
    let out = matched;
    for (const rule of rules) if (rule.query.matchesCondition(doc)) (out ??= []).push(rule.meta);
    return out;
  }

  /**
   * The ECS document as the alert shows it: its identity fields and every field the rule read,
   * by ECS name, then the Sigma view (Winlogbeat's EventData, `Computer`, the time).
   */
  alertFields(rule: RuleMeta, event: WinEvent): Readonly<Record<string, FieldValue>> | undefined {
    const compiled = this.compiledRule(rule);
    if (compiled === undefined || event.layout !== 'ecs') return undefined;
    let reader = this.fieldReaders.get(compiled.meta);
    if (reader === undefined) {
      reader = alertFieldReader(compiled.kind === 'event' ? compiled.query.fields : compiled.sequence.fields());
      this.fieldReaders.set(compiled.meta, reader);
    }
    return { ...reader(event.raw), ...event.fields };
  }

  private compiledRule(rule: RuleMeta): EqlRule | undefined {
    return this.byRule.get(rule) ?? [...this.byRule.values()].find((r) => r.meta.id === rule.id);
  }

  explain(rule: RuleMeta, event: WinEvent): readonly Evidence[] {
    const compiled = this.compiledRule(rule);
    if (compiled === undefined || event.layout !== 'ecs') return [];
    if (compiled.kind === 'event') return compiled.query.explain(event.raw);
    const raw = event.raw;
    const docs = typeof raw === 'object' && raw !== null ? this.completions.get(raw)?.get(compiled.meta) : undefined;
    return compiled.sequence.explain(docs ?? [raw]);
  }
}
