import { describe, expect, it } from 'vitest';
import { PipelineError } from '../../../lib/sigma/index.ts';
import { SigmaDetector } from '../../../lib/sigma/detector.ts';
import { event, fires, load, parsed, pipeline, PROC, ruleText, SYSMON } from './support.ts';

const SEC = { Channel: 'Security', EventID: 4688 };

describe('field_name_mapping', () => {
  const map = pipeline(`
name: map
transformations:
  - id: image
    type: field_name_mapping
    mapping:
      Image: NewProcessName
      ParentImage: [ParentProcessName, CreatorProcessName]
`);
  it('renames a field: the rule reads the new name, not the old', () => {
    const rule = ruleText('sel:\n  Image|endswith: \\\\cmd.exe\ncondition: sel', 'product: windows');
    expect(fires(rule, [map], { NewProcessName: 'C:\\Windows\\cmd.exe' })).toBe(true);
    expect(fires(rule, [map], { Image: 'C:\\Windows\\cmd.exe' })).toBe(false);
  });
  it('one-to-many: the item holds when any target field holds', () => {
    const rule = ruleText('sel:\n  ParentImage|endswith: \\\\winword.exe\ncondition: sel', 'product: windows');
    expect(fires(rule, [map], { ParentProcessName: 'x\\winword.exe' })).toBe(true);
    expect(fires(rule, [map], { CreatorProcessName: 'x\\winword.exe' })).toBe(true);
    expect(fires(rule, [map], { ParentImage: 'x\\winword.exe' })).toBe(false);
  });
  it('one-to-many under not: none of the targets may hold', () => {
    const rule = ruleText('sel:\n  Image: a\nfilter:\n  ParentImage: b\ncondition: sel and not filter', 'product: windows');
    expect(fires(rule, [map], { NewProcessName: 'a', CreatorProcessName: 'c' })).toBe(true);
    expect(fires(rule, [map], { NewProcessName: 'a', CreatorProcessName: 'b' })).toBe(false);
  });
  it('maps fieldref values', () => {
    const rule = ruleText('sel:\n  ParentImage|fieldref: Image\ncondition: sel', 'product: windows');
    expect(fires(rule, [map], { ParentProcessName: 'x', NewProcessName: 'x' })).toBe(true);
    expect(fires(rule, [map], { ParentProcessName: 'x', Image: 'x' })).toBe(false);
  });
  it('tracks the change per rule', () => {
    const result = parsed(ruleText('sel:\n  Image: a\ncondition: sel', 'product: windows'), [map]);
    expect(result.rules[0]!.changes).toEqual([{ pipeline: 'map', item: 'image', what: 'Image → NewProcessName (sel: Image)' }]);
  });
  it('maps a filter document with the rule it joins', () => {
    const rule = ruleText('sel:\n  Image: a\ncondition: sel', 'product: windows');
    const filter = `title: F\nid: 00000000-0000-4000-8000-0000000000ff\nlogsource:\n  product: windows\nfilter:\n  rules: any\n  fp:\n    ParentImage: b\n  condition: not fp\n`;
    const { detector, errors } = (() => {
      const r = load(rule + '\n---\n' + filter, [map]);
      return r;
    })();
    expect(errors).toEqual([]);
    expect(detector.match(event({ NewProcessName: 'a', ParentProcessName: 'b' }))).toHaveLength(0);
    expect(detector.match(event({ NewProcessName: 'a', ParentProcessName: 'c' }))).toHaveLength(1);
  });
});

describe('prefix and suffix', () => {
  it('field_name_prefix_mapping, field_name_prefix and field_name_suffix', () => {
    const p = pipeline(`
name: affix
transformations:
  - type: field_name_prefix_mapping
    mapping: { 'Target': 'Object' }
  - type: field_name_prefix
    prefix: 'win.'
    field_name_conditions:
      - type: include_fields
        fields: ['^Object']
        mode: re
  - type: field_name_suffix
    suffix: '_s'
    field_name_conditions:
      - type: exclude_fields
        fields: [win.ObjectName]
`);
    const rule = ruleText('sel:\n  TargetName: a\n  Other: b\ncondition: sel', 'product: windows');
    expect(fires(rule, [p], { 'win.ObjectName': 'a', Other_s: 'b' })).toBe(true);
    expect(fires(rule, [p], { ObjectName: 'a', Other_s: 'b' })).toBe(false);
  });
});

