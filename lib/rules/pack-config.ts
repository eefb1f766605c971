/**
 * The rule-pack configuration: one YAML file the CLI (`--config FILE`), `winsift rules pack` and
 * the CDK app (`-c rulePack=FILE`) read, so a deployment runs exactly what was tried locally.
 *
 * ```yaml
 * winsift-rule-pack: 1            # schema version (required; this winsift reads 1)
 * name: corp                      # names the pack in alerts and logs (default: the file's name)
 * rules: [../sigma/rules/windows, ./ours]   # files or directories, relative to this file
 * bundled: true                   # include winsift's bundled rules (default true)
 * pipelines:
 *   builtin: true                 # winsift's built-in pipelines (default true)
 *   use: [windows-audit, ./corp-fields.yml]  # more, in order: built-in names or files
 * placeholders:                   # values for `|expand` %name% placeholders
 *   known_cdcs: [DC01, DC02]
 * select:
 *   min-level: medium             # informational | low | medium | high | critical
 *   status: [stable, test]        # Sigma statuses kept (rules without a status are kept)
 *   include: { ids: [], tags: [], paths: [] }   # when any is given, only rules matching one
 *   exclude: { ids: [], tags: [], paths: [] }   # never these
 *   noisy: [<rule id>, ...]       # left out unless include-noisy is true
 *   include-noisy: false
 * levels:                         # level overrides, applied before min-level
 *   <rule id>: high
 * suppress:                       # suppression across objects (lib/state; with a state store only)
 *   default: 1h                   # for rules with no setting of their own; or { window: 1h, by: [Computer] }
 *   rules:                        # in order; the last entry matching a rule wins, over its own attribute
 *     - match: { ids: [], tags: [], levels: [], paths: [] }   # any one of them, as in select.include
 *       window: 30m               # same syntax as the rule attribute and --suppress; off: never suppressed
 *       by: [Computer, TargetUserName]   # the key (default: the host)
 * ```
 *
 * Tags and paths are globs (path-glob.ts); paths are matched against the rule file's path
 * relative to this file (`bundled:<file>` for the bundled rules). Every key is checked: an
 * unknown key, a wrong type or a missing file is a PackConfigError naming the file, the key
 * and the reason. Each top-level section has its own reader in SECTIONS, so a new section is
 * one entry there.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseTimespan } from '../sigma/timespan.ts';
import { LEVELS, type Level, type SuppressSetting, type SuppressWindow } from './rule.ts';

export const PACK_CONFIG_VERSION = 1;
const VERSION_KEY = 'winsift-rule-pack';

export interface RuleCriteria {
  readonly ids: readonly string[];
  readonly tags: readonly string[];
  readonly paths: readonly string[];
}

/** The rules a `suppress.rules` entry applies to: those matching any id, tag glob, level or path glob given. */
export interface SuppressCriteria extends RuleCriteria {
  readonly levels: readonly Level[];
}

export interface SuppressEntry {
  readonly match: SuppressCriteria;
  /** A window and key, or `never` (`window: off`). */
  readonly setting: SuppressSetting;
}

/** The `suppress:` section: resolved per rule by pack-suppression.ts when the pack is built. */
export interface SuppressConfig {
  readonly default?: SuppressWindow;
  readonly rules: readonly SuppressEntry[];
}

export interface RuleSelection {
  readonly minLevel?: Level;
  readonly status?: readonly string[];
  readonly include: RuleCriteria;
  readonly exclude: RuleCriteria;
  readonly noisy: readonly string[];
  readonly includeNoisy: boolean;
}

export interface PackConfig {
  /** The file it was read from (absolute), or the directory a bare rule directory stands for. */
  readonly file: string;
  /** Directory that relative paths (rules, pipeline files, path globs) are taken from. */
  readonly baseDir: string;
  readonly name: string;
  /** Absolute paths of rule files and directories, in load order (later copies of an id win). */
  readonly rules: readonly string[];
  readonly bundled: boolean;
  readonly pipelines: { readonly builtin: boolean; readonly use: readonly string[] };
  readonly placeholders: Readonly<Record<string, readonly string[]>>;
  readonly select: RuleSelection;
  readonly levels: Readonly<Record<string, Level>>;
  readonly suppress: SuppressConfig;
}

