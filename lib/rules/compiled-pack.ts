/**
 * The precompiled rule pack: a JSON file `winsift rules pack` writes and the function loads with
 * no YAML or TOML at cold start. It holds the rules as parsed and pipelined (PackContent), the
 * configuration they were built with, a SHA-256 of the content and the pack-format version.
 *
 * ```json
 * { "format": "winsift-rule-pack", "formatVersion": 1, "winsift": "0.1.0", "name": "corp",
 *   "hash": "sha256:<hex of JSON.stringify(content)>", "createdAt": "...", "config": {...},
 *   "content": { "metas": [RuleMeta], "sigma": [{ "meta": <index into metas>, "name"?, "route", "expr" }],
 *                "correlations": [{ "body", "source" }], "eql": [{ "meta", "query" }],
 *                "errors": [RuleError], "replaced": [RuleReplaced],
 *                "suppress"?: { "default"?: { "windowMs", "by"? }, "byRule": { "<rule id>": { "windowMs", "by"? } | "never" } } } }
 * ```
 *
 * Format versions: a writer writes the lowest version whose readers read the pack as meant.
 * Version 2 adds `content.suppress` (the configuration's suppression, pack-suppression.ts). A
 * version-1 reader ignores keys it does not know, so it would load such a pack and run it
 * without that suppression: a rule the pack switched off (`window: off`) would still be
 * suppressed by its own attribute, and alerts would be counted into "N more" that the pack said
 * to publish. That is a misreading, so a pack with `suppress` is version 2, which a version-1
 * reader refuses (and keeps its last good pack); a pack without it is still version 1,
 * byte-identical to before, so older functions keep reading packs that do not need the change.
 *
 * Reading checks everything before anything is used: the format and its version (a pack made
 * for a newer format is refused, naming both versions), the hash, and every rule's shape, so
 * a truncated, tampered or hand-edited pack is refused as a whole with every broken rule listed,
 * never half-loaded. Metadata several rules share (a pipeline's variants) is written once and
 * shared again when read.
 */
import { createHash } from 'node:crypto';
import packageJson from '../../package.json' with { type: 'json' };
import type { Expr, ValueTest } from '../sigma/ast.ts';
import { parseCidr } from '../matching/cidr.ts';
import type { LogsourceRoute } from '../sigma/logsource.ts';
import type { PatternPart } from '../sigma/pattern.ts';
import type { PackContent, PackSigmaRule } from './pack-content.ts';
import type { PackSuppression } from './pack-suppression.ts';
import { LEVELS, type RuleError, type RuleMeta, type RuleReplaced, type SuppressSetting, type SuppressWindow } from './rule.ts';

export const PACK_FORMAT = 'winsift-rule-pack';
/** Bumped when a reader of the previous version could misread a pack; readers refuse newer ones. */
export const PACK_FORMAT_VERSION = 2;
/** The version that added `content.suppress`; packs without it are written as version 1. */
const SUPPRESS_FORMAT_VERSION = 2;

export interface CompiledPackHeader {
  readonly format: typeof PACK_FORMAT;
  readonly formatVersion: number;
  /** The winsift version that wrote it. */
  readonly winsift: string;
  readonly name: string;
  readonly hash: string;
  /** When `rules pack` wrote it; null in packs built into a function, so a rebuild is byte-identical. */
  readonly createdAt: string | null;
  /** The pack configuration it was built from (pack-config.ts), for the record. */
  readonly config: unknown;
}

export interface CompiledPack {
  readonly header: CompiledPackHeader;
  /** `name@` and the first 12 hex digits of the hash: what alerts and logs name. */
  readonly version: string;
  readonly content: PackContent;
}

/** A pack that cannot be used, with every reason (each broken rule once). */
export class RulePackError extends Error {
  readonly source: string;
  readonly problems: readonly string[];
  constructor(source: string, problems: readonly string[]) {
    const shown = problems.slice(0, 20).join('; ');
    super(`${source}: rule pack refused: ${shown}${problems.length > 20 ? `; and ${problems.length - 20} more` : ''}`);
    this.name = 'RulePackError';
    this.source = source;
    this.problems = problems;
  }
}

export function packVersion(name: string, hash: string): string {
  return `${name}@${hash.replace(/^sha256:/, '').slice(0, 12)}`;
}