describe('change_logsource, add_condition and variants', () => {
  const security = pipeline(`
name: security-4688
variant: security-4688
transformations:
  - id: logsource
    type: change_logsource
    product: windows
    service: security
    rule_conditions:
      - type: logsource
        category: process_creation
  - id: eventid
    type: add_condition
    conditions:
      EventID: 4688
    rule_conditions:
      - type: processing_item_applied
        processing_item_id: logsource
  - id: fields
    type: field_name_mapping
    mapping:
      Image: NewProcessName
    rule_conditions:
      - type: processing_item_applied
        processing_item_id: logsource
`);
  const rule = ruleText('sel:\n  Image|endswith: \\\\dnscmd.exe\ncondition: sel', PROC);
  it('keeps the rule as written and adds the mapped copy', () => {
    const { detector, errors } = load(rule, [security]);
    expect(errors).toEqual([]);
    expect(detector.rules).toHaveLength(1);
    const sysmon = event({ Channel: SYSMON, EventID: 1, Image: 'C:\\dnscmd.exe' });
    const sec = event({ ...SEC, NewProcessName: 'C:\\dnscmd.exe' });
    expect(detector.match(sysmon)).toHaveLength(1);
    expect(detector.match(sec)).toHaveLength(1);
    expect(detector.match(event({ Channel: 'Security', EventID: 4689, NewProcessName: 'C:\\dnscmd.exe' }))).toHaveLength(0);
    expect(detector.match(event({ ...SEC, Image: 'C:\\dnscmd.exe' }))).toHaveLength(0);
    // explain uses the version that matched
    expect(detector.explain(detector.rules[0]!, sec).map((e) => e.field)).toContain('NewProcessName');
    expect(detector.explain(detector.rules[0]!, sysmon).map((e) => e.field)).toContain('Image');
  });
  it('records the variant and what changed', () => {
    const result = parsed(rule, [security]);
    expect(result.rules.map((r) => r.variant)).toEqual([undefined, 'security-4688']);
    expect(result.rules[1]!.route).toMatchObject({ channels: ['Security'] });
    expect(result.rules[1]!.changes!.map((c) => c.item)).toEqual(['logsource', 'eventid', 'fields']);
    expect(result.rules[0]!.meta).toBe(result.rules[1]!.meta);
  });
  it('versions read back from JSON (a precompiled pack) are still one rule', () => {
    const copy = JSON.parse(JSON.stringify(parsed(rule, [security]).rules)) as ReturnType<typeof parsed>['rules'];
    expect(copy[0]!.meta).not.toBe(copy[1]!.meta);
    const detector = new SigmaDetector(copy);
    expect(detector.rules).toHaveLength(1);
    expect(detector.match(event({ ...SEC, NewProcessName: 'C:\\dnscmd.exe' }))).toEqual([detector.rules[0]]);
  });
  it('a rule none of its items apply to gets no variant', () => {
    const other = ruleText('sel:\n  ImageLoaded: x\ncondition: sel', 'product: windows\ncategory: image_load');
    expect(parsed(other, [security]).rules).toHaveLength(1);
  });
  it('a rule matching both versions of one event is listed once', () => {
    const both = pipeline(`
name: both
variant: both
transformations:
  - type: field_name_mapping
    mapping: { A: B }
`);
    const r = ruleText('sel:\n  A: x\ncondition: sel', 'product: windows');
    const { detector } = load(r, [both]);
    expect(detector.match(event({ A: 'x', B: 'x' }))).toHaveLength(1);
  });
  it('in place, the rule is only the transformed one', () => {
    const inPlace = pipeline(security.source === '' ? '' : `
name: in-place
transformations:
  - type: change_logsource
    service: security
    product: windows
`);
    const result = parsed(rule, [inPlace]);
    expect(result.rules).toHaveLength(1);
    expect(result.rules[0]!.route.channels).toEqual(['Security']);
  });
  it('add_condition negated', () => {
    const p = pipeline(`
name: neg
transformations:
  - type: add_condition
    negated: true
    conditions:
      User|contains: SYSTEM
`);
    const r = ruleText('sel:\n  A: x\ncondition: sel', 'product: windows');
    expect(fires(r, [p], { A: 'x', User: 'NT AUTHORITY\\SYSTEM' })).toBe(false);
    expect(fires(r, [p], { A: 'x', User: 'bob' })).toBe(true);
  });
  it('add_condition template fills logsource values', () => {
    const p = pipeline(`
name: tpl
transformations:
  - type: add_condition
    template: true
    conditions:
      source: 'win-$category'
`);
    expect(fires(ruleText('sel:\n  A: x\ncondition: sel', PROC.replace('process_creation', 'image_load')), [p], { Channel: SYSMON, EventID: 7, A: 'x', source: 'win-image_load' })).toBe(true);
  });
});

