/** RuleMeta from a Sigma document's metadata fields. */
import { LEVELS, type Level, type RuleMeta, type SuppressSetting } from '../rules/rule.ts';
import { parseTimespan } from './timespan.ts';
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
  const suppress = readSuppress(body['suppress']);
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
    ...(suppress === undefined ? {} : { suppress }),
    ...(typeof status === 'string' ? { status } : {}),
  };
}

/**
 * The custom attribute `suppress` (winsift's, not Sigma's): `1h`, `{window: 1h, by: [Computer, User]}`,
 * or `false` to opt out of a global default.
 */
function readSuppress(value: unknown): SuppressSetting | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === false || value === 'never') return 'never';
  if (typeof value === 'string') return { windowMs: window(value, 'suppress') };
  if (typeof value === 'object' && !Array.isArray(value)) {
    const { window: span, by } = value as Record<string, unknown>;
    const fields = by === undefined ? undefined : typeof by === 'string' ? [by] : by;
    if (fields !== undefined && !(Array.isArray(fields) && fields.length > 0 && fields.every((f) => typeof f === 'string' && f !== ''))) {
      throw new SigmaCompileError("'suppress: by' must be a field name or a list of them", 'suppress');
    }
    return { windowMs: window(span, 'suppress: window'), ...(fields ? { by: fields as string[] } : {}) };
  }
  throw new SigmaCompileError("'suppress' must be a timespan (1h), {window, by} or false", 'suppress');
}

/** A window of at least a second: `0s` would suppress nothing and only cost state (and a precompiled pack refuses it). */
function window(value: unknown, item: string): number {
  const ms = parseTimespan(value, item);
  if (ms <= 0) throw new SigmaCompileError(`'${item}' must be longer than 0 (or false to opt out)`, 'suppress');
  return ms;
}

function stringList(value: unknown, name: string): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  throw new SigmaCompileError(`'${name}' must be a list of strings`, name);
}
