/**
 * The EQL detector over many rules: rules are indexed by category, and each is tested once.
 */
import { describe, expect, it } from 'vitest';
import { loadEqlRules } from '../../lib/eql/index.ts';

describe('rules by category', () => {
  it('tests each rule once, whatever the shape of event.category', () => {
    const rule = (id: string, query: string) => ({
      path: `${id}.toml`,
      text: `[rule]\nauthor = ["T"]\ndescription = "d"\nlanguage = "eql"\nname = "${id}"\nrule_id = "${id}"\nseverity = "low"\ntype = "eql"\nquery = '''${query}'''\n`,
    });
    const { detector, errors } = loadEqlRules([
      rule('file-rule', 'file where a == 1'),
      rule('process-rule', 'process where a == 1'),
      rule('any-rule', 'any where a == 1'),
      rule('quoted-rule', '"intrusion_detection" where a == 1'),
    ]);
    expect(errors).toEqual([]);
    const ids = (category: unknown) => detector.match({ fields: {}, layout: 'ecs', raw: { a: 1, event: { category } } }).map((r) => r.id).sort();
    expect(ids('file')).toEqual(['any-rule', 'file-rule']);
    expect(ids(['file', 'process', 'file'])).toEqual(['any-rule', 'file-rule', 'process-rule']);
    expect(ids(['intrusion_detection'])).toEqual(['any-rule', 'quoted-rule']);
    expect(ids(undefined)).toEqual(['any-rule']);
    expect(ids(['network'])).toEqual(['any-rule']);
  });
});