describe('failures', () => {
  const fail = (variant: boolean) =>
    pipeline(`
name: refuse
${variant ? 'variant: v' : ''}
transformations:
  - id: no-cmd
    type: detection_item_failure
    message: CommandLine is not logged here
    field_name_conditions:
      - type: include_fields
        fields: [CommandLine]
`);
  const rule = ruleText('sel:\n  CommandLine|contains: x\ncondition: sel', 'product: windows');
  it('in place, a failure rejects the rule naming pipeline and item', () => {
    const { errors, detector } = load(rule, [fail(false)]);
    expect(detector.rules).toHaveLength(0);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.reason).toMatch(/pipeline 'refuse' \(test-pipeline.yml\) item no-cmd: sel: CommandLine\|contains: CommandLine is not logged here/);
  });
  it('in a variant it only drops the variant, with the reason', () => {
    const result = parsed(rule, [fail(true)]);
    expect(result.errors).toEqual([]);
    expect(result.rules).toHaveLength(1);
    expect(result.dropped).toEqual([expect.objectContaining({ variant: 'v', pipeline: 'refuse', item: 'no-cmd', reason: expect.stringContaining('not logged here') })]);
  });
  it('rule_failure under a tag condition', () => {
    const p = pipeline(`
name: tags
transformations:
  - type: rule_failure
    message: no
    rule_conditions:
      - type: tag
        tag: attack.t1059
`);
    expect(load(ruleText('sel:\n  A: x\ncondition: sel', 'product: windows', 'tags:\n  - attack.T1059\n'), [p]).errors).toHaveLength(1);
    expect(load(ruleText('sel:\n  A: x\ncondition: sel', 'product: windows', 'tags:\n  - attack.t1000\n'), [p]).errors).toHaveLength(0);
  });
});

