/**
 * Which suppression setting a rule gets, from everything that can set one. The most specific
 * wins, and for the one setting two places share (the default window) the command line or
 * environment beats the file:
 *
 * 1. the pack configuration's `suppress.rules` entry for the rule (the last matching one), `off`
 *    included: the deployment's tuning of rules it did not write, as `levels:` overrides a level;
 * 2. the rule's own `suppress:` attribute (`false` included);
 * 3. the default, for rules with neither: its window is `--suppress` / `SUPPRESS_WINDOW` when
 *    given, else the configuration's `suppress.default`; its key is that default's `by` (the
 *    host when it has none): the flag says how long, the pack says what counts as the same.
 *
 * Both the function (scan-function.ts, per pack, so a runtime pack brings its own) and
 * `winsift scan --state` (local-state.ts) build their options here.
 */
import type { RulePack } from '../rules/rule-pack.ts';
import type { CrossObjectOptions } from './cross-object-state.ts';

export type SuppressionOptions = Pick<CrossObjectOptions, 'defaultSuppressMs' | 'defaultSuppressBy' | 'suppressByRule'>;

export function suppressionOptions(pack: Pick<RulePack, 'suppress'>, globalDefaultMs?: number): SuppressionOptions {
  const packDefault = pack.suppress?.default;
  const windowMs = globalDefaultMs ?? packDefault?.windowMs;
  const byRule = pack.suppress?.byRule ?? {};
  return {
    ...(windowMs === undefined ? {} : { defaultSuppressMs: windowMs }),
    ...(windowMs === undefined || packDefault?.by === undefined ? {} : { defaultSuppressBy: packDefault.by }),
    ...(Object.keys(byRule).length === 0 ? {} : { suppressByRule: new Map(Object.entries(byRule)) }),
  };
}
