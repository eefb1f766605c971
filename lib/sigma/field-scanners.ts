/**
 * One Aho-Corasick automaton per field, over every case-insensitive contains / startswith /
 * endswith needle that any rule tests on that field. The detector bumps `epoch` for each event;
 * a field is scanned at most once per event, on first use, and each rule's test then reads
 * its needle's stamp. Fields with few needles keep direct string tests.
 */
import { AhoCorasick, type ScanMode } from './aho-corasick.ts';
import type { Expr, ValueTest } from './ast.ts';
import { foldString } from './case-fold.ts';
import type { Pattern } from './pattern.ts';
import { requiredLiterals } from './regex-literal.ts';
import { toRe2Source } from './regex-flavour.ts';
import { SkipSearch } from './skip-search.ts';

/** The scanner of keyword (field-less) needles, which searches every value of the event. */
export const KEYWORDS = '\u0000keywords';

export type NeedleMode = 'contains' | 'startswith' | 'endswith' | 'equals';

/** The automaton's code for a mode. */
export function scanMode(mode: NeedleMode): ScanMode {
  return mode === 'contains' ? 0 : mode === 'startswith' ? 1 : mode === 'endswith' ? 2 : 3;
}

/** Below this many needles on a field, direct string tests are as fast as a scan. */
export const MIN_NEEDLES = 8;

/** Below this needle length the keyword filter skips too little to pay for itself: scan every value. */
const MIN_SKIP_WINDOW = 3;

export interface NeedleRef {
  readonly scanner: AhoCorasick;
  readonly id: number;
}

export class FieldScanners {
  /** Advanced by the detector before each event (`nextEvent`). */
  epoch = 0;
  /**
   * Per gate, the epoch in which it opened. A gate is a set of (needle, mode) sightings, possibly
   * on several fields; it opens when the scan sees any of them. Shared by every scanner.
   */
  gateSeen = new Int32Array(64).fill(-1);
  #gates = 0;
  readonly #byField = new Map<string, AhoCorasick>();