describe('unavailable_fields', () => {
  const only = pipeline(`
name: sec
variant: sec
transformations:
  - id: fields
    type: unavailable_fields
    except: [Image, CommandLine]
`);
  it('keeps a branch on an available field', () => {
    const rule = ruleText('sel:\n  - Image|endswith: \\\\x.exe\n  - OriginalFileName: x.exe\ncondition: sel', 'product: windows');
    const result = parsed(rule, [only]);
    expect(result.rules).toHaveLength(2);
    expect(result.dropped).toEqual([]);
  });
  it('refuses a variant that would fire on the absence of a field', () => {
    const rule = ruleText('sel:\n  Image|endswith: \\\\x.exe\nfilter_originalfilename:\n  OriginalFileName: x.exe\ncondition: sel and not filter_originalfilename', 'product: windows');
    const result = parsed(rule, [only]);
    expect(result.rules).toHaveLength(1);
    expect(result.dropped[0]!.reason).toMatch(/would fire on the absence of OriginalFileName/);
  });
  it('drops a variant that can never match', () => {
    const rule = ruleText('sel:\n  OriginalFileName: x.exe\ncondition: sel', 'product: windows');
    const result = parsed(rule, [only]);
    expect(result.rules).toHaveLength(1);
    expect(result.dropped[0]!.reason).toMatch(/can never match: needs OriginalFileName/);
  });
  it('System fields stay available with except', () => {
    const rule = ruleText('sel:\n  EventID: 1\n  Image: x\ncondition: sel', 'product: windows');
    // Nothing unavailable: no copy (it would be the rule again), nothing dropped.
    expect(parsed(rule, [only]).rules).toHaveLength(1);
    expect(parsed(rule, [only]).dropped).toEqual([]);
  });
  it('an exists: false test on an unavailable field fires on absence: refused', () => {
    const rule = ruleText('sel:\n  Image: x\n  Hashes|exists: false\ncondition: sel', 'product: windows');
    expect(parsed(rule, [only]).dropped[0]!.reason).toMatch(/absence of Hashes/);
  });
  it('fieldref: an unavailable referenced field is dropped from the values; the others still decide', () => {
    const rule = ruleText('sel:\n  Image|fieldref:\n    - CommandLine\n    - OriginalFileName\ncondition: sel', 'product: windows');
    const result = parsed(rule, [only]);
    expect(result.dropped).toEqual([]);
    const { detector } = load(rule, [only]);
    expect(detector.match(event({ Image: 'x', CommandLine: 'x' }))).toHaveLength(1);
    const all = ruleText('sel:\n  Image|fieldref|all:\n    - CommandLine\n    - OriginalFileName\ncondition: sel', 'product: windows');
    expect(parsed(all, [only]).dropped[0]!.reason).toMatch(/can never match: needs OriginalFileName/);
  });
  it('keywords are untouched', () => {
    const rule = ruleText('keywords:\n  - mimikatz\ncondition: keywords', 'product: windows');
    expect(parsed(rule, [only]).rules).toHaveLength(1);
    expect(parsed(rule, [only]).dropped).toEqual([]);
  });
});

describe('values', () => {
  it('map_string and replace_string', () => {
    const p = pipeline(`
name: values
transformations:
  - type: map_string
    mapping:
      High: S-1-16-12288
    field_name_conditions:
      - type: include_fields
        fields: [IntegrityLevel]
  - type: replace_string
    regex: '^C:\\\\'
    replacement: '\\\\Device\\\\HarddiskVolume?\\\\'
    interpret_special: true
    field_name_conditions:
      - type: include_fields
        fields: [Image]
`);
    const rule = ruleText('sel:\n  IntegrityLevel: High\n  Image: C:\\x.exe\ncondition: sel', 'product: windows');
    expect(fires(rule, [p], { IntegrityLevel: 'S-1-16-12288', Image: '\\Device\\HarddiskVolume3\\x.exe' })).toBe(true);
    expect(fires(rule, [p], { IntegrityLevel: 'High', Image: '\\Device\\HarddiskVolume3\\x.exe' })).toBe(false);
  });
  it('value_placeholders from vars, then SigmaOptions.placeholders; wildcard_placeholders', () => {
    const p = pipeline(`
name: ph
vars:
  admins: [root, admin]
transformations:
  - type: value_placeholders
    include: [admins]
  - type: wildcard_placeholders
    include: [anything]
`);
    const rule = ruleText('sel:\n  User|expand: "%admins%"\n  Host|expand: "%dcs%"\n  Other|expand: "x%anything%"\ncondition: sel', 'product: windows');
    const options = { placeholders: { dcs: ['dc1'] } };
    expect(fires(rule, [p], { User: 'admin', Host: 'dc1', Other: 'xyz' }, options)).toBe(true);
    expect(fires(rule, [p], { User: 'bob', Host: 'dc1', Other: 'xyz' }, options)).toBe(false);
  });
  it('drop_detection_item', () => {
    const p = pipeline(`
name: drop
transformations:
  - type: drop_detection_item
    field_name_conditions:
      - type: include_fields
        fields: [EventID]
`);
    const rule = ruleText('sel:\n  EventID: 1\n  A: x\ncondition: sel', 'product: windows');
    expect(fires(rule, [p], { EventID: 2, A: 'x' })).toBe(true);
  });
});

