/**
 * Sigma rules split by the channel they are routed to, each part compiled into its own
 * SigmaDetector the first time an event of that channel is seen. With thousands of rules most
 * of the compile cost (needle automata, gates, matchers) belongs to channels a deployment never
 * sees, or sees later: a cold start pays only for reading the rules.
 *
 * Answers are those of one SigmaDetector over every rule: an event is only ever tested against
 * the rules of its own channel and the rules of any channel (exactly what SigmaDetector's
 * buckets do), the channel is found with the same case folding, and the results come in the
 * same order (the channel's rules, then the any-channel rules). Tested against the eager
 * detector in test/rules/channel-detector.test.ts.
 */
import type { WinEvent } from '../events/win-event.ts';
import type { Detector, Evidence, RuleMeta } from '../rules/rule.ts';
import { channelNeedles, type Needle } from '../scan/prefilter.ts';
import { foldString } from './case-fold.ts';
import { SigmaDetector, type CompilableRule } from './detector.ts';

class ChannelGroup {
  readonly rules: CompilableRule[] = [];
  #detector: SigmaDetector | undefined;
  readonly #options: { minNeedlesForScan?: number };
  constructor(options: { minNeedlesForScan?: number }) {
    this.#options = options;
  }
  get compiled(): boolean {
    return this.#detector !== undefined;
  }
  detector(): SigmaDetector {
    this.#detector ??= new SigmaDetector(this.rules, this.#options);
    return this.#detector;
  }
}

const NONE: readonly RuleMeta[] = Object.freeze([]);

export class ChannelSigmaDetector implements Detector {
  readonly rules: readonly RuleMeta[];
  /** By folded channel name. */
  readonly #groups = new Map<string, ChannelGroup>();
  /** Channel spellings seen in events, to their group (null: no rule is routed there). */
  readonly #seen = new Map<string, ChannelGroup | null>();
  readonly #any: ChannelGroup;
  readonly #needles: readonly Needle[] | undefined;

  /** `eager`: compile every channel now (rules lint, tests); by default each on first sight. */
  constructor(rules: readonly CompilableRule[], options: { eager?: boolean; minNeedlesForScan?: number } = {}) {
    const groupOptions = options.minNeedlesForScan === undefined ? {} : { minNeedlesForScan: options.minNeedlesForScan };
    // A rule's versions (a pipeline's variants) share its id: listed once, as SigmaDetector does.
    const metas = new Map<string, RuleMeta>();
    for (const rule of rules) if (!metas.has(rule.meta.id)) metas.set(rule.meta.id, rule.meta);
    this.rules = [...metas.values()];
    this.#any = new ChannelGroup(groupOptions);
    this.#needles = channelNeedles(rules.map((r) => r.route));
    for (const rule of rules) {
      if (rule.route.foreign) continue;
      if (!rule.route.channels) {
        this.#any.rules.push(rule);
        continue;
      }
      for (const folded of new Set(rule.route.channels.map(foldString))) {
        let group = this.#groups.get(folded);
        if (!group) this.#groups.set(folded, (group = new ChannelGroup(groupOptions)));
        group.rules.push(rule);
      }
    }
    if (options.eager) this.compileAll();
  }

  /** Compiles every channel's rules now. */
  compileAll(): void {
    this.#any.detector();
    for (const group of this.#groups.values()) group.detector();
  }

  /** How many channel groups exist, and how many are compiled so far (for the bench and logs). */
  compiledGroups(): { groups: number; compiled: number } {
    const all = [...this.#groups.values(), this.#any].filter((g) => g.rules.length > 0);
    return { groups: all.length, compiled: all.filter((g) => g.compiled).length };
  }

  match(event: WinEvent): readonly RuleMeta[] {
    const channel = event.fields['Channel'];
    const group = typeof channel === 'string' ? this.#groupOf(channel) : null;
    const own = group ? group.detector().match(event) : NONE;
    if (this.#any.rules.length === 0) return own;
    const any = this.#any.detector().match(event);
    if (any.length === 0) return own;
    if (own.length === 0) return any;
    // Two variants of one rule (a pipeline's) may match on both sides: each rule once.
    return [...own, ...any.filter((m) => !own.some((o) => o.id === m.id))];
  }

  #groupOf(channel: string): ChannelGroup | null {
    let group = this.#seen.get(channel);
    if (group === undefined) {
      group = this.#groups.get(foldString(channel)) ?? null;
      // Bounded: a hostile log could spell channels endlessly; past that, fold every time.
      if (this.#seen.size < 4096) this.#seen.set(channel, group);
    }
    return group;
  }

  explain(rule: RuleMeta, event: WinEvent): readonly Evidence[] {
    const channel = event.fields['Channel'];
    const group = typeof channel === 'string' ? this.#groupOf(channel) : null;
    if (group && group.rules.some((r) => r.meta === rule || r.meta.id === rule.id)) {
      const evidence = group.detector().explain(rule, event);
      if (evidence.length > 0) return evidence;
    }
    return this.#any.rules.length > 0 ? this.#any.detector().explain(rule, event) : [];
  }

  needles(): readonly Needle[] | undefined {
    return this.#needles;
  }
}
