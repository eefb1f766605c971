/**
 * The Detector for a set of compiled EQL rules. EQL names ECS fields, so only events read from
 * the ECS layout (Winlogbeat, Elastic Agent, Elastic Defend) are evaluated, on `event.raw`;
 * events from other layouts never match an EQL rule (their fields are not ECS, and guessing a
 * mapping would make rules fire, or stay silent, for reasons nobody could see).
 */
import type { WinEvent } from '../events/win-event.ts';
import type { Detector, Evidence, RuleMeta } from '../rules/rule.ts';
import { eventCategory } from './ecs-document.ts';
import type { CompiledQuery } from './query.ts';

export interface EqlRule {
  readonly meta: RuleMeta;
  readonly query: CompiledQuery;
}

const NOTHING: readonly RuleMeta[] = Object.freeze([]);

export class EqlDetector implements Detector {
  readonly rules: readonly RuleMeta[];
  private readonly compiled: readonly EqlRule[];
  private readonly byRule: ReadonlyMap<RuleMeta, EqlRule>;

  constructor(rules: readonly EqlRule[]) {
    this.compiled = rules;
    this.rules = rules.map((r) => r.meta);
    this.byRule = new Map(rules.map((r) => [r.meta, r]));
  }

  match(event: WinEvent): readonly RuleMeta[] {
    if (event.layout !== 'ecs' || this.compiled.length === 0) return NOTHING;
    const doc = event.raw;
    const category = eventCategory(doc);
    let matched: RuleMeta[] | undefined;
    for (const rule of this.compiled) {
      if (rule.query.matchesWithCategory(doc, category)) (matched ??= []).push(rule.meta);
    }
    return matched ?? NOTHING;
  }

  explain(rule: RuleMeta, event: WinEvent): readonly Evidence[] {
    const compiled = this.byRule.get(rule) ?? this.compiled.find((r) => r.meta.id === rule.id);
    if (compiled === undefined || event.layout !== 'ecs') return [];
    return compiled.query.explain(event.raw);
  }
}
