/**
 * `node --import ./bench/native-regex-hooks.ts ...`: resolves lib/matching/regex.ts to
 * bench/native-regex.ts (the backtracking RegExp) in this process only, so one bench run can time
 * the same detector on both engines.
 */
import { registerHooks } from 'node:module';

const NATIVE = new URL('./native-regex.ts', import.meta.url).href;

registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    return resolved.url.endsWith('/lib/matching/regex.ts') ? { ...resolved, url: NATIVE } : resolved;
  },
});
