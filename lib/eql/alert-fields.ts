/**
 * What an alert shows of the ECS document an EQL rule matched. An ECS document's Sigma view is
 * nearly empty (`Computer`, a time), so the alert carries, by their ECS names: the document's
 * identity (which host, user, process and event this is) and every field the rule's query read
 * (`file.path`, `process.command_line`, ...), whether or not that test decided the match. Only
 * fields the document has are shown; the evidence says which tests held.
 */
import type { FieldValue } from '../events/win-event.ts';
import { fieldName, type FieldNode } from './ast.ts';
import { fieldGetter, type FieldGetter } from './ecs-document.ts';

/** Who, where and which event, as Elastic Defend, Elastic Agent and Winlogbeat write them. */
export const IDENTITY_FIELDS: readonly string[] = [
  '@timestamp',
  'event.id',
  'event.code',
  'event.action',
  'event.category',
  'event.type',
  'event.dataset',
  'agent.type',
  'agent.id',
  'host.name',
  'host.id',
  'user.name',
  'user.domain',
  'user.id',
  'process.pid',
  'process.entity_id',
  'process.executable',
];

/** One field per name, first occurrence kept: queries test the same field many times. */
export function distinctFields(fields: readonly FieldNode[]): FieldNode[] {
  const seen = new Set<string>();
  return fields.filter((field) => {
    const name = fieldName(field);
    if (seen.has(name)) return false;
    seen.add(name);
    return true;
  });
}

export type AlertFieldReader = (doc: unknown) => Record<string, FieldValue>;

/** Compiled once per rule: reads the identity fields, then the query's, from a document. */
export function alertFieldReader(queryFields: readonly FieldNode[]): AlertFieldReader {
  const readers: [string, FieldGetter][] = IDENTITY_FIELDS.map((name) => [name, fieldGetter(name.split('.'))]);
  const names = new Set(IDENTITY_FIELDS);
  for (const field of queryFields) {
    const name = fieldName(field);
    if (names.has(name)) continue;
    names.add(name);
    readers.push([name, fieldGetter(field.path)]);
  }
  return (doc) => {
    const out: Record<string, FieldValue> = {};
    for (const [name, read] of readers) {
      const value = read(doc);
      // `__proto__` can be a field name in a query (backquoted): never let it set a prototype.
      if (value !== undefined && value !== null) Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
    }
    return out;
  };
}
