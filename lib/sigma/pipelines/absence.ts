/**
 * The check `unavailable_fields` asks for, on the whole rule: an item on an unavailable field is
 * a constant (AbsentItem). If such a constant pushes the rule towards firing — true where the
 * rule wants it true (even number of `not`s above it), false under an odd number — the rule
 * would fire *because* the field is missing: refused. Otherwise the constants only take branches
 * away; a rule left constant false can never match (see neverMatches).
 */
import type { Tree } from '../ast.ts';
import type { RawDetection, SearchLeaf, SearchRef } from '../detection-item.ts';

export interface Absence {
  readonly field: string;
  readonly pipeline: string;
  readonly item: string;
  readonly label: string;
  /** The constant pushes the rule towards firing. */
  readonly firing: boolean;
}

export function absencesOf(detection: RawDetection): Absence[] {
  const out: Absence[] = [];
  const search = (tree: Tree<SearchLeaf>, positive: boolean): void => {
    switch (tree.kind) {
      case 'absent':
        out.push({ field: tree.field, pipeline: tree.pipeline, item: tree.item, label: tree.label, firing: tree.value === positive });
        return;
      case 'and':
      case 'or':
        for (const item of tree.items) search(item, positive);
        return;
      case 'not':
        search(tree.item, !positive);
        return;
      default:
        return;
    }
  };
  const condition = (tree: Tree<SearchRef>, positive: boolean): void => {
    switch (tree.kind) {
      case 'ref': {
        const s = detection.searches.get(tree.name);
        if (s) search(s, positive);
        return;
      }
      case 'and':
      case 'or':
        for (const item of tree.items) condition(item, positive);
        return;
      case 'not':
        condition(tree.item, !positive);
        return;
      default:
        return;
    }
  };
  condition(detection.condition, true);
  return out;
}
