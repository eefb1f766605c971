/**
 * The same check as `npm run conformance`, so CI fails loudly: SigmaHQ's Windows rules compile
 * (>= 99.5%, every failure with a reason) and every regression case reaches its match_count.
 */
import { expect, it } from 'vitest';
import { casePassed, checkCorpus, percent } from '../../lib/sigma/conformance/corpus-check.ts';
import { describeShared, sharedPath } from '../support/shared-corpus.ts';

describeShared('SigmaHQ corpus conformance', () => {
  it('compiles at least 99.5% of rules and passes every regression case', async () => {
    const { compile, regression } = await checkCorpus(sharedPath('corpus', 'sigma'));
    expect(compile.total).toBeGreaterThan(2500);
    for (const error of compile.errors) {
      expect(error.reason.length).toBeGreaterThan(0);
      expect(error.file).toMatch(/\.ya?ml$/);
      expect(error.reason).not.toMatch(/internal error/);
    }
    expect(percent(compile.compiled, compile.total)).toBeGreaterThanOrEqual(99.5);
    expect(regression.cases.length).toBeGreaterThanOrEqual(90);
    expect(regression.cases.filter((c) => !casePassed(c))).toEqual([]);
    // Loads ~3,000 rules through the built-in pipelines (variants compile a second version of
    // many) and runs the regression set: more than the default minute on a loaded machine.
  }, 240_000);
});