describe('conditions', () => {
  it('rule_cond_expr, rule_attribute, processing_state and detection item conditions', () => {
    const p = pipeline(`
name: conds
transformations:
  - id: mark
    type: set_state
    key: high
    val: true
    rule_conditions:
      lvl: { type: rule_attribute, attribute: level, value: high, op: gte }
      st: { type: rule_attribute, attribute: status, value: test }
    rule_cond_expr: lvl and not st
  - type: field_name_mapping
    mapping: { A: B }
    rule_conditions:
      - type: processing_state
        key: high
        val: true
    detection_item_conditions:
      - type: match_string
        pattern: '^x'
`);
    const high = ruleText('sel:\n  A: xy\nsel2:\n  A: zz\ncondition: sel and sel2', 'product: windows').replace('level: medium', 'level: critical');
    expect(fires(high, [p], { B: 'xy', A: 'zz' })).toBe(true);
    const medium = ruleText('sel:\n  A: xy\ncondition: sel', 'product: windows');
    expect(fires(medium, [p], { A: 'xy' })).toBe(true);
    const tested = high.replace('level: critical', 'level: critical\nstatus: test');
    // status test: the state is not set, so A stays A
    expect(fires(tested, [p], { B: 'xy', A: 'zz' })).toBe(false);
    expect(fires(tested, [p], { A: 'xy' })).toBe(false);
  });
  it('is_null and contains_detection_item', () => {
    const p = pipeline(`
name: nulls
transformations:
  - type: field_name_mapping
    mapping: { A: B }
    detection_item_conditions:
      - type: is_null
    rule_conditions:
      - type: contains_detection_item
        field: C
        value: 1
`);
    const rule = ruleText('sel:\n  A: null\n  C: 1\ncondition: sel', 'product: windows');
    expect(fires(rule, [p], { C: 1, A: 'set' })).toBe(true);
    expect(fires(rule, [p], { C: 1, B: 'set' })).toBe(false);
  });
});

describe('correlations', () => {
  it('group-by fields are mapped by in-place pipelines', () => {
    const p = pipeline(`
name: map
transformations:
  - type: field_name_mapping
    mapping: { User: TargetUserName }
`);
    const base = ruleText('sel:\n  A: x\ncondition: sel', 'product: windows').replace('title: Test rule', 'title: Base\nname: base');
    const corr = 'title: C\nid: 00000000-0000-4000-8000-0000000000cc\ncorrelation:\n  type: event_count\n  rules: base\n  group-by: [User]\n  timespan: 5m\n  condition: { gte: 2 }\n';
    const result = parsed(base + '\n---\n' + corr, [p]);
    expect(result.errors).toEqual([]);
    expect((result.correlations[0]!.body['correlation'] as Record<string, unknown>)['group-by']).toEqual(['TargetUserName']);
  });
});

