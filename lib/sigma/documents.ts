/**
 * A rule file's YAML documents, with Sigma's multi-document actions applied: `action: global`
 * is merged into every following document, `action: reset` drops it, `action: repeat` starts
 * from the previous document. Each resulting document is a rule, a filter or a correlation.
 */
import { parseAllDocuments } from 'yaml';
import { readBlockYaml } from './block-yaml.ts';

export interface SigmaDocument {
  readonly body: Record<string, unknown>;
  /** 1-based line where the document starts, for error messages. */
  readonly line: number;
}

export interface YamlProblem {
  readonly line: number;
  readonly reason: string;
}

export function readDocuments(text: string): { documents: SigmaDocument[]; problems: YamlProblem[] } {
  const documents: SigmaDocument[] = [];
  const problems: YamlProblem[] = [];
  let global: Record<string, unknown> | undefined;
  let previous: Record<string, unknown> | undefined;
  for (const doc of yamlDocuments(text)) {
    if ('problem' in doc) {
      problems.push(doc.problem);
      continue;
    }
    const { body, line } = doc;
    if (body === null || body === undefined) continue;
    if (typeof body !== 'object' || Array.isArray(body)) {
      problems.push({ line, reason: 'a Sigma document must be a YAML map' });
      continue;
    }
    const map = body as Record<string, unknown>;
    const action = map['action'];
    if (action === 'global') {
      global = withoutAction(map);
      continue;
    }
    if (action === 'reset') {
      global = undefined;
      continue;
    }
    let merged = withoutAction(map);
    if (action === 'repeat') {
      if (!previous) {
        problems.push({ line, reason: "'action: repeat' with no document before it" });
        continue;
      }
      merged = deepMerge(previous, merged);
    } else if (action !== undefined) {
      problems.push({ line, reason: `unknown action '${String(action)}'` });
      continue;
    }
    const full = global ? deepMerge(global, merged) : merged;
    previous = merged;
    documents.push({ body: full, line });
  }
  return { documents, problems };
}

type YamlDocument = { readonly body: unknown; readonly line: number } | { readonly problem: YamlProblem };

/** The plain block YAML of most rules is read by the fast reader; anything else by `yaml`, errors included. */
function yamlDocuments(text: string): YamlDocument[] {
  const fast = readBlockYaml(text);
  if (fast) return fast;
  return parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true }).map((doc): YamlDocument => {
    const line = lineOf(text, doc.range?.[0] ?? 0);
    if (doc.errors.length > 0) {
      // The first error is the cause; the rest are usually its echoes.
      const error = doc.errors[0]!;
      return { problem: { line: error.linePos?.[0]?.line ?? line, reason: `YAML: ${error.message.split('\n')[0]}` } };
    }
    return { body: doc.toJS({ maxAliasCount: 100 }), line };
  });
}

function withoutAction(map: Record<string, unknown>): Record<string, unknown> {
  const { action: _action, ...rest } = map;
  return rest;
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isMap(current) && isMap(value) ? deepMerge(current, value) : value;
  }
  return out;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
