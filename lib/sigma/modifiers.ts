/**
 * Sigma value modifiers (sigma-appendix-modifiers.md), each a small object. A detection item's
 * modifiers run left to right over a list of working values; the last step turns them into
 * value tests (see ast.ts). Encoding and wildcard modifiers rewrite strings; `re`, `cidr`,
 * `lt`..`gte`, `exists` and `fieldref` choose what kind of test the values become; `all`,
 * `cased`, `neq`, the `re` flags and the time parts are flags on the item.
 */
import type { CompareOp, TimePart } from './ast.ts';
import { base64, base64Offsets, utf16, utf16be, utf16le, type EncodedText } from './encodings.ts';
import { isPlainText, literalPattern, normalisePattern, patternText, type Pattern, type PatternPart } from './pattern.ts';

/** A value on its way through the modifier chain. */
export type Working =
  | { readonly kind: 'string'; readonly pattern: Pattern; readonly binary: boolean; readonly raw: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'null' };

/** What the item becomes once its values are final. */
export type TestKind = 'match' | 're' | 'cidr' | 'compare' | 'exists' | 'fieldref';

export interface ItemState {
  testKind: TestKind;
  compareOp?: CompareOp;
  timePart?: TimePart;
  all: boolean;
  cased: boolean;
  negate: boolean;
  expand: boolean;
  regexFlags: string;
  /** For fieldref: the position modifier that came with it. */
  position: 'equals' | 'contains' | 'startswith' | 'endswith';
}

export interface Modifier {
  readonly name: string;
  /** Rewrites the values (string modifiers) or sets item flags; throws a reason string on misuse. */
  apply(values: Working[], state: ItemState): Working[];
}

const flag = (name: string, set: (state: ItemState) => void): Modifier => ({
  name,
  apply(values, state) {
    set(state);
    return values;
  },
});

const testKind = (name: string, kind: TestKind, extra?: (state: ItemState) => void): Modifier => ({
  name,
  apply(values, state) {
    if (state.testKind !== 'match') throw `'${name}' cannot follow '${state.testKind}'`;
    state.testKind = kind;
    extra?.(state);
    return values;
  },
});

function strings(name: string, values: Working[]): Array<Extract<Working, { kind: 'string' }>> {
  return values.map((v) => {
    if (v.kind === 'string') return v;
    if (v.kind === 'number') {
      const raw = String(v.value);
      return { kind: 'string', pattern: literalPattern(raw), binary: false, raw };
    }
    throw `'${name}' needs string values, got ${v.kind === 'null' ? 'null' : String(v.value)}`;
  });
}

/** `contains`, `startswith`, `endswith`: wildcards around the value (or fieldref position). */
const wrap = (name: 'contains' | 'startswith' | 'endswith', before: boolean, after: boolean): Modifier => ({
  name,
  apply(values, state) {
    if (state.testKind === 'fieldref') {
      state.position = name;
      return values;
    }
    if (state.testKind !== 'match') throw `'${name}' cannot follow '${state.testKind}'`;
    return strings(name, values).map((v) => ({
      ...v,
      pattern: normalisePattern([
        ...(before ? [{ kind: 'anyRun' } as const] : []),
        ...v.pattern,
        ...(after ? [{ kind: 'anyRun' } as const] : []),
      ]),
    }));
  },
});

/** Encodings work on plain text: a wildcard inside a base64 string would mean nothing. */
const encoding = (name: string, encode: (value: EncodedText) => EncodedText[]): Modifier => ({
  name,
  apply(values, state) {
    if (state.testKind !== 'match') throw `'${name}' cannot follow '${state.testKind}'`;
    return strings(name, values).flatMap((v) => {
      if (!isPlainText(v.pattern)) throw `'${name}' cannot encode the wildcard value '${v.raw}'`;
      return encode({ text: patternText(v.pattern), binary: v.binary }).map((e) => ({
        kind: 'string' as const,
        pattern: literalPattern(e.text),
        binary: e.binary,
        raw: e.text,
      }));
    });
  },
});

/** The dash-like characters Windows command lines accept interchangeably. */
export const WINDASH_CHARS = '-/\u2013\u2014\u2015';

const windash: Modifier = {
  name: 'windash',
  apply(values, state) {
    if (state.testKind !== 'match') throw `'windash' cannot follow '${state.testKind}'`;
    // Every dash-like character becomes a set of all of them: the same answers as expanding
    // every permutation, without the 5^n values.
    return strings('windash', values).map((v) => ({
      ...v,
      pattern: normalisePattern(
        v.pattern.flatMap((part): PatternPart[] => {
          if (part.kind !== 'text') return [part];
          const out: PatternPart[] = [];
          let text = '';
          for (const c of part.text) {
            if (WINDASH_CHARS.includes(c)) {
              if (text) out.push({ kind: 'text', text });
              text = '';
              out.push({ kind: 'oneOf', chars: WINDASH_CHARS });
            } else {
              text += c;
            }
          }
          if (text) out.push({ kind: 'text', text });
          return out;
        }),
      ),
    }));
  },
};

const timePart = (name: TimePart): Modifier =>
  flag(name, (state) => {
    if (state.timePart) throw `'${name}' cannot follow '${state.timePart}'`;
    state.timePart = name;
  });

const compare = (op: CompareOp): Modifier => testKind(op, 'compare', (state) => (state.compareOp = op));

/** A regex flag is only meaningful after `re`. */
const regexFlag = (name: 'i' | 'm' | 's'): Modifier =>
  flag(name, (state) => {
    if (state.testKind !== 're') throw `'${name}' is a flag of 're' and must follow it`;
    if (!state.regexFlags.includes(name)) state.regexFlags += name;
  });

const MODIFIERS: readonly Modifier[] = [
  wrap('contains', true, true),
  wrap('startswith', false, true),
  wrap('endswith', true, false),
  flag('all', (state) => (state.all = true)),
  flag('cased', (state) => (state.cased = true)),
  flag('neq', (state) => (state.negate = true)),
  flag('expand', (state) => (state.expand = true)),
  windash,
  testKind('re', 're'),
  regexFlag('i'),
  regexFlag('m'),
  regexFlag('s'),
  encoding('base64', (v) => [base64(v)]),
  encoding('base64offset', (v) => base64Offsets(v)),
  encoding('utf16le', (v) => [utf16le(v)]),
  encoding('wide', (v) => [utf16le(v)]),
  encoding('utf16be', (v) => [utf16be(v)]),
  encoding('utf16', (v) => [utf16(v)]),
  compare('lt'),
  compare('lte'),
  compare('gt'),
  compare('gte'),
  timePart('minute'),
  timePart('hour'),
  timePart('day'),
  timePart('week'),
  timePart('month'),
  timePart('year'),
  testKind('cidr', 'cidr'),
  testKind('exists', 'exists'),
  testKind('fieldref', 'fieldref'),
];

const BY_NAME = new Map(MODIFIERS.map((m) => [m.name, m]));

export function findModifier(name: string): Modifier | undefined {
  return BY_NAME.get(name);
}

export const MODIFIER_NAMES: readonly string[] = MODIFIERS.map((m) => m.name);
