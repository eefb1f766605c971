/**
 * A rule's gate: needle sightings of which at least one must occur for the rule to match, found
 * from its expression (an AND needs one of its items, an OR every item, a test any of its
 * scanned needles). The detector scans a bucket's gate fields once per event and then skips
 * every rule whose gate stayed shut, without calling its matcher. A gate only uses sightings
 * that must occur for its tests to hold (gateNeedleOf), so skipping never changes an answer.
 */
import type { Expr } from './ast.ts';
import { gateNeedleOf, type FieldScanners, type NeedleMode, type NeedleRef } from './field-scanners.ts';

interface Sighting {
  readonly field: string | null;
  readonly ref: NeedleRef;
  readonly mode: NeedleMode;
  readonly text: string;
}

/** Needles shorter than this, or on EventID (routing has already chosen it), say little. */
const WEAK_NEEDLE = 4;

/** Whether every sighting of a gate is specific enough to keep most events out. */
function strong(gate: readonly Sighting[]): boolean {
  return gate.every((s) => s.field !== 'EventID' && s.text.length >= WEAK_NEEDLE);
}

export interface RuleGate {
  readonly gate: number;
  /**
   * A second gate that must be open too, or -1: an AND with two strong items (an Image test and
   * a CommandLine test) keeps the rule out unless both saw a needle, not just the first.
   */
  readonly second: number;
  /** The fields (null: keywords) whose scans can open the first gate. */
  readonly fields: ReadonlyArray<string | null>;
  /**
   * ... and the second: scanned only once the first is open, since it is often a long one read
   * beside a short one (a CallTrace test beside a TargetImage test).
   */
  readonly secondFields: ReadonlyArray<string | null>;
}

/** Registers `expr`'s gates with `scanners`; undefined when the rule has none (it always runs). */
export function ruleGate(expr: Expr, scanners: FieldScanners): RuleGate | undefined {
  const chosen = expr.kind === 'and' ? twoOf(expr.items, scanners) : [necessary(expr, scanners)].filter((g) => g !== undefined);
  if (chosen.length === 0 || chosen[0]!.length === 0) return undefined;
  const [gate, second] = chosen.map((sightings) => {
    const id = scanners.newGate();
    for (const s of sightings) scanners.addToGate(id, s.ref, s.mode);
    return id;
  });
  const fieldsOf = (sightings: readonly Sighting[] | undefined) => [...new Set((sightings ?? []).map((s) => s.field))];
  return { gate: gate!, second: second ?? -1, fields: fieldsOf(chosen[0]), secondFields: fieldsOf(chosen[1]) };
}

/** The best gate among an AND's items, and a second one when it is strong too (each item is needed). */
function twoOf(items: readonly Expr[], scanners: FieldScanners): Sighting[][] {
  const gates = items.map((item) => necessary(item, scanners)).filter((g): g is Sighting[] => g !== undefined && g.length > 0);
  gates.sort((a, b) => Number(strong(b)) - Number(strong(a)) || a.length - b.length);
  return gates.length > 1 && strong(gates[1]!) ? gates.slice(0, 2) : gates.slice(0, 1);
}

/** Sightings of which one must occur for `expr` to hold; undefined when none can be named. */
function necessary(expr: Expr, scanners: FieldScanners): Sighting[] | undefined {
  switch (expr.kind) {
    case 'const':
    case 'not':
      return undefined;
    case 'and': {
      // Any item's gate will do: take a strong one (no short needle, not the EventID, which every
      // routed event has) with the fewest sightings, the most selective, roughly.
      let best: Sighting[] | undefined;
      for (const item of expr.items) {
        const gate = necessary(item, scanners);
        if (!gate) continue;
        if (!best || strong(gate) > strong(best) || (strong(gate) === strong(best) && gate.length < best.length)) best = gate;
      }
      return best;
    }
    case 'or': {
      const union: Sighting[] = [];
      for (const item of expr.items) {
        const gate = necessary(item, scanners);
        if (!gate) return undefined;
        union.push(...gate);
      }
      return union;
    }
    case 'test': {
      if (expr.negate || expr.timePart || expr.values.length === 0) return undefined;
      const sightings: Sighting[] = [];
      for (const value of expr.values) {
        const needle = gateNeedleOf(value);
        if (!needle) return undefined;
        for (const text of needle.texts) {
          const ref = scanners.lookup(expr.field, text);
          if (!ref) return undefined;
          sightings.push({ field: expr.field, ref, mode: needle.mode, text });
        }
      }
      return sightings;
    }
  }
}
