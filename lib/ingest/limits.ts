/**
 * Caps that keep one hostile or broken object from exhausting the Lambda. Each can be changed
 * through `IngestOptions.limits`; the defaults are sized for real shipper output.
 */
import type { IngestLimits, IngestOptions } from './ingest-item.ts';

export const DEFAULT_LIMITS: IngestLimits = {
  // Windows caps one event near 64 KiB; pretty-printed JSON and CloudWatch batches (up to ~1 MiB
  // of log events) are larger. 16 MiB leaves room while keeping one record's memory bounded.
  maxRecordBytes: 16 * 1024 * 1024,
  // Well above the 2 GB objects the benchmark scans; stops a bomb before it fills a day of CPU.
  maxDecompressedBytes: 64 * 1024 * 1024 * 1024,
  // Event logs gzip at 10-40x; repetitive batches reach ~100x. A deflate bomb runs at ~1000x.
  maxCompressionRatio: 250,
};

/** The ratio cap is only judged once this much has been decompressed: tiny, very repetitive
 *  objects legitimately exceed any ratio, and cost nothing. */
export const RATIO_CHECK_AFTER_BYTES = 8 * 1024 * 1024;

export function resolveLimits(options: IngestOptions): IngestLimits {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  for (const [name, value] of Object.entries(limits)) {
    if (!(typeof value === 'number' && value > 0)) {
      throw new RangeError(`ingest limit ${name} must be a positive number, got ${String(value)}`);
    }
  }
  return limits;
}
