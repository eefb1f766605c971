/**
 * The needles of a rule pack (lib/scan/prefilter.ts), derived here from the engines' own parse
 * results until the engines expose them on their detectors (the hook proposed in the report):
 * Sigma rules' logsource routes give channels, EQL queries' `X where` give categories.
 */
import type { RuleFile } from '../lib/rules/rule.ts';
import { categoryNeedles, channelNeedles, unionNeedles, type Needle } from '../lib/scan/prefilter.ts';

export async function packNeedles(files: readonly RuleFile[]): Promise<Needle[] | undefined> {
  const { parseSigmaFiles } = await import('../lib/sigma/index.ts');
  const { readElasticRule } = await import('../lib/eql/elastic-rule.ts');
  const { compileQuery } = await import('../lib/eql/query.ts');
  const sigma = parseSigmaFiles(files.filter((f) => /\.ya?ml$/i.test(f.path))).rules.map((r) => r.route);
  const categories: (string | null)[] = [];
  for (const file of files.filter((f) => /\.toml$/i.test(f.path))) {
    let category: string | null;
    try {
      category = compileQuery(readElasticRule(file).query).category;
    } catch {
      continue; // a rule that does not load is not in the detector: it needs no needle
    }
    categories.push(category);
  }
  return unionNeedles([channelNeedles(sigma), categoryNeedles(categories)]);
}
