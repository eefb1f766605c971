/**
 * How much scanning a file is, in bytes, for deciding whether threads pay (`--threads` default,
 * `--split-from`): its size, and ten times that for a gzip or zstd file, the low end of what logs
 * compress to (10-75:1, lib/ingest/README.md): a 20 MB `.ndjson.gz` is some 500 MB of records to
 * parse and match, which is what the threads share. Known by the magic bytes, as ingest knows it.
 */
import { codecByMagic } from '../../ingest/compression/decompress.ts';
import { readFileHead } from './file-head.ts';
import type { InputFile } from './inputs.ts';

export const COMPRESSED_WEIGHT = 10;

const known = new WeakMap<InputFile, number>();

export function workBytes(file: InputFile): number {
  if (file.path === '-' || file.size === undefined) return 0;
  return knownWorkBytes(file, file.size);
}

/**
 * Whether the files come to `threshold` work bytes or more, opening a file (for its magic bytes)
 * only when its answer can change the outcome: a directory of many small files costs no opens.
 */
export function workAtLeast(files: readonly InputFile[], threshold: number): boolean {
  let plain = 0;
  for (const file of files) if (file.path !== '-') plain += file.size ?? 0;
  if (plain >= threshold) return true;
  if (plain * COMPRESSED_WEIGHT < threshold) return false;
  let total = 0;
  for (const file of files) if ((total += workBytes(file)) >= threshold) return true;
  return false;
}

function knownWorkBytes(file: InputFile, size: number): number {
  let bytes = known.get(file);
  if (bytes === undefined) {
    bytes = isCompressed(file.path) ? size * COMPRESSED_WEIGHT : size;
    known.set(file, bytes);
  }
  return bytes;
}

function isCompressed(path: string): boolean {
  const head = readFileHead(path, 4);
  return head !== undefined && codecByMagic(head) !== undefined;
}
