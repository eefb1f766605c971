/** RuleMeta from a Sigma document's metadata fields. */
import { LEVELS, type Level, type RuleMeta } from '../rules/rule.ts';
import { SigmaCompileError } from './compile-error.ts';

export function readRuleMeta(body: Record<string, unknown>, source: string): RuleMeta {
  const id = body['id'];
  const title = body['title'];
  if (typeof title !== 'string' || title.trim() === '') throw new SigmaCompileError("missing 'title'", 'title');
  if (typeof id !== 'string' || id.trim() === '') throw new SigmaCompileError("missing 'id'", 'id');
  const level = body['level'] ?? 'medium';
  if (typeof level !== 'string' || !LEVELS.includes(level as Level)) {
    throw new SigmaCompileError(`level '${String(level)}' is not one of ${LEVELS.join(', ')}`, 'level');
  }
  const license = body['license'];
  const status = body['status'];
  return {
    id,
    title,
    level: level as Level,
    author: typeof body['author'] === 'string' ? body['author'] : '',
    description: typeof body['description'] === 'string' ? body['description'] : '',
    references: stringList(body['references'], 'references'),
    tags: stringList(body['tags'], 'tags'),
    triage: stringList(body['triage'], 'triage'),
    falsePositives: stringList(body['falsepositives'], 'falsepositives'),
    language: 'sigma',
    source,
    ...(typeof license === 'string' ? { license } : {}),
    ...(typeof status === 'string' ? { status } : {}),
  };
}

function stringList(value: unknown, name: string): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  throw new SigmaCompileError(`'${name}' must be a list of strings`, name);
}