export class PackConfigError extends Error {
  readonly file: string;
  readonly key: string;
  readonly reason: string;
  constructor(file: string, key: string, reason: string) {
    super(`${file}: ${key}: ${reason}`);
    this.name = 'PackConfigError';
    this.file = file;
    this.key = key;
    this.reason = reason;
  }
}

const MAX_WINDOW_MS = 365 * 86_400_000;

const NO_CRITERIA: RuleCriteria = { ids: [], tags: [], paths: [] };

/** The configuration a bare list of rule directories means: those rules plus the bundled ones, built-in pipelines. */
export function defaultPackConfig(rules: readonly string[], baseDir: string, name = 'local'): PackConfig {
  return {
    file: baseDir,
    baseDir,
    name,
    rules: rules.map((r) => resolve(baseDir, r)),
    bundled: true,
    pipelines: { builtin: true, use: [] },
    placeholders: {},
    select: { include: NO_CRITERIA, exclude: NO_CRITERIA, noisy: [], includeNoisy: false },
    levels: {},
    suppress: { rules: [] },
  };
}

/** A config file, or a rule directory (which stands for `rules: [DIR]` with the defaults). */
export function readPackConfig(path: string): PackConfig {
  const absolute = resolve(path);
  const stat = statSync(absolute, { throwIfNoEntry: false });
  if (!stat) throw new PackConfigError(absolute, '-', 'no such file or directory');
  if (stat.isDirectory()) return defaultPackConfig([absolute], dirname(absolute), packName(basename(absolute)));
  return parsePackConfig(readFileSync(absolute, 'utf8'), absolute);
}

