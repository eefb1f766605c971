/**
 * The same check as `npm run conformance`'s eql line: every one of Elastic's 391 Windows EQL
 * rules loads and compiles, and the rule that needed `\'` reads its strings as Elasticsearch does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { checkElasticRules, ELASTIC_WINDOWS_EQL_DIR } from '../../lib/eql/conformance/elastic-corpus.ts';
import { loadEqlRules } from '../../lib/eql/index.ts';
import { describeShared, sharedPath } from '../support/shared-corpus.ts';

describeShared("Elastic's Windows EQL rules", () => {
  it('all 391 compile', () => {
    const report = checkElasticRules(sharedPath(...ELASTIC_WINDOWS_EQL_DIR.split('/')));
    expect(report.errors).toEqual([]);
    expect(report.total).toBe(391);
    expect(report.compiled).toBe(391);
  });

  it("reads \\' as a quote: PowerShell's h''t''tp obfuscation matches", () => {
    const path = join(sharedPath(...ELASTIC_WINDOWS_EQL_DIR.split('/')), 'execution_windows_powershell_susp_args.toml');
    const { detector, errors } = loadEqlRules([{ path, text: readFileSync(path, 'utf8') }]);
    expect(errors).toEqual([]);
    const doc = {
      '@timestamp': '2026-01-01T00:00:00Z',
      event: { category: ['process'], type: ['start'] },
      host: { os: { type: 'windows' } },
      process: {
        name: 'powershell.exe',
        args: ['powershell.exe', "iwr h''t''tp:''//x/y"],
        command_line: "powershell.exe iwr h''t''tp:''//x/y",
        parent: { name: 'services.exe', executable: 'C:\\Windows\\System32\\services.exe' },
      },
    };
    const titles = (command: string) =>
      detector.match({ fields: {}, raw: { ...doc, process: { ...doc.process, command_line: command } }, layout: 'ecs' }).map((m) => m.title);
    expect(titles(doc.process.command_line)).toEqual(['Suspicious Windows Powershell Arguments']);
    expect(titles('powershell.exe Get-Date')).toEqual([]);
  });
});