export function writeCompiledPack(content: PackContent, options: { name: string; config: unknown; now?: Date | null }): string {
  const metas: RuleMeta[] = [];
  const index = new Map<RuleMeta, number>();
  const sigma = content.sigma.map((rule) => {
    let at = index.get(rule.meta);
    if (at === undefined) {
      at = metas.push(withoutPack(rule.meta)) - 1;
      index.set(rule.meta, at);
    }
    return { meta: at, ...(rule.name === undefined ? {} : { name: rule.name }), route: rule.route, expr: encodeExpr(rule.expr) };
  });
  const body = {
    metas,
    sigma,
    correlations: content.correlations,
    eql: content.eql.map((r) => ({ meta: withoutPack(r.meta), query: r.query })),
    errors: content.errors,
    replaced: content.replaced,
    ...(content.suppress ? { suppress: content.suppress } : {}),
  };
  const contentText = JSON.stringify(body);
  const header: CompiledPackHeader = {
    format: PACK_FORMAT,
    formatVersion: content.suppress ? SUPPRESS_FORMAT_VERSION : 1,
    winsift: packageJson.version,
    name: options.name,
    hash: `sha256:${sha256(contentText)}`,
    createdAt: options.now === null ? null : (options.now ?? new Date()).toISOString(),
    config: options.config,
  };
  // The header first, so a reader (or a person) sees the version before megabytes of rules.
  return `${JSON.stringify(header).slice(0, -1)},"content":${contentText}}\n`;
}

/** Reads and checks a pack; throws RulePackError naming `source` and every problem. */
export function readCompiledPack(text: string, source: string): CompiledPack {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new RulePackError(source, [`not JSON: ${(error as Error).message}`]);
  }
  if (!isObject(document)) throw new RulePackError(source, ['not a JSON object']);
  if (document['format'] !== PACK_FORMAT) throw new RulePackError(source, [`'format' is ${JSON.stringify(document['format'])}, not "${PACK_FORMAT}"`]);
  const formatVersion = document['formatVersion'];
  if (typeof formatVersion !== 'number' || !Number.isInteger(formatVersion) || formatVersion < 1) {
    throw new RulePackError(source, [`'formatVersion' ${JSON.stringify(formatVersion)} is not a pack-format version`]);
  }
  if (formatVersion > PACK_FORMAT_VERSION) {
    throw new RulePackError(source, [
      `pack format version ${formatVersion} (written by winsift ${String(document['winsift'])}) is newer than ${PACK_FORMAT_VERSION}, the newest this winsift (${packageJson.version}) reads: update winsift or rebuild the pack with this version`,
    ]);
  }
  const problems: string[] = [];
  const name = document['name'];
  const hash = document['hash'];
  if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) problems.push(`'name' ${JSON.stringify(name)} is not a pack name`);
  if (typeof hash !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(hash)) problems.push(`'hash' ${JSON.stringify(hash)} is not sha256:<64 hex digits>`);
  const content = document['content'];
  if (!isObject(content)) problems.push("'content' is missing");
  if (problems.length > 0) throw new RulePackError(source, problems);
  // Hashed as the bytes read: the text of the top-level `content` value, the document's last key.
  const span = contentSpan(text);
  const actual = span ? `sha256:${sha256(text.slice(span.start, span.end))}` : 'unknown (content is not the last key)';
  if (actual !== hash) throw new RulePackError(source, [`content hash is ${actual}, the header says ${String(hash)}: the pack was changed or truncated after it was written`]);
  const version = packVersion(name as string, hash as string);
  const read = readContent(content as Record<string, unknown>, version, formatVersion, problems);
  if (problems.length > 0) throw new RulePackError(source, problems);
  const header: CompiledPackHeader = {
    format: PACK_FORMAT,
    formatVersion,
    winsift: String(document['winsift']),
    name: name as string,
    hash: hash as string,
    createdAt: typeof document['createdAt'] === 'string' ? document['createdAt'] : null,
    config: document['config'],
  };
  return { header, version, content: read };
}

/**
 * Where the top-level `"content":` value starts and ends. Only the header before it is scanned
 * (strings and nesting tracked, so a `"content"` key inside the config does not count); the
 * value runs to the document's closing brace.
 */
function contentSpan(text: string): { start: number; end: number } | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      if (depth === 1 && text.startsWith('"content":', i)) {
        const end = text.lastIndexOf('}');
        return end > i ? { start: i + '"content":'.length, end } : undefined;
      }
      inString = true;
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return undefined;
}

