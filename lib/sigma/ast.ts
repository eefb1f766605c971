/**
 * The parsed form of a Sigma rule's detection, shared by the compiler and the reference
 * interpreter: a boolean tree whose leaves are field tests. Parsing resolves modifiers into
 * these value tests, so evaluation never looks at modifier names again.
 */
import type { Pattern } from './pattern.ts';
import type { Cidr } from '../matching/cidr.ts';

/** A part of a timestamp a time modifier extracts (`TimeCreated|hour`). */
export type TimePart = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

export type CompareOp = 'lt' | 'lte' | 'gt' | 'gte';

/** One value a field is tested against. */
export type ValueTest =
  /** Wildcard string match; case-insensitive unless `cased`. */
  | { readonly kind: 'pattern'; readonly pattern: Pattern; readonly cased: boolean }
  /** `re`: unanchored search; flags from `i`, `m`, `s`. */
  | { readonly kind: 'regex'; readonly source: string; readonly flags: string }
  /** A YAML number: equals a numeric field or the string form of one. */
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'boolean'; readonly value: boolean }
  /** `null`: the field is absent or null. */
  | { readonly kind: 'null' }
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly value: number }
  | { readonly kind: 'cidr'; readonly cidr: Cidr }
  /** `exists`: presence of the field, whatever its value. */
  | { readonly kind: 'exists'; readonly value: boolean }
  /** `fieldref`: compares with another field of the same event. */
  | {
      readonly kind: 'fieldref';
      readonly field: string;
      readonly position: 'equals' | 'contains' | 'startswith' | 'endswith';
      readonly cased: boolean;
    };

/** A detection item: one field (or, for keywords, every value of the event) against its values. */
export interface FieldTest {
  readonly kind: 'test';
  /** `null` for keyword (field-less) searches. */
  readonly field: string | null;
  readonly timePart?: TimePart;
  readonly values: readonly ValueTest[];
  /** `all`: every value must hold, instead of any. */
  readonly all: boolean;
  /** `neq`: the field equals none of the values. */
  readonly negate: boolean;
  /** How the item reads in the rule, e.g. `selection: RemoteName|contains`. */
  readonly label: string;
}

/**
 * A boolean tree over leaves of type L: rules before resolution (detection items, see
 * detection-item.ts) and after (field tests) share the shape, so the condition grammar and
 * pipelines work on either.
 */
export type Tree<L> =
  | L
  | { readonly kind: 'and'; readonly items: readonly Tree<L>[] }
  | { readonly kind: 'or'; readonly items: readonly Tree<L>[] }
  | { readonly kind: 'not'; readonly item: Tree<L> }
  | { readonly kind: 'const'; readonly value: boolean };

export type Expr = Tree<FieldTest>;
