/**
 * The native EVTX reader's figures, from bench/evtx.ts (owned by the EVTX work) when it exists.
 * It is asked to export a function returning its figures as an object; until its name is known
 * for sure, the first exported function whose name speaks of figures or a benchmark is called.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const EVTX_BENCH = fileURLToPath(new URL('./evtx.ts', import.meta.url));

export async function loadEvtxFigures(): Promise<unknown> {
  if (!existsSync(EVTX_BENCH)) return { skipped: 'bench/evtx.ts not written yet' };
  const module = (await import(EVTX_BENCH)) as Record<string, unknown>;
  const name = Object.keys(module).find((k) => typeof module[k] === 'function' && /figure|bench|measure/i.test(k));
  if (!name) return { skipped: `bench/evtx.ts exports no figures function (exports: ${Object.keys(module).join(', ')})` };
  return { from: `bench/evtx.ts ${name}()`, figures: await (module[name] as () => Promise<unknown>)() };
}
