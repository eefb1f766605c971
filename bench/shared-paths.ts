/** Where the benchmarks find the third-party corpora and peers (../shared beside the checkout). */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SHARED = join(ROOT, '../shared');
export const PEERS = join(SHARED, 'peers/bin');
export const SIGMA_RULES = join(SHARED, 'corpus/sigma/rules/windows');
export const NXLOG = join(SHARED, 'corpus/nxlog/datasets');
export const EVTX = join(SHARED, 'corpus/evtx');

/** The corpus .evtx files above 300 KB (the peers README's set), in a stable order. */
export function bigEvtxFiles(): string[] {
  return (readdirSync(EVTX, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((n) => n.toLowerCase().endsWith('.evtx'))
    .map((n) => join(EVTX, n))
    .filter((p) => statSync(p).size > 300 * 1024)
    .sort();
}
