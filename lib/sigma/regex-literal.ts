/**
 * Literals every match of a regex must contain, for rule gates (gateNeedleOf): `re` values have
 * no text of their own to scan for, so a rule made only of regexes would run on every event.
 *
 * `requiredLiterals(source, flags)` returns folded needles of which at least one occurs in
 * `foldString(s)` whenever `new RegExp(source, flags).test(s)`; undefined when it cannot be sure.
 * `requiredLiteralSets` returns every such set it can name (all of them hold for a match), for
 * the regex's own check before it runs. Both parse a conservative subset of JavaScript regex
 * syntax and give up on anything else.
 *
 * Case: a pattern character only counts when every character the regex can match for it, with
 * or without the `i` and `u` flags, folds (case-fold.ts) to the same unit. That holds for ASCII
 * except the letters i, k and s: `/k/iu` matches U+212A KELVIN SIGN, `/s/iu` U+017F LONG S,
 * which foldString keeps distinct (and `i` has Turkish relatives). A class like `[Pp]` whose
 * members all fold to one such character counts as that character.
 */
import { foldCode } from './case-fold.ts';

/** Needles shorter than this would open a gate on most values. */
export const MIN_REGEX_LITERAL = 3;
/** ... but beside other required sets a two-character one (`&&`, `]:`) still rules values out cheaply. */
const MIN_CHECK_LITERAL = 2;
/** An alternation yields one needle per branch; beyond this many the gate is not worth it. */
const MAX_NEEDLES = 16;
/** `x{n}` adds at most this many copies of x to a run. */
const MAX_REPEAT = 16;

/** Folded needles, one of which every match contains; undefined when none can be named safely. */
export function requiredLiterals(source: string, flags: string): string[] | undefined {
  const alt = parseRegex(source, flags);
  const needles = alt && need(alt);
  return needles && [...new Set(needles)];
}

/**
 * Sets of folded needles such that every match contains a needle of each set; undefined when
 * none can be named safely. For a regex of one branch these are each of its required literal
 * runs and groups, which together say far more than the best one alone: of
 * `(set).*&&\s?set.*(environment|invoke|input).*&&` the best is `set`, in most PowerShell
 * payloads, while `&&` is in few. Ordered most telling first (longest shortest needle).
 */
export function requiredLiteralSets(source: string, flags: string): string[][] | undefined {
  const alt = parseRegex(source, flags);
  if (!alt) return undefined;
  if (alt.branches.length !== 1) {
    const needles = need(alt);
    return needles && [[...new Set(needles)]];
  }
  const sets = setsOfSequence(alt.branches[0]!).filter((set) => set.every((n) => n.length >= MIN_CHECK_LITERAL));
  const unique = new Map(sets.map((set) => [[...new Set(set)].sort().join('\u0000'), [...new Set(set)]]));
  const ordered = [...unique.values()].sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
  return ordered.length > 0 ? ordered : undefined;
}

