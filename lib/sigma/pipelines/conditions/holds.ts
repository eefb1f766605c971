/** Whether an item's conditions hold: the tree of conditions evaluated with `test`, then negated if `*_cond_not`. */
import type { Tree } from '../../ast.ts';
import type { Conditions } from '../pipeline.ts';

export function holds<C>(conditions: Conditions<C>, test: (cond: C) => boolean): boolean {
  const walk = (tree: Tree<{ readonly kind: 'cond'; readonly cond: C }>): boolean => {
    switch (tree.kind) {
      case 'cond':
        return test(tree.cond);
      case 'and':
        return tree.items.every(walk);
      case 'or':
        return tree.items.some(walk);
      case 'not':
        return !walk(tree.item);
      case 'const':
        return tree.value;
    }
  };
  return walk(conditions.tree) !== conditions.negated;
}