describe('pipeline errors name the file, the item and the reason', () => {
  const bad = (yaml: string): PipelineError => {
    try {
      pipeline(yaml, 'bad.yml');
    } catch (error) {
      expect(error).toBeInstanceOf(PipelineError);
      return error as PipelineError;
    }
    throw new Error('expected a PipelineError');
  };
  it.each([
    ['unknown top-level key', 'name: x\nfoo: 1\n', /unknown key 'foo'/],
    ['output-only transformation', 'name: x\ntransformations:\n  - id: af\n    type: add_field\n    field: x\n', /\(#1 af\): transformation 'add_field' is not supported/],
    ['query placeholders', 'name: x\ntransformations:\n  - type: query_expression_placeholders\n    expression: x\n', /\(#1\): transformation 'query_expression_placeholders' is not supported/],
    ['unknown type', 'name: x\ntransformations:\n  - type: nope\n', /unknown transformation type 'nope'/],
    ['unknown key of a type', 'name: x\ntransformations:\n  - type: field_name_mapping\n    mapping: { A: B }\n    mappings: {}\n', /unknown key 'mappings' for transformation 'field_name_mapping'/],
    ['missing key', 'name: x\ntransformations:\n  - type: field_name_prefix\n', /needs 'prefix'/],
    ['unknown condition', 'name: x\ntransformations:\n  - type: field_name_prefix\n    prefix: a\n    rule_conditions:\n      - type: nope\n', /unknown condition type 'nope'/],
    ['bad condition key', 'name: x\ntransformations:\n  - type: field_name_prefix\n    prefix: a\n    rule_conditions:\n      - type: logsource\n        categroy: x\n', /unknown key 'categroy'/],
    ['unused condition in an expression', 'name: x\ntransformations:\n  - type: field_name_prefix\n    prefix: a\n    rule_conditions:\n      a: { type: is_sigma_rule }\n      b: { type: is_sigma_rule }\n    rule_cond_expr: a\n', /does not use condition\(s\) b/],
    ['a field mapped twice in one mapping', 'name: x\ntransformations:\n  - type: field_name_mapping\n    mapping:\n      A: B\n      A: C\n', /cannot read YAML at line/],
    ['contradictory items', 'name: x\ntransformations:\n  - id: one\n    type: field_name_mapping\n    mapping: { A: B }\n  - id: two\n    type: field_name_mapping\n    mapping: { A: C }\n', /contradictory mapping: 'A' is mapped to B by item one and to C by item two/],
    ['unavailable_fields needs one list', 'name: x\ntransformations:\n  - type: unavailable_fields\n', /needs exactly one of 'fields'/],
    ['bad regex', 'name: x\ntransformations:\n  - type: replace_string\n    regex: "("\n    replacement: x\n', /'regex' is not a regular expression/],
  ])('%s', (_name, yaml, reason) => {
    const error = bad(yaml);
    expect(error.file).toBe('bad.yml');
    expect(error.message).toMatch(reason);
  });
  it('postprocessing and finalizers are read past, and listed', () => {
    expect(pipeline('name: x\npostprocessing:\n  - type: embed\nfinalizers:\n  - type: concat\n').ignored).toEqual(['postprocessing', 'finalizers']);
  });
  it('a one-to-many explosion is capped with an error', () => {
    const targets = Array.from({ length: 200 }, (_, i) => `T${i}`);
    const p = pipeline(`name: boom\ntransformations:\n  - type: field_name_mapping\n    mapping:\n${['A', 'B'].map((f) => `      ${f}: [${targets.join(', ')}]`).join('\n')}\n  - type: field_name_suffix\n    suffix: _x\n`);
    const items = Array.from({ length: 60 }, (_, i) => `  - A: v${i}\n    B: w${i}`).join('\n');
    const { errors } = load(ruleText(`sel:\n${items}\ncondition: sel`, 'product: windows'), [p]);
    expect(errors[0]!.reason).toMatch(/would grow to \d+ detection items/);
  });
});

describe('priority order', () => {
  it('lower priority first, stable for equal', () => {
    const first = pipeline('name: first\npriority: 10\ntransformations:\n  - type: field_name_mapping\n    mapping: { A: B }\n');
    const second = pipeline('name: second\npriority: 20\ntransformations:\n  - type: field_name_mapping\n    mapping: { B: C }\n');
    const rule = ruleText('sel:\n  A: x\ncondition: sel', 'product: windows');
    expect(fires(rule, [second, first], { C: 'x' })).toBe(true);
    expect(fires(rule, [first, second], { C: 'x' })).toBe(true);
    const a = pipeline('name: a\ntransformations:\n  - type: field_name_mapping\n    mapping: { A: B }\n');
    const b = pipeline('name: b\ntransformations:\n  - type: field_name_mapping\n    mapping: { B: C }\n');
    expect(fires(rule, [b, a], { B: 'x' })).toBe(true);
    expect(fires(rule, [a, b], { C: 'x' })).toBe(true);
  });
});

describe('more conditions', () => {
  const corr = 'title: C\nid: 00000000-0000-4000-8000-0000000000cc\ntags: [attack.t1110]\ncorrelation:\n  type: event_count\n  rules: base\n  group-by: [User]\n  timespan: 5m\n  condition: { gte: 2 }\n';
  const base = ruleText('sel:\n  User: x\ncondition: sel', 'product: windows').replace('title: Test rule', 'title: Base\nname: base');
  const groupBy = (p: ReturnType<typeof pipeline>) => (parsed(base + '\n---\n' + corr, [p]).correlations[0]!.body['correlation'] as Record<string, unknown>)['group-by'];
  it('is_sigma_rule and is_sigma_correlation_rule tell the documents apart', () => {
    const onlyRules = pipeline('name: r\ntransformations:\n  - type: field_name_mapping\n    mapping: { User: U }\n    rule_conditions:\n      - type: is_sigma_rule\n');
    const onlyCorrelations = pipeline('name: c\ntransformations:\n  - type: field_name_mapping\n    mapping: { User: U }\n    rule_conditions:\n      - type: is_sigma_correlation_rule\n');
    expect(groupBy(onlyRules)).toEqual(['User']);
    expect(groupBy(onlyCorrelations)).toEqual(['U']);
    expect(fires(base, [onlyRules], { U: 'x' })).toBe(true);
    expect(fires(base, [onlyCorrelations], { User: 'x' })).toBe(true);
  });
  it('group-by may map to several fields; an alias field may not', () => {
    const p = pipeline('name: many\ntransformations:\n  - type: field_name_mapping\n    mapping: { User: [U1, U2] }\n    rule_conditions:\n      - type: is_sigma_correlation_rule\n');
    const result = parsed(base + '\n---\n' + corr, [p]);
    expect(result.errors).toHaveLength(0);
    expect(groupBy(p)).toEqual(['U1', 'U2']);
    const alias = corr.replace('  group-by: [User]\n', '  group-by: [who]\n  aliases:\n    who:\n      base: User\n');
    const errors = parsed(base + '\n---\n' + alias, [p]).errors;
    expect(errors[0]!.reason).toMatch(/alias 'who': 'User' maps to several fields/);
  });
  it('contains_field, and field name conditions on processing state and applied items', () => {
    const p = pipeline(`
name: fields
transformations:
  - id: first
    type: set_state
    key: mode
    val: sec
    rule_conditions:
      - type: contains_field
        field: User
  - id: second
    type: field_name_suffix
    suffix: _2
    field_name_conditions:
      - type: processing_state
        key: mode
        val: sec
  - type: field_name_prefix
    prefix: p_
    detection_item_conditions:
      - type: processing_item_applied
        processing_item_id: second
`);
    expect(fires(base, [p], { p_User_2: 'x' })).toBe(true);
    const other = ruleText('sel:\n  Name: x\ncondition: sel', 'product: windows');
    expect(fires(other, [p], { Name: 'x' })).toBe(true);
  });
  it('detection_item_cond_not and field_name_cond_op or', () => {
    const p = pipeline(`
name: ops
transformations:
  - type: field_name_prefix
    prefix: p_
    field_name_conditions:
      - type: include_fields
        fields: [A]
      - type: include_fields
        fields: [B]
    field_name_cond_op: or
    detection_item_conditions:
      - type: match_string
        pattern: skip
    detection_item_cond_not: true
`);
    const rule = ruleText('sel:\n  A: x\n  B: y\n  C: z\n  D: skip\ncondition: sel', 'product: windows');
    expect(fires(rule, [p], { p_A: 'x', p_B: 'y', C: 'z', D: 'skip' })).toBe(true);
    const skipped = ruleText('sel:\n  A: skipme\ncondition: sel', 'product: windows');
    expect(fires(skipped, [p], { A: 'skipme' })).toBe(true);
  });
  it('replace_string with skip_special leaves wildcards alone', () => {
    const p = pipeline("name: rs\ntransformations:\n  - type: replace_string\n    regex: 'a'\n    replacement: '*'\n    skip_special: true\n");
    const rule = ruleText("sel:\n  F: 'ba*'\ncondition: sel", 'product: windows');
    // The a becomes a literal *, the existing wildcard stays a wildcard.
    expect(fires(rule, [p], { F: 'b*zzz' })).toBe(true);
    expect(fires(rule, [p], { F: 'bxzzz' })).toBe(false);
  });
});
