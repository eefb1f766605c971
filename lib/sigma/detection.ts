/**
 * Resolves detection items (detection-item.ts, after any processing pipeline) into field tests
 * (ast.ts): each item's modifiers become its value tests, `expand` placeholders are filled in.
 */
import type { Expr, FieldTest, ValueTest } from './ast.ts';
import { parseCidr } from '../matching/cidr.ts';
import { parseSigmaRegex } from './regex-flavour.ts';
import { SigmaCompileError } from './compile-error.ts';
import { findModifier, type ItemState, type Working } from './modifiers.ts';
import { normalisePattern, parsePattern } from './pattern.ts';
import { makeItem, readSearch, type DetectionItem, type Scalar, type SearchTree } from './detection-item.ts';

export interface DetectionContext {
  readonly placeholders: Readonly<Record<string, readonly string[]>>;
}

/** One search identifier, read and resolved at once (tests and filters that need no pipeline). */
export function parseSearch(name: string, body: unknown, ctx: DetectionContext): Expr {
  return resolveSearch(readSearch(name, body), ctx);
}

/** `field|mod1|mod2` with its values, read and resolved at once. */
export function parseItem(name: string, key: string, values: readonly Scalar[], ctx: DetectionContext): FieldTest {
  return resolveItem(makeItem(name, key, values), ctx);
}

/** A search tree with every detection item resolved (an unavailable field's item is its constant). */
export function resolveSearch(tree: SearchTree, ctx: DetectionContext): Expr {
  switch (tree.kind) {
    case 'item':
      return resolveItem(tree, ctx);
    case 'absent':
      return { kind: 'const', value: tree.value };
    case 'and':
    case 'or':
      return { kind: tree.kind, items: tree.items.map((item) => resolveSearch(item, ctx)) };
    case 'not':
      return { kind: 'not', item: resolveSearch(tree.item, ctx) };
    case 'const':
      return tree;
  }
}

/** A detection item's modifiers, applied left to right, make its value tests. */
export function resolveItem(item: DetectionItem, ctx: DetectionContext): FieldTest {
  const { label, field, modifiers: modifierNames, values } = item;
  const state: ItemState = {
    testKind: 'match',
    all: false,
    cased: false,
    negate: false,
    expand: false,
    regexFlags: '',
    position: 'equals',
  };
  let working: Working[] = expandPlaceholders(values, modifierNames.includes('expand'), ctx, label).map(toWorking);
  // Keywords search inside values: a keyword is found anywhere in a field value.
  if (field === null && !modifierNames.some((m) => ['re', 'startswith', 'endswith', 'contains', 'cidr'].includes(m))) {
    working = working.map((w) =>
      w.kind === 'string' ? { ...w, pattern: normalisePattern([{ kind: 'anyRun' }, ...w.pattern, { kind: 'anyRun' }]) } : w,
    );
  }
  for (const modifierName of modifierNames) {
    const modifier = findModifier(modifierName);
    if (!modifier) throw new SigmaCompileError(`unsupported modifier '${modifierName}'`, label);
    try {
      working = modifier.apply(working, state);
    } catch (reason) {
      if (typeof reason === 'string') throw new SigmaCompileError(reason, label);
      throw reason;
    }
  }
  if (field === null && ['exists', 'fieldref', 'compare'].includes(state.testKind)) {
    throw new SigmaCompileError(`'${state.testKind}' needs a field name`, label);
  }
  const tests = working.map((w) => toValueTest(w, state, label));
  return {
    kind: 'test',
    field,
    ...(state.timePart ? { timePart: state.timePart } : {}),
    values: tests,
    all: state.all,
    negate: state.negate,
    label,
  };
}

function toWorking(value: Scalar): Working {
  if (value === null) return { kind: 'null' };
  if (typeof value === 'number') return { kind: 'number', value };
  if (typeof value === 'boolean') return { kind: 'boolean', value };
  return { kind: 'string', pattern: parsePattern(value), binary: false, raw: value };
}

export const PLACEHOLDER = /%([A-Za-z0-9_.-]+)%/g;

/** `expand`: each `%name%` is replaced by every configured value; unknown names reject the rule. */
function expandPlaceholders(values: readonly Scalar[], expand: boolean, ctx: DetectionContext, label: string): Scalar[] {
  if (!expand) return [...values];
  // A pipeline may have filled some values' placeholders already: only an item with none left is an error.
  const some = values.some((v) => typeof v === 'string' && /%[A-Za-z0-9_.-]+%/.test(v));
  if (!some) throw new SigmaCompileError(`'expand' on ${values.map((v) => `'${String(v)}'`).join(', ')}, which has no %placeholder%`, label);
  return values.flatMap((value): Scalar[] => {
    if (typeof value !== 'string') return [value];
    let results = [''];
    let last = 0;
    for (const m of value.matchAll(PLACEHOLDER)) {
      const name = m[1]!;
      const replacements = ctx.placeholders[name];
      if (!replacements || replacements.length === 0) {
        throw new SigmaCompileError(`placeholder '%${name}%' has no configured values (SigmaOptions.placeholders)`, label);
      }
      const literal = value.slice(last, m.index);
      results = results.flatMap((prefix) => replacements.map((r) => prefix + literal + r));
      last = m.index + m[0].length;
    }
    if (last === 0) return [value];
    return results.map((prefix) => prefix + value.slice(last));
  });
}

function toValueTest(w: Working, state: ItemState, label: string): ValueTest {
  const fail = (reason: string): never => {
    throw new SigmaCompileError(reason, label);
  };
  switch (state.testKind) {
    case 'exists':
      if (w.kind !== 'boolean') fail(`'exists' needs true or false`);
      return { kind: 'exists', value: (w as { value: boolean }).value };
    case 're': {
      if (w.kind !== 'string') fail(`'re' needs a string`);
      const regex = parseSigmaRegex((w as { raw: string }).raw, state.regexFlags);
      if (typeof regex === 'string') return fail(regex);
      return { kind: 'regex', source: regex.source, flags: regex.flags };
    }
    case 'cidr': {
      if (w.kind !== 'string') fail(`'cidr' needs a network string`);
      const cidr = parseCidr((w as { raw: string }).raw);
      if (typeof cidr === 'string') fail(cidr);
      return { kind: 'cidr', cidr: cidr as Exclude<typeof cidr, string> };
    }
    case 'compare': {
      const value = w.kind === 'number' ? w.value : w.kind === 'string' ? Number(w.raw) : NaN;
      if (!Number.isFinite(value)) fail(`'${state.compareOp}' needs a number`);
      return { kind: 'compare', op: state.compareOp!, value };
    }
    case 'fieldref':
      if (w.kind !== 'string') fail(`'fieldref' needs a field name`);
      return { kind: 'fieldref', field: (w as { raw: string }).raw, position: state.position, cased: state.cased };
    case 'match':
      switch (w.kind) {
        case 'null':
          return { kind: 'null' };
        case 'boolean':
          return { kind: 'boolean', value: w.value };
        case 'number':
          return { kind: 'number', value: w.value };
        case 'string':
          if (state.timePart) {
            const n = Number(w.raw);
            if (!Number.isFinite(n)) fail(`'${state.timePart}' compares with a number`);
            return { kind: 'number', value: n };
          }
          return { kind: 'pattern', pattern: w.pattern, cased: state.cased };
      }
  }
}