  /**
   * Starts a new event: every earlier scan result becomes stale. `keywordsWanted`, when given,
   * holds every keyword needle a rule run on this event can read: the keyword scan (every value
   * of the event) then skips values that hold none of them. Without it, every value is scanned.
   */
  nextEvent(keywordsWanted?: SkipSearch): void {
    this.#byField.get(KEYWORDS)?.onlyScanFor(keywordsWanted);
    if (this.epoch === 0x7fffffff) {
      // After 2^31 events the stamps would repeat: forget them all once.
      for (const scanner of this.#byField.values()) scanner.reset();
      this.gateSeen.fill(-1);
      this.epoch = 0;
    }
    this.epoch++;
  }

  /** A new, empty gate: open it with `addToGate`. */
  newGate(): number {
    if (this.#gates === this.gateSeen.length) {
      const grown = new Int32Array(this.gateSeen.length * 2).fill(-1);
      grown.set(this.gateSeen);
      this.gateSeen = grown;
      for (const scanner of this.#byField.values()) scanner.gateSeen = grown;
    }
    return this.#gates++;
  }

  /** Seeing `ref`'s needle in `mode` (anywhere, at the start, at the end of a value) opens `gate`. */
  addToGate(gate: number, ref: NeedleRef, mode: NeedleMode): void {
    ref.scanner.addGate(ref.id, scanMode(mode), gate);
  }

  /** Whether `gate` opened in this event's scans (the caller has scanned its fields). */
  gateOpen(gate: number): boolean {
    return this.gateSeen[gate] === this.epoch;
  }

  /** The scanner of a field (`null`: keywords), if it has one. */
  scannerOf(field: string | null): AhoCorasick | undefined {
    return this.#byField.get(field ?? KEYWORDS);
  }

  static forRules(exprs: readonly Expr[], minNeedles = MIN_NEEDLES): FieldScanners {
    const scanners = new FieldScanners();
    const needles = new Map<string, Set<string>>();
    for (const expr of exprs) {
      forEachScannableNeedle(expr, (field, text) => {
        const key = field ?? KEYWORDS;
        let set = needles.get(key);
        if (!set) needles.set(key, (set = new Set()));
        set.add(text);
      });
    }
    for (const [field, set] of needles) {
      if (set.size < minNeedles) continue;
      const scanner = new AhoCorasick();
      for (const text of set) scanner.add(text);
      scanner.build();
      scanner.gateSeen = scanners.gateSeen;
      scanners.#byField.set(field, scanner);
    }
    return scanners;
  }

  /**
   * nextEvent's `keywordsWanted` for events whose rules can read only these keyword needles
   * (`keywordNeedles` of each); undefined when there is no keyword scan, or a needle is too
   * short to skip by.
   */
  keywordsWantedBy(needles: Iterable<string>): SkipSearch | undefined {
    if (!this.#byField.has(KEYWORDS)) return undefined;
    const texts = new Set(needles);
    for (const text of texts) if (text.length < MIN_SKIP_WINDOW) return undefined;
    return new SkipSearch(texts);
  }

  /** `field` null: the keyword scanner. */
  lookup(field: string | null, foldedNeedle: string): NeedleRef | undefined {
    const scanner = this.#byField.get(field ?? KEYWORDS);
    const id = scanner?.idOf(foldedNeedle);
    return scanner && id !== undefined ? { scanner, id } : undefined;
  }

  get fields(): number {
    return this.#byField.size;
  }
}

/**
 * Calls `found` with each folded needle text `expr` can look up in a field's scan (field null:
 * a keyword), as gateNeedleOf names them, for the tests (not time parts) on fields `wants`.
 */
export function forEachScannableNeedle(
  expr: Expr,
  found: (field: string | null, text: string) => void,
  wants: (field: string | null) => boolean = () => true,
): void {
  switch (expr.kind) {
    case 'and':
    case 'or':
      for (const item of expr.items) forEachScannableNeedle(item, found, wants);
      return;
    case 'not':
      forEachScannableNeedle(expr.item, found, wants);
      return;
    case 'const':
      return;
    case 'test':
      if (expr.timePart || !wants(expr.field)) return;
      for (const value of expr.values) {
        const needle = gateNeedleOf(value);
        if (needle) for (const text of needle.texts) found(expr.field, text);
      }
  }
}

/** The keyword (field-less) needles `exprs` can look up, each once. */
export function keywordNeedles(...exprs: Expr[]): string[] {
  const texts = new Set<string>();
  for (const expr of exprs) forEachScannableNeedle(expr, (_, text) => texts.add(text), (field) => field === null);
  return [...texts];
}

/** Literal runs shorter than this make poor gates: they would open on most values. */
const MIN_GATE_LITERAL = 2;

/**
 * The needles one of which a leaf must show for `value` to hold on it: for an uncased `*X*`,
 * `X*`, `*X`, `X` pattern, exactly `needleOf` (the matcher reads those sightings too). For other
 * values, a necessary condition only, used by rule gates (rule-gates.ts) while the matcher tests
 * the value itself: a cased pattern's text folded; a pattern with inner wildcards, its longest
 * literal run anywhere; a number `n`, the whole leaf being the text of `n` (a number leaf is
 * scanned as its text, and a string leaf must equal that text); a regex, one of the literals
 * every match contains (regex-literal.ts).
 */
export function gateNeedleOf(value: ValueTest): Needle | undefined {
  let known = gateNeedles.get(value);
  if (known === undefined) gateNeedles.set(value, (known = computeGateNeedle(value) ?? null));
  return known ?? undefined;
}

/** A value's needles, folded: what a scan looks for, and how (`mode`). Shared: never mutated. */
export interface Needle {
  readonly mode: NeedleMode;
  readonly texts: readonly string[];
}

/**
 * Compiling reads a value's needles three to four times (automaton, matcher, gates), and a
 * regex's literals cost an RE2 parse: each value object's answer is kept (rules are immutable).
 */
const gateNeedles = new WeakMap<ValueTest, Needle | null>();
const patternNeedles = new WeakMap<Pattern, Needle | null>();

function computeGateNeedle(value: ValueTest): Needle | undefined {
  if (value.kind === 'number') return { mode: 'equals', texts: [String(value.value)] };
  if (value.kind === 'regex') {
    // Literals of the pattern the engine runs (PCRE classes such as `\v` spelled out in RE2).
    const texts = requiredLiterals(toRe2Source(value.source, value.flags), value.flags);
    return texts ? { mode: 'contains', texts } : undefined;
  }
  if (value.kind !== 'pattern') return undefined;
  const exact = needleOf(value.pattern);
  if (exact) return exact;
  let longest = '';
  for (const part of value.pattern) if (part.kind === 'text' && part.text.length > longest.length) longest = part.text;
  return longest.length >= MIN_GATE_LITERAL ? { mode: 'contains', texts: [foldString(longest)] } : undefined;
}

/** A `windash` value expands to at most this many needles; beyond, it keeps its wildcard test. */
const MAX_VARIANTS = 32;

/**
 * The folded needles of a `*X*`, `X*`, `*X` or `X` pattern, X being text and character sets
 * (from `windash`): one needle per choice of the sets' characters, any of which found in that
 * position (or as the whole value) is a match. Undefined for other shapes.
 */
export function needleOf(pattern: Pattern): Needle | undefined {
  let known = patternNeedles.get(pattern);
  if (known === undefined) patternNeedles.set(pattern, (known = computeNeedle(pattern) ?? null));
  return known ?? undefined;
}

function computeNeedle(pattern: Pattern): Needle | undefined {
  const leading = pattern[0]?.kind === 'anyRun';
  const trailing = pattern.length > 1 && pattern[pattern.length - 1]?.kind === 'anyRun';
  const middle = pattern.slice(leading ? 1 : 0, trailing ? -1 : undefined);
  if (middle.length === 0) return undefined;
  let texts = [''];
  for (const part of middle) {
    if (part.kind === 'text') texts = texts.map((t) => t + foldString(part.text));
    else if (part.kind === 'oneOf') {
      const chars = [...new Set(foldString(part.chars).split(''))];
      if (texts.length * chars.length > MAX_VARIANTS) return undefined;
      texts = texts.flatMap((t) => chars.map((c) => t + c));
    } else return undefined;
  }
  const mode = leading && trailing ? 'contains' : trailing ? 'startswith' : leading ? 'endswith' : 'equals';
  return { mode, texts: [...new Set(texts)] };
}