function readContent(content: Record<string, unknown>, version: string, formatVersion: number, problems: string[]): PackContent {
  const list = (key: string): unknown[] => {
    const value = content[key];
    if (Array.isArray(value)) return value;
    problems.push(`content.${key} is not a list`);
    return [];
  };
  const metas = list('metas').map((m, i) => readMeta(m, `content.metas[${i}]`, version, problems));
  const sigma: PackSigmaRule[] = [];
  for (const [i, raw] of list('sigma').entries()) {
    const where = `content.sigma[${i}]`;
    if (!isObject(raw)) {
      problems.push(`${where}: not an object`);
      continue;
    }
    const meta = typeof raw['meta'] === 'number' ? metas[raw['meta']] : undefined;
    if (!meta) {
      problems.push(`${where}: 'meta' is not the index of a rule's metadata`);
      continue;
    }
    const before = problems.length;
    const route = readRoute(raw['route'], `${where} (rule ${meta.id}): route`, problems);
    const expr = readExpr(raw['expr'], `${where} (rule ${meta.id}): expr`, problems, 0);
    if (problems.length > before || !route || !expr) continue;
    sigma.push({ meta, route, expr, ...(typeof raw['name'] === 'string' ? { name: raw['name'] } : {}) });
  }
  const correlations = list('correlations').flatMap((c, i) => {
    if (isObject(c) && isObject(c['body']) && typeof c['source'] === 'string') return [{ body: c['body'], source: c['source'] }];
    problems.push(`content.correlations[${i}]: not { body, source }`);
    return [];
  });
  const eql = list('eql').flatMap((r, i) => {
    const where = `content.eql[${i}]`;
    if (!isObject(r) || typeof r['query'] !== 'string') {
      problems.push(`${where}: not { meta, query }`);
      return [];
    }
    const meta = readMeta(r['meta'], `${where}: meta`, version, problems);
    return meta ? [{ meta, query: r['query'] }] : [];
  });
  const errors = list('errors').filter((e): e is RuleError => isObject(e) && typeof e['file'] === 'string' && typeof e['reason'] === 'string');
  const replaced = list('replaced').filter((r): r is RuleReplaced => isObject(r) && typeof r['id'] === 'string');
  let suppress: PackSuppression | undefined;
  if (content['suppress'] !== undefined) {
    if (formatVersion < SUPPRESS_FORMAT_VERSION) problems.push(`content.suppress is in a pack of format version ${formatVersion}; it needs version ${SUPPRESS_FORMAT_VERSION}`);
    else suppress = readSuppression(content['suppress'], 'content.suppress', problems);
  }
  return { sigma, correlations, eql, errors, replaced, ...(suppress ? { suppress } : {}) };
}

function readSuppression(raw: unknown, where: string, problems: string[]): PackSuppression | undefined {
  if (!isObject(raw) || !isObject(raw['byRule'])) {
    problems.push(`${where}: not { default?, byRule }`);
    return undefined;
  }
  const before = problems.length;
  const fallback = raw['default'] === undefined ? undefined : readSuppressSetting(raw['default'], `${where}.default`, problems, false);
  const byRule: Record<string, SuppressSetting> = {};
  for (const [id, setting] of Object.entries(raw['byRule'])) {
    const read = readSuppressSetting(setting, `${where}.byRule[${JSON.stringify(id)}]`, problems, true);
    if (read !== undefined) byRule[id] = read;
  }
  if (problems.length > before) return undefined;
  return { ...(fallback && fallback !== 'never' ? { default: fallback } : {}), byRule };
}

/** `never` (when allowed) or `{ windowMs: positive whole number, by?: [field, ...] }`. */
function readSuppressSetting(raw: unknown, where: string, problems: string[], neverAllowed: boolean): SuppressSetting | undefined {
  if (raw === 'never' && neverAllowed) return raw;
  if (
    isObject(raw) &&
    Number.isSafeInteger(raw['windowMs']) &&
    (raw['windowMs'] as number) > 0 &&
    (raw['by'] === undefined || (isStringList(raw['by']) && raw['by'].length > 0 && raw['by'].every((f) => f !== ''))) &&
    Object.keys(raw).every((k) => k === 'windowMs' || k === 'by')
  ) {
    return raw as unknown as SuppressWindow;
  }
  problems.push(`${where}: not ${neverAllowed ? '"never" or ' : ''}{ windowMs: a positive whole number, by?: [field, ...] }`);
  return undefined;
}

