import { describe, expect, it } from 'vitest';
import type { FieldValue } from '../../lib/events/win-event.ts';
import { parseItem } from '../../lib/sigma/detection.ts';
import { SigmaDetector } from '../../lib/sigma/detector.ts';
import { gateNeedleOf } from '../../lib/sigma/field-scanners.ts';
import { routeLogsource } from '../../lib/sigma/logsource.ts';
import type { ValueTest } from '../../lib/sigma/ast.ts';

const values = (key: string, raw: Array<string | number>): readonly ValueTest[] => {
  const expr = parseItem('sel', key, raw, { placeholders: {} });
  if (expr.kind !== 'test') throw new Error(`expected one test, got ${expr.kind}`);
  return expr.values;
};

describe('gate needles: what must be seen for a value to hold', () => {
  it('numbers must be the whole leaf, as text', () => {
    expect(values('DestinationPort', [4444, -1]).map(gateNeedleOf)).toEqual([
      { mode: 'equals', texts: ['4444'] },
      { mode: 'equals', texts: ['-1'] },
    ]);
  });

  it('inner wildcards: the longest literal run, folded, anywhere', () => {
    expect(values('CommandLine|contains', ['Systeminfo*|*FIND']).map(gateNeedleOf)).toEqual([{ mode: 'contains', texts: ['systeminfo'] }]);
    // Sigma escaping: `\\` before a wildcard is a backslash, so this is C:\ * \ProgramData\ ? x.
    expect(values('Image', ['C:\\\\*\\ProgramData\\\\?x']).map(gateNeedleOf)).toEqual([{ mode: 'contains', texts: ['\\programdata\\'] }]);
    expect(values('A', ['a*b?c'])).toHaveLength(1);
    expect(gateNeedleOf(values('A', ['a*b?c'])[0]!)).toBeUndefined();
  });

  it('cased values gate on their folded text; simple uncased shapes are their own needles', () => {
    expect(values('A|cased|contains', ['MiMi']).map(gateNeedleOf)).toEqual([{ mode: 'contains', texts: ['mimi'] }]);
    expect(values('A|endswith', ['.EXE']).map(gateNeedleOf)).toEqual([{ mode: 'endswith', texts: ['.exe'] }]);
    expect(values('A|re', ['x+']).map(gateNeedleOf)).toEqual([undefined]);
  });
});

describe('rules gated by those needles still match exactly', () => {
  const meta = (id: string) => ({ id, title: id, level: 'low' as const, author: '', description: '', references: [], tags: [], triage: [], falsePositives: [], language: 'sigma' as const, source: 't' });
  const ports = [100, 198, 243, 4444, 4455, 5552, 7777, 8143, 9999];
  const rules = [
    { meta: meta('ports'), route: routeLogsource({ product: 'windows', category: 'network_connection' }), expr: parseItem('sel', 'DestinationPort', ports, { placeholders: {} }) },
    { meta: meta('findstr'), route: routeLogsource({ product: 'windows', category: 'process_creation' }), expr: parseItem('sel', 'CommandLine|contains', ['ipconfig*|*find', 'net*|*find', 'netstat*|*find', 'ping*|*find', 'systeminfo*|*find', 'tasklist*|*find', 'whoami*|*find', 'arp*|*find'], { placeholders: {} }) },
    { meta: meta('cased'), route: routeLogsource({ product: 'windows', category: 'process_creation' }), expr: parseItem('sel', 'CommandLine|cased|contains', ['IEX', 'Invoke-Expression', 'DownloadString', 'FromBase64String', 'Net.WebClient', 'EncodedCommand', 'Bypass', 'Hidden'], { placeholders: {} }) },
  ];
  const detector = new SigmaDetector(rules);
  const sysmon = 'Microsoft-Windows-Sysmon/Operational';
  const ids = (fields: Record<string, FieldValue>) => detector.match({ fields, raw: fields, layout: 'evtx-json' }).map((r) => r.id).sort();

  it('a port as a number or as text, and nothing for a port that merely contains one', () => {
    expect(ids({ Channel: sysmon, EventID: 3, DestinationPort: 4444 })).toEqual(['ports']);
    expect(ids({ Channel: sysmon, EventID: 3, DestinationPort: '7777' })).toEqual(['ports']);
    expect(ids({ Channel: sysmon, EventID: 3, DestinationPort: 44445 })).toEqual([]);
    expect(ids({ Channel: sysmon, EventID: 3, DestinationPort: ['1', 8143] })).toEqual(['ports']);
  });

  it('inner wildcards and cased values', () => {
    expect(ids({ Channel: sysmon, EventID: 1, CommandLine: 'cmd /c SystemInfo | FIND "OS"' })).toEqual(['findstr']);
    expect(ids({ Channel: sysmon, EventID: 1, CommandLine: 'find | systeminfo' })).toEqual([]);
    expect(ids({ Channel: sysmon, EventID: 1, CommandLine: 'powershell IEX (x)' })).toEqual(['cased']);
    expect(ids({ Channel: sysmon, EventID: 1, CommandLine: 'powershell iex (x)' })).toEqual([]);
  });
});

describe('an AND of two strong items gets two gates', () => {
  it('both items must have seen a needle; a weak second item adds no gate', async () => {
    const { FieldScanners } = await import('../../lib/sigma/field-scanners.ts');
    const { ruleGate } = await import('../../lib/sigma/rule-gates.ts');
    const { simplify } = await import('../../lib/sigma/compile.ts');
    const item = (key: string, values: Array<string | number>) => parseItem('sel', key, values, { placeholders: {} });
    const image = item('Image|endswith', ['\\powershell.exe', '\\pwsh.exe']);
    const cli = item('CommandLine|contains', [' -enc ', ' -encodedcommand ']);
    const weak = item('LogonType', [3]);
    const both = simplify({ kind: 'and', items: [image, cli] });
    const withWeak = simplify({ kind: 'and', items: [image, weak] });
    const scanners = FieldScanners.forRules([both, withWeak], 1);
    const two = ruleGate(both, scanners)!;
    expect(two.second).toBeGreaterThanOrEqual(0);
    expect([...two.fields, ...two.secondFields].sort()).toEqual(['CommandLine', 'Image']);
    expect(two.secondFields).toHaveLength(1);
    const one = ruleGate(withWeak, scanners)!;
    expect(one.second).toBe(-1);
    expect(one.fields).toEqual(['Image']);
  });
});
