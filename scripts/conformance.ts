/**
 * `npm run conformance`: compiles SigmaHQ's Windows rules and runs its regression data through
 * the engine, and compiles Elastic's Windows EQL rules; prints the figures and every failure with
 * its reason. Exits 1 below target (Sigma 99.5% compile, 100% regression; EQL 100% compile);
 * each part prints SKIPPED (and does not fail) when its corpus in ../shared is absent.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkElasticRules, ELASTIC_WINDOWS_EQL_DIR } from '../lib/eql/conformance/elastic-corpus.ts';
import { casePassed, checkCorpus, percent } from '../lib/sigma/conformance/corpus-check.ts';

const COMPILE_TARGET = 99.5;
const REGRESSION_TARGET = 100;
const EQL_COMPILE_TARGET = 100;

const sharedDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared');
const sigmaOk = existsSync(join(sharedDir, 'corpus/sigma')) ? await sigmaConformance(join(sharedDir, 'corpus/sigma')) : skipped('corpus/sigma', 'Sigma');
const eqlOk = existsSync(join(sharedDir, ELASTIC_WINDOWS_EQL_DIR)) ? eqlConformance(join(sharedDir, ELASTIC_WINDOWS_EQL_DIR)) : skipped(ELASTIC_WINDOWS_EQL_DIR, 'EQL');
const ok = sigmaOk && eqlOk;
console.log(ok ? 'conformance: PASS' : 'conformance: FAIL');
process.exit(ok ? 0 : 1);

function skipped(dir: string, what: string): true {
  console.log(`SKIPPED: ${join(sharedDir, dir)} is absent; the ${what} conformance figures were not measured.`);
  return true;
}

function eqlConformance(dir: string): boolean {
  const report = checkElasticRules(dir);
  for (const e of report.errors) console.log(`eql compile failure: ${e.file} [${e.ruleId ?? '-'}] ${e.item ?? '-'}: ${e.reason}`);
  const pct = percent(report.compiled, report.total);
  console.log(`eql: ${report.compiled}/${report.total} Elastic rules compile (${pct.toFixed(2)}%, target ${EQL_COMPILE_TARGET}%)`);
  return report.total > 0 && pct >= EQL_COMPILE_TARGET;
}

async function sigmaConformance(sigmaDir: string): Promise<boolean> {
  const verbose = process.argv.includes('--verbose');
  const { compile, regression } = await checkCorpus(sigmaDir);
  for (const e of compile.errors) {
    console.log(`compile failure: ${e.file} [${e.ruleId ?? '-'}] ${e.item ?? '-'}: ${e.reason}`);
  }
  for (const c of regression.cases) {
    const want = `>=${c.expected ?? 1}`;
    if (!casePassed(c)) {
      console.log(`regression failure: ${c.info} [${c.ruleId}]: ${c.actual} matches, want ${want}${c.problem ? ` (${c.problem})` : ''}`);
    } else if (verbose || (c.expected !== undefined && c.actual !== c.expected)) {
      console.log(`regression ok${c.actual !== (c.expected ?? c.actual) ? ' (more than match_count)' : ''}: ${c.info} [${c.ruleId}]: ${c.actual} matches, want ${want}`);
    }
  }
  const compilePct = percent(compile.compiled, compile.total);
  const regressionPct = percent(regression.passed, regression.cases.length);
  console.log(`compile: ${compile.compiled}/${compile.total} rule documents from ${compile.files} files (${compilePct.toFixed(2)}%, target ${COMPILE_TARGET}%)`);
  console.log(`  of which ${compile.foreign} have a non-Windows logsource (web server, proxy, linux, ...): compiled, never match Windows events`);
  console.log(`regression: ${regression.passed}/${regression.cases.length} cases reach their match_count (${regressionPct.toFixed(2)}%, target ${REGRESSION_TARGET}%)`);
  return compilePct >= COMPILE_TARGET && regressionPct >= REGRESSION_TARGET;
}
