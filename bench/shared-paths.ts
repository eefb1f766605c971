/** Where the benchmarks find the third-party corpora and peers (../shared beside the checkout). */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SHARED = join(ROOT, '../shared');
export const PEERS = join(SHARED, 'peers/bin');
export const SIGMA_RULES = join(SHARED, 'corpus/sigma/rules/windows');
export const NXLOG = join(SHARED, 'corpus/nxlog/datasets');
export const EVTX = join(SHARED, 'corpus/evtx');
