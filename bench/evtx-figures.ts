/**
 * The native EVTX reader's figures, from bench/evtx.ts (owned by the EVTX work) when it exists:
 * its exported `benchEvtx({ runs })` (or, should it be renamed, the first exported function whose
 * name speaks of figures or a benchmark). python-evtx alone takes minutes a run, hence `runs`.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const EVTX_BENCH = fileURLToPath(new URL('./evtx.ts', import.meta.url));

export async function loadEvtxFigures(runs: number): Promise<unknown> {
  if (!existsSync(EVTX_BENCH)) return { skipped: 'bench/evtx.ts not written yet' };
  const module = (await import(EVTX_BENCH)) as Record<string, unknown>;
  const name = typeof module['benchEvtx'] === 'function' ? 'benchEvtx' : Object.keys(module).find((k) => typeof module[k] === 'function' && /figure|bench|measure/i.test(k));
  if (!name) return { skipped: `bench/evtx.ts exports no figures function (exports: ${Object.keys(module).join(', ')})` };
  return { from: `bench/evtx.ts ${name}({ runs: ${runs} })`, figures: await (module[name] as (o: { runs: number }) => Promise<unknown>)({ runs }) };
}
