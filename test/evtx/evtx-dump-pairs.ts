/**
 * The SigmaHQ regression data pairs: each `.evtx` with the evtx_dump JSON written beside it
 * (pretty-printed objects one after another).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasShared, sharedPath } from '../support/shared-corpus.ts';

export function findFiles(dir: string, suffix: string): string[] {
  if (!hasShared) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(suffix))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

export function regressionEvtxFiles(): string[] {
  return findFiles(sharedPath('corpus/sigma/regression_data'), '.evtx');
}

/**
 * Parses evtx_dump's concatenated pretty-printed objects (each starts with `{` and ends with `}`
 * at column 0). Integers beyond 2^53 become their exact decimal string, the reader's one
 * normalisation (JSON.parse would round them).
 */
export function readEvtxDumpJson(path: string): unknown[] {
  const text = readFileSync(path, 'utf8').trim();
  if (text === '') return [];
  const reviver = (_key: string, value: unknown, context?: { source?: string }): unknown =>
    typeof value === 'number' && !Number.isSafeInteger(value) && context?.source !== undefined && /^-?\d+$/.test(context.source)
      ? context.source
      : value;
  return JSON.parse(`[${text.replace(/^}\s*^{/gm, '},{')}]`, reviver as (key: string, value: unknown) => unknown) as unknown[];
}
