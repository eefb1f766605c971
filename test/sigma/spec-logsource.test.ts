/** Logsource taxonomy (appendix taxonomy), Sigma filters, multi-document files and error reporting. */
import { describe, expect, it } from 'vitest';
import { loadSigmaRules } from '../../lib/sigma/index.ts';
import { compileOne, event, ruleText, SYSMON } from './support.ts';

const fires = (logsource: string, fields: Record<string, string | number>, options = {}) => {
  const { detector, errors } = compileOne("sel:\n  Image|endswith: '\\evil.exe'\ncondition: sel", options, logsource);
  expect(errors).toEqual([]);
  return detector.match(event({ Image: 'C:\\evil.exe', ...fields })).length > 0;
};

describe('logsource: category maps to channel and event ids', () => {
  const ls = 'product: windows\ncategory: process_creation';
  it('Sysmon event 1', () => expect(fires(ls, { Channel: SYSMON, EventID: 1 })).toBe(true));
  it('not Sysmon event 7 with the same fields', () => expect(fires(ls, { Channel: SYSMON, EventID: 7 })).toBe(false));
  it('not another provider sharing the event id', () => expect(fires(ls, { Channel: 'Application', EventID: 1 })).toBe(false));
});

describe('logsource: service maps to a channel', () => {
  const ls = 'product: windows\nservice: security';
  it('Security channel', () => expect(fires(ls, { Channel: 'Security', EventID: 4688 })).toBe(true));
  it('channel matching is case-insensitive', () => expect(fires(ls, { Channel: 'SECURITY', EventID: 4688 })).toBe(true));
  it('not System', () => expect(fires(ls, { Channel: 'System', EventID: 4688 })).toBe(false));
  it('not an event with no channel', () => expect(fires(ls, { EventID: 4688 })).toBe(false));
});

describe('logsource: product windows alone applies to any Windows event', () => {
  it('fires', () => expect(fires('product: windows', { Channel: 'Whatever/Operational' })).toBe(true));
});

describe('logsource: other products never match Windows events', () => {
  it('linux', () => expect(fires('product: linux\ncategory: process_creation', { Channel: SYSMON, EventID: 1 })).toBe(false));
});

describe('logsource: unknown ones are rejected unless configured', () => {
  const detection = "sel:\n  Image: x\ncondition: sel";
  it('rejected with the logsource named', () => {
    const { errors } = compileOne(detection, {}, 'product: windows\nservice: made-up');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ item: 'logsource' });
    expect(errors[0]!.reason).toMatch(/unknown logsource service 'made-up'/);
  });
  it('accepted when configured, and routed to its channel', () => {
    const options = { logsources: { 'service:made-up': { channels: ['Made/Up'] } } };
    expect(fires('product: windows\nservice: made-up', { Channel: 'Made/Up' }, options)).toBe(true);
    expect(fires('product: windows\nservice: made-up', { Channel: 'Security' }, options)).toBe(false);
  });
});

describe('Sigma filters apply to the rules they name', () => {
  const rule = ruleText("sel:\n  Image|endswith: '\\evil.exe'\ncondition: sel", 'product: windows\nservice: security');
  const filter = (rules: string) => `title: Not on DCs\nid: 11111111-0000-4000-8000-000000000000\nlogsource:\n  product: windows\nfilter:\n  rules: ${rules}\n  selection:\n    Computer|startswith: 'DC-'\n  condition: not selection\n`;
  const run = (rules: string, computer: string) => {
    const { detector, errors } = loadSigmaRules([
      { path: 'rule.yml', text: rule },
      { path: 'filter.yml', text: filter(rules) },
    ]);
    expect(errors).toEqual([]);
    return detector.match(event({ Channel: 'Security', Image: 'C:\\evil.exe', Computer: computer })).length > 0;
  };
  it('by id', () => {
    expect(run('[00000000-0000-4000-8000-000000000001]', 'DC-01')).toBe(false);
    expect(run('[00000000-0000-4000-8000-000000000001]', 'WS-01')).toBe(true);
  });
  it('any', () => expect(run('any', 'DC-01')).toBe(false));
  it('not a rule it does not name', () => expect(run('[ffffffff-0000-4000-8000-000000000000]', 'DC-01')).toBe(true));
});

describe('multi-document files: action global', () => {
  it('merges the global document into each rule', () => {
    const text = `action: global\ntitle: Shared\nlogsource:\n  product: windows\n  service: security\nlevel: high\ndetection:\n  condition: sel\n---\nid: 22222222-0000-4000-8000-000000000001\ndetection:\n  sel:\n    A: 1\n---\nid: 22222222-0000-4000-8000-000000000002\ndetection:\n  sel:\n    B: 1\n`;
    const { detector, errors } = loadSigmaRules([{ path: 'multi.yml', text }]);
    expect(errors).toEqual([]);
    expect(detector.rules.map((r) => [r.id, r.level, r.title])).toEqual([
      ['22222222-0000-4000-8000-000000000001', 'high', 'Shared'],
      ['22222222-0000-4000-8000-000000000002', 'high', 'Shared'],
    ]);
    expect(detector.match(event({ Channel: 'Security', B: 1 })).map((r) => r.id)).toEqual(['22222222-0000-4000-8000-000000000002']);
  });
});

describe('errors name file, rule id, item and reason; other rules still load', () => {
  it('reports and continues', () => {
    const good = ruleText('sel:\n  A: 1\ncondition: sel');
    const bad = ruleText('sel:\n  A|nope: 1\ncondition: sel').replace('000000000001', '000000000002');
    const { detector, errors } = loadSigmaRules([
      { path: 'good.yml', text: good },
      { path: 'bad.yml', text: bad },
      { path: 'broken.yml', text: 'title: [unclosed' },
    ]);
    expect(detector.rules).toHaveLength(1);
    expect(errors[0]).toEqual({ file: 'bad.yml', ruleId: '00000000-0000-4000-8000-000000000002', item: 'sel: A|nope', reason: "unsupported modifier 'nope'" });
    expect(errors[1]).toMatchObject({ file: 'broken.yml', item: 'line 1' });
    expect(errors[1]!.reason).toMatch(/^YAML:/);
  });
  it('duplicate ids are rejected', () => {
    const text = ruleText('sel:\n  A: 1\ncondition: sel');
    const { errors } = loadSigmaRules([{ path: 'a.yml', text }, { path: 'b.yml', text }]);
    expect(errors).toEqual([{ file: 'b.yml', ruleId: '00000000-0000-4000-8000-000000000001', item: 'id', reason: 'duplicate rule id, first loaded from a.yml' }]);
  });
});
