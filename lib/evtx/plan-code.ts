/**
 * A template plan (template-plan.ts) turned into straight-line JavaScript: each object built as
 * one object literal whose keys are written in the code, each value fetched by its substitution
 * index, no loop over the plan's arrays. Rendering a plan by walking it spent most of its time in
 * keyed stores (`out[key] = value` with a key read from the plan: a megamorphic store per key),
 * a literal is one allocation of an object whose shape V8 knows in advance.
 *
 * The code is cached by its own text, across chunks and files: the same template is stored once
 * per chunk, parsed and planned there, and gets the same text, so the function is compiled once
 * and stays hot (the corpus has 18 distinct record templates in 6,801 records). Whatever is
 * particular to one chunk's copy (the plan of a subtree the code leaves to the plan's walk, a key
 * set) is handed to the function at each call, never baked into the cached code.
 *
 * Safety: every name and text from the file enters the code as a JSON string literal (a valid
 * JavaScript string whatever it holds); `__proto__` and `#`-names never reach a literal (the plan
 * refuses them). The cache is bounded, and the code is linear in the template's size.
 */
import type { JsonObject, JsonValue } from './render-record.ts';
import type { SubstitutionValue } from './binxml.ts';
import type { Scalar } from './value-types.ts';

/** The subset of a plan element the code generator reads (template-plan.ts's ElementPlan). */
export interface CodeElement {
  readonly mode: number;
  readonly attrNames: readonly string[];
  readonly attrTexts: readonly (Scalar | undefined)[];
  readonly attrSubs: readonly number[];
  readonly text: Scalar | undefined;
  readonly sub: number;
  readonly children: readonly (CodeElement | null)[] | undefined;
  readonly keys: readonly (string | null)[];
  readonly nestedSub: number;
  readonly keySet: ReadonlySet<string>;
  readonly positionalData: boolean;
}

/** What the code calls back into: template-plan.ts's counting value reader, nested values, walk. */
export interface PlanHelpers {
  piece(values: readonly SubstitutionValue[], index: number): Scalar | undefined;
  nested(values: readonly SubstitutionValue[], index: number, out: JsonObject, keySet: ReadonlySet<string>): void;
  element(plan: CodeElement, values: readonly SubstitutionValue[]): JsonValue;
}

/** A record's top-level plan: its JSON from the values. */
export type RootCode = (values: readonly SubstitutionValue[], consts: readonly unknown[]) => JsonObject;
/** A plan in a BinXML value: its elements put into `out` (false: a name it would repeat). */
export type NestedCode = (values: readonly SubstitutionValue[], consts: readonly unknown[], out: JsonObject, keySet: ReadonlySet<string>) => boolean;

/** A plan element's mode (template-plan.ts decides it): plain, a data container, a Data item in one. */
export const PLAN_PLAIN = 0;
export const PLAN_CONTAINER = 1;
export const PLAN_DATA = 2;
const MAX_CACHED = 2048;
const cache = new Map<string, unknown>();

export interface CompiledPlan<Code> {
  readonly code: Code;
  readonly consts: readonly unknown[];
}

/** The code for a record's top-level elements `roots` named `rootNames`. */
export function rootCode(roots: readonly CodeElement[], rootNames: readonly string[], helpers: PlanHelpers): CompiledPlan<RootCode> {
  const gen = new Generator();
  const values = roots.map((root) => gen.element(root));
  gen.line(`return {${rootNames.map((name, i) => `${JSON.stringify(name)}: ${values[i]}`).join(', ')}};`);
  return { code: compile<RootCode>('values, C', gen.text(), helpers), consts: gen.consts };
}

/** The code for a BinXML value's planned instance, whose elements join an element's children. */
export function nestedCode(roots: readonly CodeElement[], rootNames: readonly string[], helpers: PlanHelpers): CompiledPlan<NestedCode> {
  const gen = new Generator();
  for (let i = 0; i < roots.length; i++) {
    const key = JSON.stringify(rootNames[i]!);
    // Checked before each element is rendered, as the plan's walk did.
    gen.line(`if (keySet.has(${key}) || Object.hasOwn(out, ${key})) return false;`);
    const value = gen.element(roots[i]!);
    gen.line(`out[${key}] = ${value};`);
  }
  gen.line('return true;');
  return { code: compile<NestedCode>('values, C, out, keySet', gen.text(), helpers), consts: gen.consts };
}

function compile<Code>(params: string, body: string, helpers: PlanHelpers): Code {
  const source = `return function plan(${params}) {\n${body}}`;
  let code = cache.get(source) as Code | undefined;
  if (code === undefined) {
    if (cache.size >= MAX_CACHED) cache.clear();
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the text is built above from JSON literals and numbers only
    code = new Function('piece', 'nested', 'element', source)(helpers.piece, helpers.nested, helpers.element) as Code;
    cache.set(source, code);
  }
  return code;
}

