/**
 * Edits every transformation makes the same way: replace the detection items the item's
 * conditions select, mark them applied, note the change for lint/explain, keep work bounded.
 */
import { itemsOf, mapItems, type DetectionItem, type SearchTree } from '../detection-item.ts';
import type { RawDetection } from '../detection-item.ts';
import type { ItemContext, RuleVersion } from './pipeline.ts';
import { TransformationFailure } from './pipeline.ts';

/** A rule may not grow beyond this many detection items through pipelines (one-to-many mappings multiply). */
export const MAX_ITEMS_PER_RULE = 10_000;

/**
 * The version with each selected detection item replaced by `f`'s answer: `undefined` keeps it,
 * `null` drops it, a tree replaces it (its items marked applied by this pipeline item).
 * `what` describes each change for tracking.
 */
export function editItems(
  version: RuleVersion,
  ctx: ItemContext,
  f: (item: DetectionItem) => { tree: SearchTree | null; what: string } | undefined,
): RuleVersion {
  const notes: string[] = [];
  const searches = new Map<string, SearchTree>();
  let changed = false;
  for (const [name, search] of version.rule.detection.searches) {
    const next = mapItems(search, (item) => {
      if (!ctx.itemSelected(item, version)) return item;
      const result = f(item);
      if (result === undefined) return item;
      changed = true;
      if (!notes.includes(result.what)) notes.push(result.what);
      return result.tree === null ? null : markApplied(result.tree, ctx.item.id);
    });
    searches.set(name, next);
  }
  if (!changed) return version;
  const detection: RawDetection = { searches, condition: version.rule.detection.condition };
  checkSize(detection);
  return noted({ ...version, rule: { ...version.rule, detection } }, ctx, notes);
}

function markApplied(tree: SearchTree, id: string): SearchTree {
  return mapItems(tree, (item) => (item.applied.includes(id) ? item : { ...item, applied: [...item.applied, id] }));
}

export function checkSize(detection: RawDetection): void {
  let count = 0;
  for (const search of detection.searches.values()) count += itemsOf(search).length;
  if (count > MAX_ITEMS_PER_RULE) {
    throw new TransformationFailure(`the rule would grow to ${count} detection items (at most ${MAX_ITEMS_PER_RULE}): a one-to-many mapping multiplies too much`);
  }
}

/** The version with changes noted as made by this pipeline item. */
export function noted(version: RuleVersion, ctx: ItemContext, whats: readonly string[]): RuleVersion {
  if (whats.length === 0) return version;
  return { ...version, changes: [...version.changes, ...whats.map((what) => ({ pipeline: ctx.pipeline.name, item: ctx.item.id, what }))] };
}
