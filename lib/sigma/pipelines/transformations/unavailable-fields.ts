/**
 * `unavailable_fields` (a winsift transformation, registered like a pySigma plugin type): the
 * target log source never has `fields: [...]`, or has none but `except: [...]` and the System
 * fields (SYSTEM_FIELDS). Each item on such a field becomes the answer the reference interpreter
 * gives it on an event without the field (an AbsentItem); the loader then refuses a rule one of
 * them pushes towards firing ("would fire on the absence of F") and drops one left constant false
 * ("can never match: needs F"), see pipelines/absence.ts. Keyword items are untouched.
 */
import { SigmaCompileError } from '../../compile-error.ts';
import { resolveItem } from '../../detection.ts';
import type { DetectionItem, SearchTree } from '../../detection-item.ts';
import { evaluateTest } from '../../reference.ts';
import { optStrList } from '../params.ts';
import { editItems } from '../edit.ts';
import { TransformationFailure, type ItemContext } from '../pipeline.ts';
import type { TransformationType } from './transformation-type.ts';

/** The fields every Windows event carries (the System part), available whatever `except` says. */
export const SYSTEM_FIELDS: readonly string[] = [
  'EventID', 'EventID_Qualifiers', 'Channel', 'Provider_Name', 'Provider_Guid', 'Computer', 'TimeCreated_SystemTime',
  'EventRecordID', 'Level', 'Task', 'Opcode', 'Keywords', 'Version', 'Execution_ProcessID', 'Execution_ThreadID',
  'Security_UserID', 'Correlation_ActivityID', 'Correlation_RelatedActivityID',
];

function absentValue(item: DetectionItem, missing: string, ctx: ItemContext): boolean {
  let test;
  try {
    test = resolveItem(item, { placeholders: new Proxy({}, { get: (_t, name: string) => ctx.placeholder(name) }) as Record<string, readonly string[]> });
  } catch (error) {
    if (error instanceof SigmaCompileError) throw new TransformationFailure(`${item.label}: ${error.message}`);
    throw error;
  }
  // The field itself absent; or, for a fieldref item, the field present and the referenced one absent.
  const event = missing === item.field ? {} : { [item.field!]: '' };
  return evaluateTest(test, event);
}

export const unavailableFields: TransformationType = {
  name: 'unavailable_fields',
  params: { required: [], optional: ['fields', 'except'] },
  make(p) {
    const fields = optStrList(p, 'fields');
    const except = optStrList(p, 'except');
    if ((fields === undefined) === (except === undefined)) throw `needs exactly one of 'fields' (the fields the log source lacks) or 'except' (the only fields it has)`;
    const available = except ? new Set([...except, ...SYSTEM_FIELDS]) : undefined;
    const lacking = fields ? new Set(fields) : undefined;
    const unavailable = (field: string): boolean => (lacking ? lacking.has(field) : !available!.has(field));
    return {
      type: 'unavailable_fields',
      apply: (version, ctx) =>
        editItems(version, ctx, (item) => {
          if (item.field === null) return undefined;
          const tree = (missing: string, target: DetectionItem = item): SearchTree => ({ kind: 'absent', field: missing, value: absentValue(target, missing, ctx), pipeline: ctx.pipeline.name, item: ctx.item.id, label: item.label });
          if (unavailable(item.field)) {
            const t = tree(item.field);
            return { tree: t, what: `${item.field} unavailable: ${item.label} is ${String((t as { value: boolean }).value)}` };
          }
          if (!item.modifiers.includes('fieldref')) return undefined;
          // fieldref: each value names a field; an unavailable one never equals anything.
          const lost = item.values.filter((v): v is string => typeof v === 'string' && unavailable(v));
          if (lost.length === 0) return undefined;
          const kept = item.values.filter((v) => !(typeof v === 'string' && unavailable(v)));
          if (kept.length === 0 || item.modifiers.includes('all')) {
            const t = tree(lost[0]!);
            return { tree: t, what: `${lost.join(', ')} unavailable: ${item.label} is ${String((t as { value: boolean }).value)}` };
          }
          if (item.modifiers.includes('neq')) throw new TransformationFailure(`${item.label}: 'neq' over fields some of which (${lost.join(', ')}) are unavailable has no single meaning`);
          return { tree: { ...item, values: kept }, what: `${lost.join(', ')} unavailable: dropped from ${item.label}` };
        }),
    };
  },
};
