/** Where the benchmarks find the third-party corpora and peers (../shared beside the checkout). */
import { execFileSync } from 'node:child_process';
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

/** Every JSON member of the NXLog corpus zips (JSON-lines batches), zip by zip in a stable order. */
export function nxlogMembers(): { zip: string; member: string }[] {
  const zips = (readdirSync(NXLOG, { recursive: true, encoding: 'utf8' }) as string[]).filter((n) => n.endsWith('.zip')).sort();
  return zips.flatMap((name) => {
    const zip = join(NXLOG, name);
    return execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' })
      .split('\n')
      .filter((m) => m.endsWith('.json') && !m.startsWith('__MACOSX/'))
      .map((member) => ({ zip, member }));
  });
}

export function readNxlogMember({ zip, member }: { zip: string; member: string }): Buffer {
  return execFileSync('unzip', ['-p', zip, member], { maxBuffer: 1 << 30 });
}