export function parsePackConfig(text: string, file: string): PackConfig {
  let document: unknown;
  try {
    document = parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new PackConfigError(file, '-', `not YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!isMap(document)) throw new PackConfigError(file, '-', `a pack configuration is a YAML map with '${VERSION_KEY}: ${PACK_CONFIG_VERSION}'`);
  const version = document[VERSION_KEY];
  if (version === undefined) throw new PackConfigError(file, VERSION_KEY, `missing: say which schema version this file is written for (${PACK_CONFIG_VERSION})`);
  if (version !== PACK_CONFIG_VERSION) {
    throw new PackConfigError(file, VERSION_KEY, `schema version ${JSON.stringify(version)} is not one this winsift reads (${PACK_CONFIG_VERSION})`);
  }
  const baseDir = dirname(file);
  const read = new Reader(file, baseDir);
  let config: Mutable<PackConfig> = { ...defaultPackConfig([], baseDir, packName(basename(file, extname(file)))), file };
  for (const [key, value] of Object.entries(document)) {
    if (key === VERSION_KEY) continue;
    const section = SECTIONS[key];
    if (!section) throw new PackConfigError(file, key, `unknown key (known: ${[VERSION_KEY, ...Object.keys(SECTIONS)].join(', ')})`);
    config = section(value, read, config);
  }
  return config;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Section = (value: unknown, read: Reader, config: Mutable<PackConfig>) => Mutable<PackConfig>;

/** Each top-level key and how it is read. */
const SECTIONS: Readonly<Record<string, Section>> = {
  name: (value, read, config) => ({ ...config, name: read.name('name', value) }),
  rules: (value, read, config) => ({ ...config, rules: read.stringList('rules', value).map((r, i) => read.existingPath(`rules[${i}]`, r)) }),
  bundled: (value, read, config) => ({ ...config, bundled: read.boolean('bundled', value) }),
  pipelines: (value, read, config) => {
    const map = read.map('pipelines', value, ['builtin', 'use']);
    return {
      ...config,
      pipelines: {
        builtin: map['builtin'] === undefined ? true : read.boolean('pipelines.builtin', map['builtin']),
        // A file is resolved now (so a typo fails here); a bare name is a built-in pipeline's.
        use: read.stringList('pipelines.use', map['use'] ?? []).map((ref, i) =>
          /[\\/]|\.ya?ml$/i.test(ref) ? read.existingPath(`pipelines.use[${i}]`, ref) : ref,
        ),
      },
    };
  },
  placeholders: (value, read, config) => {
    const map = read.map('placeholders', value);
    const placeholders: Record<string, readonly string[]> = {};
    for (const [name, values] of Object.entries(map)) {
      if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new PackConfigError(read.file, `placeholders.${name}`, 'a placeholder name is letters, digits, _ . -');
      placeholders[name] = typeof values === 'string' || typeof values === 'number' ? [String(values)] : read.stringList(`placeholders.${name}`, values, true);
    }
    return { ...config, placeholders };
  },
  select: (value, read, config) => {
    const map = read.map('select', value, ['min-level', 'status', 'include', 'exclude', 'noisy', 'include-noisy']);
    const minLevel = map['min-level'] === undefined ? undefined : read.level('select.min-level', map['min-level']);
    const status = map['status'] === undefined ? undefined : read.stringList('select.status', map['status']).map((s) => s.toLowerCase());
    return {
      ...config,
      select: {
        ...(minLevel === undefined ? {} : { minLevel }),
        ...(status === undefined ? {} : { status }),
        include: read.criteria('select.include', map['include']),
        exclude: read.criteria('select.exclude', map['exclude']),
        noisy: read.stringList('select.noisy', map['noisy'] ?? []),
        includeNoisy: map['include-noisy'] === undefined ? false : read.boolean('select.include-noisy', map['include-noisy']),
      },
    };
  },
  levels: (value, read, config) => {
    const map = read.map('levels', value);
    return { ...config, levels: Object.fromEntries(Object.entries(map).map(([id, level]) => [id, read.level(`levels.${id}`, level)])) };
  },
  suppress: (value, read, config) => {
    const map = read.map('suppress', value, ['default', 'rules']);
    const fallback = map['default'];
    if (fallback !== undefined && isOff(fallback)) {
      throw new PackConfigError(read.file, 'suppress.default', 'the default cannot be off: leave it out for no default (and switch rules off in suppress.rules)');
    }
    const entries = map['rules'] === undefined ? [] : read.list('suppress.rules', map['rules']);
    return {
      ...config,
      suppress: {
        ...(fallback === undefined ? {} : { default: read.suppressWindow('suppress.default', fallback) }),
        rules: entries.map((entry, i) => read.suppressEntry(`suppress.rules[${i}]`, entry)),
      },
    };
  },
};

/** `window: off` (or false, or never, as the rule attribute takes): the rule is never suppressed. */
function isOff(value: unknown): boolean {
  return value === false || value === 'off' || value === 'never';
}

class Reader {
  readonly file: string;
  readonly #baseDir: string;
  constructor(file: string, baseDir: string) {
    this.file = file;
    this.#baseDir = baseDir;
  }
  #fail(key: string, reason: string): never {
    throw new PackConfigError(this.file, key, reason);
  }
  map(key: string, value: unknown, known?: readonly string[]): Record<string, unknown> {
    if (!isMap(value)) this.#fail(key, `expected a map, got ${describe(value)}`);
    if (known) for (const k of Object.keys(value)) if (!known.includes(k)) this.#fail(`${key}.${k}`, `unknown key (known: ${known.join(', ')})`);
    return value;
  }
  boolean(key: string, value: unknown): boolean {
    if (typeof value !== 'boolean') this.#fail(key, `expected true or false, got ${describe(value)}`);
    return value;
  }
  name(key: string, value: unknown): string {
    if (typeof value !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(value)) {
      this.#fail(key, `expected a name of letters, digits, . _ - (at most 64), got ${describe(value)}`);
    }
    return value;
  }
  level(key: string, value: unknown): Level {
    if (typeof value !== 'string' || !LEVELS.includes(value as Level)) this.#fail(key, `expected one of ${LEVELS.join(', ')}, got ${describe(value)}`);
    return value as Level;
  }
  stringList(key: string, value: unknown, allowNumbers = false): string[] {
    if (!Array.isArray(value)) this.#fail(key, `expected a list, got ${describe(value)}`);
    return value.map((v, i) => {
      if (typeof v === 'string' && v !== '') return v;
      if (allowNumbers && typeof v === 'number') return String(v);
      return this.#fail(`${key}[${i}]`, `expected a non-empty string, got ${describe(v)}`);
    });
  }
  list(key: string, value: unknown): unknown[] {
    if (!Array.isArray(value)) this.#fail(key, `expected a list, got ${describe(value)}`);
    return value;
  }
  criteria(key: string, value: unknown, known: readonly string[] = ['ids', 'tags', 'paths']): RuleCriteria {
    if (value === undefined) return NO_CRITERIA;
    const map = this.map(key, value, known);
    return {
      ids: this.stringList(`${key}.ids`, map['ids'] ?? []),
      tags: this.stringList(`${key}.tags`, map['tags'] ?? []),
      paths: this.stringList(`${key}.paths`, map['paths'] ?? []),
    };
  }
  /** select's criteria plus levels; an entry must select something. */
  suppressCriteria(key: string, value: unknown): SuppressCriteria {
    if (value === undefined) this.#fail(key, 'missing: say which rules (ids, tags, levels or paths)');
    const criteria = this.criteria(key, value, ['ids', 'tags', 'levels', 'paths']);
    const levels = this.stringList(`${key}.levels`, (value as Record<string, unknown>)['levels'] ?? []).map((l, i) => this.level(`${key}.levels[${i}]`, l));
    if (criteria.ids.length + criteria.tags.length + criteria.paths.length + levels.length === 0) {
      this.#fail(key, 'selects no rule: give ids, tags, levels or paths');
    }
    return { ...criteria, levels };
  }
  /** A window as the rule attribute writes it (`1h`, `90m`, `2d`), positive. */
  timespan(key: string, value: unknown): number {
    let ms: number | undefined;
    try {
      ms = typeof value === 'string' ? parseTimespan(value, key) : undefined;
    } catch {
      ms = undefined;
    }
    if (ms === undefined || ms <= 0) this.#fail(key, `expected a window such as 30m, 1h or 2d (a whole number and s, m, h, d, w, M or y), got ${describe(value)}`);
    // State items live for a few windows (lib/state): a year is already more than any dedup period.
    if (ms > MAX_WINDOW_MS) this.#fail(key, `${describe(value)} is longer than a year, the longest window allowed`);
    return ms;
  }
  /** The key fields: one name or a list, each once. */
  keyFields(key: string, value: unknown): string[] {
    const fields = typeof value === 'string' ? [value] : this.stringList(key, value);
    if (fields.length === 0) this.#fail(key, 'expected at least one field name (leave it out for the host)');
    const twice = fields.find((f, i) => fields.indexOf(f) !== i);
    if (twice !== undefined) this.#fail(key, `${JSON.stringify(twice)} is listed twice`);
    return fields;
  }
  /** `1h`, or `{ window: 1h, by: [...] }`. */
  suppressWindow(key: string, value: unknown): SuppressWindow {
    if (!isMap(value)) return { windowMs: this.timespan(key, value) };
    const map = this.map(key, value, ['window', 'by']);
    if (map['window'] === undefined) this.#fail(`${key}.window`, 'missing: a window such as 30m or 1h');
    return { windowMs: this.timespan(`${key}.window`, map['window']), ...(map['by'] === undefined ? {} : { by: this.keyFields(`${key}.by`, map['by']) }) };
  }
  suppressEntry(key: string, value: unknown): SuppressEntry {
    const map = this.map(key, value, ['match', 'window', 'by']);
    const match = this.suppressCriteria(`${key}.match`, map['match']);
    const window = map['window'];
    if (window === undefined) this.#fail(`${key}.window`, 'missing: a window such as 30m or 1h, or off');
    if (isOff(window)) {
      if (map['by'] !== undefined) this.#fail(`${key}.by`, "a rule switched off has no key: leave 'by' out");
      return { match, setting: 'never' };
    }
    return { match, setting: this.suppressWindow(key, { window, ...(map['by'] === undefined ? {} : { by: map['by'] }) }) };
  }
  existingPath(key: string, path: string): string {
    const absolute = resolve(this.#baseDir, path);
    if (!existsSync(absolute)) this.#fail(key, `${absolute} does not exist (paths are relative to the configuration file)`);
    return absolute;
  }
}

/** A file or directory name as a pack name: unusable characters become `-`. */
export function packName(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64);
  return cleaned === '' ? 'pack' : cleaned;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return JSON.stringify(value);
}
