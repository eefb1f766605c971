/** `winsift rules explain`, `rules lint --changes` and `--pipeline` over real files in a temporary directory. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../../lib/cli/commands/rules.ts';
import { PROC, ruleText } from './support.ts';
import { capture } from '../support.ts';

afterEach(() => vi.restoreAllMocks());

const ID = '00000000-0000-4000-8000-000000000001';

function setup(): { rules: string; pipeline: string } {
  const dir = mkdtempSync(join(tmpdir(), 'winsift-pipelines-'));
  const rules = join(dir, 'rules');
  mkdirSync(rules);
  writeFileSync(join(rules, 'r.yml'), ruleText('sel:\n  Image|endswith: \\\\x.exe\nfilter:\n  OriginalFileName: x.exe\ncondition: sel', PROC));
  const pipeline = join(dir, 'sec.yml');
  writeFileSync(
    pipeline,
    `name: sec\nvariant: sec\ntransformations:\n  - id: ls\n    type: change_logsource\n    product: windows\n    service: security\n    rule_conditions:\n      - type: logsource\n        category: process_creation\n  - id: id\n    type: add_condition\n    conditions: { EventID: 4688 }\n  - id: map\n    type: field_name_mapping\n    mapping: { Image: NewProcessName }\n`,
  );
  return { rules, pipeline };
}

describe('winsift rules explain', () => {
  it('prints each version: logsource, route, detection with final field names, and the changes', async () => {
    const { rules, pipeline } = setup();
    const io = capture();
    expect(await run(['explain', ID, '--rules', rules, '--pipeline', pipeline, '--no-builtin-pipelines'])).toBe(0);
    const out = io.out();
    expect(out).toMatch(/^rule:\n  logsource: product: windows, category: process_creation\n  route: channels Microsoft-Windows-Sysmon\/Operational; EventIDs 1\n/m);
    expect(out).toMatch(/^variant sec:\n  logsource: product: windows, service: security\n  route: channels Security; EventIDs 4688\n/m);
    expect(out).toMatch(/NewProcessName matches "\*\\x\.exe" {4}\[sel: Image\|endswith\]/);
    expect(out).toMatch(/sec map: Image → NewProcessName \(sel: Image\|endswith\)/);
  });
  it('an unknown id exits 2 (bad input)', async () => {
    const io = capture();
    expect(await run(['explain', 'no-such-id', '--no-builtin-pipelines'])).toBe(2);
    expect(io.err()).toMatch(/no Sigma rule with id no-such-id/);
  });
  it('a bad --pipeline names the file and exits 1 (usage)', async () => {
    const { pipeline } = setup();
    writeFileSync(pipeline, 'name: x\ntransformations:\n  - type: add_field\n    field: x\n');
    const io = capture();
    expect(await run(['explain', ID, '--pipeline', pipeline])).toBe(1);
    expect(io.err()).toContain(`${pipeline} (#1): transformation 'add_field' is not supported`);
    expect(await run(['list', '--pipeline', 'no-such-builtin'])).toBe(1);
    expect(io.err()).toMatch(/no-such-builtin: no such pipeline file, nor a built-in pipeline/);
  });
});

describe('winsift rules lint with pipelines', () => {
  it('counts the changes, and lists them and the dropped variants with --changes', async () => {
    const { rules, pipeline } = setup();
    const unavailable = pipeline.replace('sec.yml', 'lacking.yml');
    writeFileSync(unavailable, 'name: lacking\nvariant: lacking\ntransformations:\n  - id: gone\n    type: unavailable_fields\n    fields: [Image]\n');
    let io = capture();
    expect(await run(['lint', rules, '--pipeline', pipeline, '--pipeline', unavailable, '--no-builtin-pipelines'])).toBe(0);
    expect(io.out()).toBe('');
    expect(io.err()).toMatch(/pipelines changed 1 rules, added 1 variants, did not add 1 \(--changes lists them\)/);
    vi.restoreAllMocks();
    io = capture();
    expect(await run(['lint', '--changes', rules, '--pipeline', pipeline, '--pipeline', unavailable, '--no-builtin-pipelines'])).toBe(0);
    expect(io.out()).toContain(`${ID}: variant sec: sec map: Image → NewProcessName (sel: Image|endswith)`);
    expect(io.out()).toMatch(/variant lacking not added \(lacking gone\): can never match: needs Image/);
  });
});
