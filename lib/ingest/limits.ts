/**
 * The work budget of one object: caps that keep a hostile or broken object from exhausting the
 * Lambda (memory, CPU, stack). This file is their one home: defaults, names, the environment
 * variable and CLI flag of each (`LIMIT_SPECS`), and validation. Each can be changed through
 * `IngestOptions.limits`; the defaults are sized for real shipper output.
 */
import type { IngestLimits, IngestOptions } from './ingest-item.ts';

export const DEFAULT_LIMITS: IngestLimits = {
  // Windows caps one event near 64 KiB; pretty-printed JSON and CloudWatch batches (up to ~1 MiB
  // of log events) are larger. 16 MiB leaves room while keeping one record's memory bounded.
  maxRecordBytes: 16 * 1024 * 1024,
  // Well above the 2 GB objects the benchmark scans; stops a bomb before it fills a day of CPU.
  // Counted over every compression layer's output (zero padding between members included).
  maxDecompressedBytes: 64 * 1024 * 1024 * 1024,
  // Event logs gzip at 10-40x; repetitive batches reach ~100x. A deflate bomb runs at ~1000x.
  maxCompressionRatio: 250,
  // Real events nest ~10 deep (UserData trees, ECS documents); parsers and walkers that recurse
  // overflow the stack near a few thousand levels.
  maxNestingDepth: 64,
  // EVTX templates are stored once and filled per record, so a few KiB can describe gigabytes of
  // text. A real record renders to at most a few hundred KiB of characters.
  maxRecordExpansion: 4 * 1024 * 1024,
  // Characters rendered from EVTX templates over the object's bytes: real files render at 3-10x.
  maxExpansionRatio: 250,
};

/** The ratio caps are only judged once this much has come out: tiny, very repetitive objects
 *  legitimately exceed any ratio, and cost nothing. */
export const RATIO_CHECK_AFTER_BYTES = 8 * 1024 * 1024;

export interface LimitSpec {
  readonly name: keyof IngestLimits;
  /** Lambda environment variable. */
  readonly env: string;
  /** CLI flag (without `--`). */
  readonly flag: string;
  readonly meaning: string;
}

export const LIMIT_SPECS: readonly LimitSpec[] = [
  { name: 'maxRecordBytes', env: 'MAX_RECORD_BYTES', flag: 'max-record-bytes', meaning: 'longest record (line, JSON value, XML element), bytes' },
  { name: 'maxDecompressedBytes', env: 'MAX_DECOMPRESSED_BYTES', flag: 'max-decompressed-bytes', meaning: 'decompressed bytes of one object, every layer counted' },
  { name: 'maxCompressionRatio', env: 'MAX_COMPRESSION_RATIO', flag: 'max-compression-ratio', meaning: 'decompressed:compressed ratio before an object is a bomb' },
  { name: 'maxNestingDepth', env: 'MAX_NESTING_DEPTH', flag: 'max-nesting-depth', meaning: 'deepest JSON/XML nesting of one record' },
  { name: 'maxRecordExpansion', env: 'MAX_RECORD_EXPANSION', flag: 'max-record-expansion', meaning: 'characters one EVTX record may render to' },
  { name: 'maxExpansionRatio', env: 'MAX_EXPANSION_RATIO', flag: 'max-expansion-ratio', meaning: 'EVTX characters rendered per object byte' },
];

export function resolveLimits(options: Pick<IngestOptions, 'limits'>): IngestLimits {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  for (const [name, value] of Object.entries(limits)) {
    if (!(typeof value === 'number' && value > 0)) {
      throw new RangeError(`ingest limit ${name} must be a positive number, got ${String(value)}`);
    }
  }
  return limits;
}

/** The limits set in an environment (the scan function's `MAX_RECORD_BYTES`, ...); a bad value
 *  throws with its variable's name. */
export function limitsFromEnv(env: Readonly<Record<string, string | undefined>>): Partial<IngestLimits> {
  const out: Partial<Record<keyof IngestLimits, number>> = {};
  for (const spec of LIMIT_SPECS) {
    const text = env[spec.env];
    if (text === undefined || text === '') continue;
    out[spec.name] = parseLimit(text, spec.env);
  }
  return out;
}

/** A limit set to something that is not a positive number (names the variable or flag). */
export class LimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LimitError';
  }
}

/** `value` of a limit named `what` (an env variable or `--flag`): a positive number. */
export function parseLimit(text: string, what: string): number {
  const value = Number(text);
  if (!(Number.isFinite(value) && value > 0)) throw new LimitError(`${what} must be a positive number, not '${text}'`);
  return value;
}