function readMeta(raw: unknown, where: string, version: string, problems: string[]): RuleMeta | undefined {
  if (!isObject(raw)) {
    problems.push(`${where}: not an object`);
    return undefined;
  }
  const id = typeof raw['id'] === 'string' && raw['id'] !== '' ? raw['id'] : undefined;
  const at = id ? `${where} (rule ${id})` : where;
  const bad: string[] = [];
  if (!id) bad.push("'id' is not a non-empty string");
  for (const key of ['title', 'author', 'description', 'source'] as const) if (typeof raw[key] !== 'string') bad.push(`'${key}' is not a string`);
  for (const key of ['references', 'tags', 'triage', 'falsePositives'] as const) {
    if (!Array.isArray(raw[key]) || !(raw[key] as unknown[]).every((v) => typeof v === 'string')) bad.push(`'${key}' is not a list of strings`);
  }
  if (!LEVELS.includes(raw['level'] as never)) bad.push(`'level' ${JSON.stringify(raw['level'])} is not one of ${LEVELS.join(', ')}`);
  if (raw['language'] !== 'sigma' && raw['language'] !== 'eql') bad.push(`'language' ${JSON.stringify(raw['language'])} is not sigma or eql`);
  for (const key of ['license', 'status'] as const) if (raw[key] !== undefined && typeof raw[key] !== 'string') bad.push(`'${key}' is not a string`);
  if (raw['suppress'] !== undefined) readSuppressSetting(raw['suppress'], "'suppress'", bad, true);
  if (bad.length > 0) {
    problems.push(`${at}: ${bad.join(', ')}`);
    return undefined;
  }
  return { ...(raw as unknown as RuleMeta), pack: version };
}

function readRoute(raw: unknown, where: string, problems: string[]): LogsourceRoute | undefined {
  if (
    isObject(raw) &&
    (raw['channels'] === null || isStringList(raw['channels'])) &&
    (raw['eventIds'] === null || (Array.isArray(raw['eventIds']) && raw['eventIds'].every((n) => Number.isInteger(n)))) &&
    typeof raw['foreign'] === 'boolean'
  ) {
    return raw as unknown as LogsourceRoute;
  }
  problems.push(`${where}: not { channels: [..] | null, eventIds: [..] | null, foreign: boolean }`);
  return undefined;
}

/** Deeper than any rule nests: a hostile pack cannot exhaust the stack. */
const MAX_DEPTH = 256;
const TIME_PARTS = new Set(['minute', 'hour', 'day', 'week', 'month', 'year']);
const COMPARE_OPS = new Set(['lt', 'lte', 'gt', 'gte']);
const POSITIONS = new Set(['equals', 'contains', 'startswith', 'endswith']);

/** Checks an expression node by node; a CIDR written as text is parsed back (the node is rebuilt). */
function readExpr(raw: unknown, where: string, problems: string[], depth: number): Expr | undefined {
  const fail = (reason: string): undefined => void problems.push(`${where}: ${reason}`);
  if (depth > MAX_DEPTH) return fail(`nested deeper than ${MAX_DEPTH}`);
  if (!isObject(raw)) return fail('not an expression object');
  switch (raw['kind']) {
    case 'const':
      return typeof raw['value'] === 'boolean' ? (raw as unknown as Expr) : fail("const 'value' is not a boolean");
    case 'not': {
      const item = readExpr(raw['item'], `${where}.item`, problems, depth + 1);
      return item && (item === raw['item'] ? (raw as unknown as Expr) : { kind: 'not', item });
    }
    case 'and':
    case 'or': {
      if (!Array.isArray(raw['items'])) return fail(`${raw['kind']} 'items' is not a list`);
      const items = raw['items'].map((item, i) => readExpr(item, `${where}.items[${i}]`, problems, depth + 1));
      if (items.some((i) => i === undefined)) return undefined;
      return items.every((item, i) => item === (raw['items'] as unknown[])[i]) ? (raw as unknown as Expr) : { kind: raw['kind'], items: items as Expr[] };
    }
    case 'test': {
      if (raw['field'] !== null && typeof raw['field'] !== 'string') return fail("'field' is not a string or null");
      if (raw['timePart'] !== undefined && !TIME_PARTS.has(raw['timePart'] as string)) return fail(`'timePart' ${JSON.stringify(raw['timePart'])} is unknown`);
      if (typeof raw['all'] !== 'boolean' || typeof raw['negate'] !== 'boolean' || typeof raw['label'] !== 'string') return fail("'all', 'negate' or 'label' is missing");
      if (!Array.isArray(raw['values'])) return fail("'values' is not a list");
      let rebuilt = false;
      const values: ValueTest[] = [];
      for (const [i, v] of raw['values'].entries()) {
        const value = readValueTest(v, `${where}.values[${i}]`, problems);
        if (value === undefined) return undefined;
        if (value !== v) rebuilt = true;
        values.push(value);
      }
      return rebuilt ? ({ ...(raw as unknown as Expr & { kind: 'test' }), values } as Expr) : (raw as unknown as Expr);
    }
    default:
      return fail(`unknown expression kind ${JSON.stringify(raw['kind'])}`);
  }
}