class Generator {
  readonly consts: unknown[] = [];
  private readonly lines: string[] = [];
  private next = 0;

  line(text: string): void {
    this.lines.push(text);
  }

  text(): string {
    return this.lines.join('\n') + '\n';
  }

  private fresh(): string {
    return `v${this.next++}`;
  }

  private constant(value: unknown): string {
    this.consts.push(value);
    return `C[${this.consts.length - 1}]`;
  }

  /** Emits the code rendering `plan`; returns the variable holding its value. */
  element(plan: CodeElement): string {
    const out = this.fresh();
    if (plan.positionalData) {
      // `Data: {"#text": [...]}` containers are rare: left to the plan's walk.
      this.line(`const ${out} = element(${this.constant(plan)}, values);`);
      return out;
    }
    const attrs = this.attributes(plan);
    if (plan.children === undefined) {
      const own = plan.sub >= 0 ? this.fresh() : plan.text === undefined ? 'undefined' : JSON.stringify(plan.text);
      if (plan.sub >= 0) this.line(`const ${own} = piece(values, ${plan.sub});`);
      const ownOrNull = plan.sub >= 0 ? `(${own} !== undefined ? ${own} : ${plan.mode === PLAN_DATA ? "''" : 'null'})` : own === 'undefined' ? (plan.mode === PLAN_DATA ? "''" : 'null') : own;
      if (plan.mode === PLAN_DATA || attrs === undefined) {
        this.line(`const ${out} = ${ownOrNull};`);
      } else {
        const withText = own === 'undefined' ? `{"#attributes": ${attrs}}` : plan.sub >= 0 ? `(${own} !== undefined ? {"#attributes": ${attrs}, "#text": ${own}} : {"#attributes": ${attrs}})` : `{"#attributes": ${attrs}, "#text": ${own}}`;
        this.line(`const ${out} = ${attrs} === undefined ? ${ownOrNull} : ${withText};`);
      }
      return out;
    }
    const values = plan.children.map((child) => (child === null ? null : this.element(child)));
    const nestedAt = plan.children.indexOf(null);
    const before: string[] = [];
    const after: [key: string, value: string][] = [];
    for (let i = 0; i < values.length; i++) {
      const key = plan.keys[i];
      const value = values[i];
      if (value === null || value === undefined || key === null || key === undefined) continue; // a dropped Data item still counted its values
      if (nestedAt >= 0 && i > nestedAt) after.push([JSON.stringify(key), value]);
      else before.push(`${JSON.stringify(key)}: ${value}`);
    }
    const literal = `{${before.join(', ')}}`;
    if (attrs === undefined) this.line(`const ${out} = ${literal};`);
    else this.line(`const ${out} = ${attrs} === undefined ? ${literal} : {"#attributes": ${attrs}${before.length > 0 ? ', ' : ''}${before.join(', ')}};`);
    if (nestedAt >= 0) this.line(`nested(values, ${plan.nestedSub}, ${out}, ${this.constant(plan.keySet)});`);
    for (const [key, value] of after) this.line(`${out}[${key}] = ${value};`);
    return out;
  }

  /** Emits the attributes object (undefined when none renders); returns its expression, or undefined when the element has none. */
  private attributes(plan: CodeElement): string | undefined {
    const names = plan.attrNames;
    if (names.length === 0) return undefined;
    const parts: { key: string; value: string; optional: boolean }[] = [];
    for (let i = 0; i < names.length; i++) {
      const key = JSON.stringify(names[i]!);
      const sub = plan.attrSubs[i]!;
      if (sub < 0) {
        parts.push({ key, value: JSON.stringify(plan.attrTexts[i]), optional: false });
      } else {
        const value = this.fresh();
        this.line(`const ${value} = piece(values, ${sub});`);
        parts.push({ key, value, optional: true });
      }
    }
    const out = this.fresh();
    const all = `{${parts.map((p) => `${p.key}: ${p.value}`).join(', ')}}`;
    const optional = parts.filter((p) => p.optional);
    if (optional.length === 0) {
      this.line(`const ${out} = ${all};`);
      return out;
    }
    // The usual case, every value there, is one literal; otherwise the ones there, in order.
    this.line(`let ${out};`);
    this.line(`if (${optional.map((p) => `${p.value} !== undefined`).join(' && ')}) ${out} = ${all};`);
    this.line('else {');
    for (const p of parts) {
      if (p.optional) this.line(`if (${p.value} !== undefined) (${out} ??= {})[${p.key}] = ${p.value};`);
      else this.line(`(${out} ??= {})[${p.key}] = ${p.value};`);
    }
    this.line('}');
    return out;
  }
}
