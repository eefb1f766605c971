/**
 * `../shared` (beside the project root) holds third-party corpora: SigmaHQ rules and regression
 * data, real .evtx files, NXLog datasets. CI has it; a user's clone does not. Tests that need it
 * use `describeShared` so they skip with a visible message instead of silently passing.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

export const SHARED_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared');
export const hasShared = existsSync(join(SHARED_DIR, 'corpus'));

export function sharedPath(...parts: string[]): string {
  return join(SHARED_DIR, ...parts);
}

let warned = false;
export function describeShared(name: string, body: () => void): void {
  if (!hasShared && !warned) {
    warned = true;
    console.warn(`SKIPPED: ${SHARED_DIR} is absent, so tests over the shared corpora do not run.`);
  }
  describe.skipIf(!hasShared)(`${name} (../shared corpus)`, body);
}