function readValueTest(raw: unknown, where: string, problems: string[]): ValueTest | undefined {
  const fail = (reason: string): undefined => void problems.push(`${where}: ${reason}`);
  if (!isObject(raw)) return fail('not a value test');
  const ok = raw as unknown as ValueTest;
  switch (raw['kind']) {
    case 'pattern': {
      const pattern = decodePattern(raw['pattern']);
      return typeof raw['cased'] === 'boolean' && pattern ? { kind: 'pattern', cased: raw['cased'], pattern } : fail('not a valid pattern');
    }
    case 'regex':
      return typeof raw['source'] === 'string' && typeof raw['flags'] === 'string' && /^[imsu]*$/.test(raw['flags']) ? ok : fail('not a valid regex { source, flags }');
    case 'number':
    case 'boolean':
    case 'exists':
      return typeof raw['value'] === (raw['kind'] === 'number' ? 'number' : 'boolean') ? ok : fail(`${raw['kind']} 'value' has the wrong type`);
    case 'null':
      return ok;
    case 'compare':
      return COMPARE_OPS.has(raw['op'] as string) && typeof raw['value'] === 'number' ? ok : fail('not a valid comparison');
    case 'cidr': {
      if (typeof raw['cidr'] !== 'string') return fail("cidr is not written as its text");
      const cidr = parseCidr(raw['cidr']);
      return typeof cidr === 'string' ? fail(cidr) : { kind: 'cidr', cidr };
    }
    case 'fieldref':
      return typeof raw['field'] === 'string' && POSITIONS.has(raw['position'] as string) && typeof raw['cased'] === 'boolean' ? ok : fail('not a valid fieldref');
    default:
      return fail(`unknown value kind ${JSON.stringify(raw['kind'])}`);
  }
}

/**
 * Written compactly: patterns are most of a pack, and JSON.parse time is the cold start. A part
 * is a string (text), 0 (`*`), 1 (`?`) or `{ "oneOf": chars }`; a CIDR is its text (its bigint
 * has no JSON form) and is parsed again on read.
 */
function encodeExpr(expr: Expr): unknown {
  switch (expr.kind) {
    case 'and':
    case 'or':
      return { kind: expr.kind, items: expr.items.map(encodeExpr) };
    case 'not':
      return { kind: 'not', item: encodeExpr(expr.item) };
    case 'const':
      return expr;
    case 'test':
      return { ...expr, values: expr.values.map(encodeValue) };
    default:
      return expr; // not an expression: written as it is, for the reader to refuse
  }
}

function encodeValue(value: ValueTest): unknown {
  if (value.kind === 'cidr') return { kind: 'cidr', cidr: value.cidr.text };
  if (value.kind !== 'pattern') return value;
  return { kind: 'pattern', cased: value.cased, pattern: value.pattern.map(encodePart) };
}

function encodePart(part: PatternPart): unknown {
  switch (part.kind) {
    case 'text':
      return part.text;
    case 'anyRun':
      return 0;
    case 'anyOne':
      return 1;
    case 'oneOf':
      return { oneOf: part.chars };
  }
}

const ANY_RUN: PatternPart = Object.freeze({ kind: 'anyRun' });
const ANY_ONE: PatternPart = Object.freeze({ kind: 'anyOne' });

function decodePattern(raw: unknown): PatternPart[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const parts: PatternPart[] = [];
  for (const part of raw) {
    if (typeof part === 'string') parts.push({ kind: 'text', text: part });
    else if (part === 0) parts.push(ANY_RUN);
    else if (part === 1) parts.push(ANY_ONE);
    else if (isObject(part) && typeof part['oneOf'] === 'string') parts.push({ kind: 'oneOf', chars: part['oneOf'] });
    else return undefined;
  }
  return parts;
}

function withoutPack(meta: RuleMeta): RuleMeta {
  if (meta.pack === undefined) return meta;
  const { pack: _pack, ...rest } = meta;
  return rest;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