function parseRegex(source: string, flags: string): Alt | undefined {
  if (!/^[dgimsuy]*$/.test(flags)) return undefined; // `v` (class set notation) and anything new
  try {
    const parser = new Parser(source);
    const alt = parser.alternation();
    return parser.done() ? alt : undefined;
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

/** Whether pattern character `code` matches only characters folding to `foldCode(code)`. */
export function isSafeLiteral(code: number): boolean {
  return code < 0x80 && !UNSAFE_LETTERS.includes(String.fromCharCode(code));
}

const UNSAFE_LETTERS = 'iIkKsS';

// ---- AST ---------------------------------------------------------------------------------------

interface Alt {
  readonly branches: Item[][];
}

type Atom =
  /** One character; `literal` is its folded code when it is safe (see isSafeLiteral). */
  | { readonly kind: 'char'; readonly literal: number | undefined }
  /** Matches something (possibly empty) that is not a known literal: `.`, `\d`, backreferences. */
  | { readonly kind: 'other' }
  /** Zero width, between two adjacent characters of the match: `^ $ \b \B`. */
  | { readonly kind: 'anchor' }
  | { readonly kind: 'group'; readonly alt: Alt; readonly lookaround: boolean };

interface Item {
  readonly atom: Atom;
  readonly min: number;
  readonly max: number; // Infinity for no bound
}

class Unsupported extends Error {}

const unsupported = (): never => {
  throw new Unsupported();
};

class Parser {
  readonly #s: string;
  #i = 0;

  constructor(source: string) {
    this.#s = source;
  }

  done(): boolean {
    return this.#i === this.#s.length;
  }

  alternation(): Alt {
    const branches: Item[][] = [this.#sequence()];
    while (this.#s[this.#i] === '|') {
      this.#i++;
      branches.push(this.#sequence());
    }
    return { branches };
  }

  #sequence(): Item[] {
    const items: Item[] = [];
    while (this.#i < this.#s.length) {
      const c = this.#s[this.#i]!;
      if (c === '|' || c === ')') break;
      const atom = this.#atom();
      const [min, max] = this.#quantifier();
      items.push({ atom, min, max });
    }
    return items;
  }

  #atom(): Atom {
    const s = this.#s;
    const c = s[this.#i++]!;
    switch (c) {
      case '.':
        return { kind: 'other' };
      case '^':
      case '$':
        return { kind: 'anchor' };
      case '[':
        return this.#charClass();
      case '(':
        return this.#group();
      case '\\':
        return this.#escape();
      case '*':
      case '+':
      case '?':
      case '{': // a brace that is not a quantifier (Annex B): not worth the doubt
      case '}':
      case ']':
        return unsupported();
      default:
        return charAtom(c.charCodeAt(0));
    }
  }

  #group(): Atom {
    const s = this.#s;
    let lookaround = false;
    if (s[this.#i] === '?') {
      const rest = s.slice(this.#i + 1, this.#i + 3);
      if (rest.startsWith(':')) this.#i += 2;
      else if (rest.startsWith('=') || rest.startsWith('!')) {
        this.#i += 2;
        lookaround = true;
      } else if (rest === '<=' || rest === '<!') {
        this.#i += 3;
        lookaround = true;
      } else if (rest.startsWith('<')) {
        const name = /^\?<([A-Za-z_$][\w$]*)>/.exec(s.slice(this.#i));
        if (!name) return unsupported();
        this.#i += name[0].length;
      } else return unsupported(); // modifiers (?i:...), inline flags (?i), anything else
    }
    const alt = this.alternation();
    if (s[this.#i] !== ')') return unsupported();
    this.#i++;
    return { kind: 'group', alt, lookaround };
  }

  #escape(): Atom {
    const s = this.#s;
    const c = s[this.#i++];
    if (c === undefined) return unsupported();
    switch (c) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
      case 's':
      case 'S':
        return { kind: 'other' };
      case 'b':
      case 'B':
        return { kind: 'anchor' };
      case 'n':
        return charAtom(0x0a);
      case 'r':
        return charAtom(0x0d);
      case 't':
        return charAtom(0x09);
      case 'f':
        return charAtom(0x0c);
      case 'v':
        return charAtom(0x0b);
      case 'x': {
        const hex = /^[0-9A-Fa-f]{2}/.exec(s.slice(this.#i));
        if (!hex) return unsupported();
        this.#i += 2;
        return charAtom(parseInt(hex[0], 16));
      }
      case 'u': {
        const hex = /^[0-9A-Fa-f]{4}/.exec(s.slice(this.#i));
        if (!hex) return unsupported(); // \u{...} and identity escapes of u
        this.#i += 4;
        return charAtom(parseInt(hex[0], 16));
      }
      case '0':
        if (/[0-9]/.test(s[this.#i] ?? '')) return unsupported(); // octal
        return charAtom(0);
    }
    // Backreferences (or, without such a group, octal escapes): never literal.
    if (c >= '1' && c <= '9') {
      while (/[0-9]/.test(s[this.#i] ?? '')) this.#i++;
      return { kind: 'other' };
    }
    // Identity escapes of ASCII punctuation are the character; letters (\c, \k, \p, \a...) are doubtful.
    const code = c.charCodeAt(0);
    if (code < 0x80 && !/[A-Za-z0-9_]/.test(c)) return charAtom(code);
    return unsupported();
  }

  /** After `[`: a one-character atom, literal when every member folds to one safe character. */
  #charClass(): Atom {
    const s = this.#s;
    let negated = false;
    if (s[this.#i] === '^') {
      negated = true;
      this.#i++;
    }
    const members = new Set<number>();
    let plain = !negated;
    let first = true;
    for (;;) {
      const c = s[this.#i++];
      if (c === undefined) return unsupported();
      if (c === ']') break;
      if (c === '[') return unsupported(); // literal in JS without `v`, but a set elsewhere
      if (c === '\\') {
        const e = s[this.#i++];
        if (e === undefined) return unsupported();
        const code = e.charCodeAt(0);
        // Only identity escapes of punctuation are plain; skip the rest (none can hold `]` past `\`).
        if (code < 0x80 && !/[A-Za-z0-9_]/.test(e)) members.add(code);
        else plain = false;
      } else if (c === '-' && !first && s[this.#i] !== ']') {
        plain = false; // a range
      } else {
        members.add(c.charCodeAt(0));
      }
      first = false;
    }
    if (!plain || members.size === 0) return { kind: 'other' };
    const folded = new Set([...members].map(foldCode));
    if (folded.size !== 1) return { kind: 'other' };
    for (const m of members) if (!isSafeLiteral(m)) return { kind: 'other' };
    return { kind: 'char', literal: [...folded][0]! };
  }

  /** An optional quantifier after an atom: [min, max]. */
  #quantifier(): [number, number] {
    const s = this.#s;
    const c = s[this.#i];
    let q: [number, number];
    if (c === '*') q = [0, Infinity];
    else if (c === '+') q = [1, Infinity];
    else if (c === '?') q = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(s.slice(this.#i));
      if (!m) return unsupported();
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      if (max < min) return unsupported();
      this.#i += m[0].length - 1;
      q = [min, max];
    } else return [1, 1];
    this.#i++;
    if (s[this.#i] === '?') this.#i++; // lazy: same strings
    return q;
  }
}

function charAtom(code: number): Atom {
  return { kind: 'char', literal: isSafeLiteral(code) ? foldCode(code) : undefined };
}

// ---- Analysis ----------------------------------------------------------------------------------

/** Needles of which one every match of `alt` contains: one choice per branch. */
function need(alt: Alt): string[] | undefined {
  const out: string[] = [];
  for (const branch of alt.branches) {
    const needles = needOfSequence(branch);
    if (!needles) return undefined;
    out.push(...needles);
  }
  return out.length <= MAX_NEEDLES ? out : undefined;
}

/** The best necessary needle set of a sequence (setsOfSequence) with no needle too short for a gate. */
function needOfSequence(items: readonly Item[]): string[] | undefined {
  let best: string[] | undefined;
  for (const set of setsOfSequence(items)) {
    if (set.some((n) => n.length < MIN_REGEX_LITERAL)) continue;
    if (!best || better(set, best)) best = set;
  }
  return best;
}

/**
 * Every necessary needle set of a sequence: each literal run alone, or the needles of a
 * required alternation group. Runs continue across anchors and unquantified single-branch groups.
 */
function setsOfSequence(items: readonly Item[]): string[][] {
  const sets: string[][] = [];
  const consider = (needles: string[] | undefined) => {
    if (!needles || needles.length === 0 || needles.length > MAX_NEEDLES) return;
    sets.push(needles);
  };
  let run = '';
  const end = (): void => {
    if (run !== '') consider([run]);
    run = '';
  };
  const walk = (seq: readonly Item[]): void => {
    for (const { atom, min, max } of seq) {
      if (atom.kind === 'anchor') continue; // zero width: the characters around it stay adjacent
      if (atom.kind === 'char' && atom.literal !== undefined) {
        if (min === 0) {
          end();
          continue;
        }
        const copies = String.fromCharCode(atom.literal).repeat(Math.min(min, MAX_REPEAT));
        run += copies;
        if (min !== max || min > MAX_REPEAT) {
          // The first `copies` follow the run; the last ones precede what comes next.
          end();
          run = copies;
        }
        continue;
      }
      if (atom.kind === 'group' && !atom.lookaround && min >= 1) {
        if (min === 1 && max === 1 && atom.alt.branches.length === 1) {
          walk(atom.alt.branches[0]!);
          continue;
        }
        end();
        consider(need(atom.alt));
        continue;
      }
      end(); // anything else: not a known literal, or not required
    }
  };
  walk(items);
  end();
  return sets;
}

/** Prefers the set whose shortest needle is longest, then fewer needles, then more text. */
function better(a: readonly string[], b: readonly string[]): boolean {
  const shortest = (x: readonly string[]) => Math.min(...x.map((n) => n.length));
  if (shortest(a) !== shortest(b)) return shortest(a) > shortest(b);
  if (a.length !== b.length) return a.length < b.length;
  const total = (x: readonly string[]) => x.reduce((n, t) => n + t.length, 0);
  return total(a) > total(b);
}
