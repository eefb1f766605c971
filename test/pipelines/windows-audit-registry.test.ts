/**
 * pipelines/windows-audit-registry.yml on its own: registry_set / registry_event rules also on
 * Security 4657 (kernel hive names, the control set, one-digit DWORDs, OperationType codes).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { FieldValue } from '../../lib/events/win-event.ts';
import { readEvents } from '../../lib/ingest/read-events.ts';
import { readRuleDir } from '../../lib/rules/read-rule-dir.ts';
import { loadSigmaRules } from '../../lib/sigma/index.ts';
import { describeShared, sharedPath } from '../support/shared-corpus.ts';
import { builtin, compile, fires, system } from './support.ts';

const pipeline = builtin('windows-audit-registry');
const SET = 'product: windows\ncategory: registry_set';

/** Security 4657 as the NXLog corpus's real event carries it (the EventLog service disabled). */
function security4657(over: Record<string, FieldValue> = {}): Record<string, FieldValue> {
  return {
    ...system('Security', 4657, 'Microsoft-Windows-Security-Auditing', 'WORKSTATION6.mordor.local'),
    SubjectUserSid: 'S-1-5-18',
    SubjectUserName: 'WORKSTATION6$',
    SubjectDomainName: 'MORDOR',
    SubjectLogonId: '0x3e7',
    ObjectName: '\\REGISTRY\\MACHINE\\SYSTEM\\ControlSet001\\Services\\EventLog',
    ObjectValueName: 'Start',
    HandleId: '0xa8',
    OperationType: '%%1905',
    OldValueType: '%%1876',
    OldValue: '2',
    NewValueType: '%%1876',
    NewValue: '4',
    ProcessId: '0x1ef0',
    ProcessName: 'C:\\Windows\\System32\\reg.exe',
    ...over,
  };
}

describe('registry_set on Security 4657', () => {
  it('TargetObject is ObjectName (CurrentControlSet is the control set 4657 names), Details DWORD (0x00000004) is 4', () => {
    const { detector, errors } = compile(SET, "selection:\n  TargetObject|contains: '\\CurrentControlSet\\Services\\EventLog'\n  Details: 'DWORD (0x00000004)'\ncondition: selection", [pipeline]);
    expect(errors).toEqual([]);
    expect(fires(detector, security4657())).toBe(1);
    expect(fires(detector, security4657({ NewValue: '2' }))).toBe(0);
    // A deletion is not a SetValue.
    expect(fires(detector, security4657({ OperationType: '%%1906' }))).toBe(0);
    expect(fires(detector, security4657({ EventID: 4663 }))).toBe(0);
  });

  it("a TargetObject test ending with one segment is the value's name (ObjectValueName)", () => {
    // SigmaHQ's registry_event_net_ntlm_downgrade, shortened: key tests and a value-name test.
    const detection = "selection_key:\n  TargetObject|contains|all:\n    - 'SYSTEM\\'\n    - 'ControlSet'\n    - '\\Control\\Lsa'\nselection_value:\n  TargetObject|endswith: '\\lmcompatibilitylevel'\n  Details:\n    - 'DWORD (0x00000000)'\n    - 'DWORD (0x00000001)'\n    - 'DWORD (0x00000002)'\ncondition: all of selection_*";
    const { detector, errors } = compile(SET, detection, [pipeline]);
    expect(errors).toEqual([]);
    const lsa = { ObjectName: '\\REGISTRY\\MACHINE\\SYSTEM\\ControlSet001\\Control\\Lsa', ObjectValueName: 'LMCompatibilityLevel', OldValue: '3', NewValue: '2' };
    expect(fires(detector, security4657(lsa))).toBe(1);
    expect(fires(detector, security4657({ ...lsa, NewValue: '3' }))).toBe(0);
    expect(fires(detector, security4657({ ...lsa, ObjectValueName: 'Other' }))).toBe(0);
  });

  it('without the pipeline, nothing on 4657', () => {
    expect(fires(compile(SET, "selection:\n  TargetObject|contains: '\\Services\\EventLog'\ncondition: selection", []).detector, security4657())).toBe(0);
  });

  it("Sysmon's hive abbreviations are the kernel's names", () => {
    const { detector } = compile(SET, "selection:\n  TargetObject|startswith: 'HKLM\\SYSTEM\\'\ncondition: selection", [pipeline]);
    expect(fires(detector, security4657())).toBe(1);
    const user = compile(SET, "selection:\n  TargetObject|startswith: 'HKU\\'\ncondition: selection", [pipeline]).detector;
    expect(fires(user, security4657({ ObjectName: '\\REGISTRY\\USER\\S-1-5-21-1-2-3-1001\\Software\\Microsoft\\Windows\\CurrentVersion\\Run' }))).toBe(1);
    expect(fires(user, security4657())).toBe(0);
  });

  it('Image is ProcessName, and a value created (%%1904) is a SetValue too', () => {
    const { detector } = compile(SET, "selection:\n  Image|endswith: '\\reg.exe'\n  EventType: SetValue\ncondition: selection", [pipeline]);
    expect(fires(detector, security4657(), security4657({ OperationType: '%%1904' }))).toBe(2);
    expect(fires(detector, security4657({ ProcessName: 'C:\\Windows\\System32\\services.exe' }))).toBe(0);
  });

  it('User is unavailable: a filter on it does not let the copy fire', () => {
    const { detector } = compile(SET, "selection:\n  TargetObject|contains: '\\Services\\EventLog'\nfilter:\n  User|contains: 'AUTHORI'\ncondition: selection and not filter", [pipeline]);
    expect(fires(detector, security4657())).toBe(0);
  });

  it('registry_event covers a deleted value too', () => {
    const { detector } = compile('product: windows\ncategory: registry_event', "selection:\n  TargetObject|contains: '\\Services\\EventLog'\ncondition: selection", [pipeline]);
    expect(fires(detector, security4657({ OperationType: '%%1906' }))).toBe(1);
  });

  it('registry_add (key creation) is not copied: 4657 logs values, not keys', () => {
    const { detector } = compile('product: windows\ncategory: registry_add', "selection:\n  TargetObject|contains: '\\Services\\EventLog'\ncondition: selection", [pipeline]);
    expect(fires(detector, security4657({ OperationType: '%%1904' }))).toBe(0);
  });
});

describeShared('registry rules on real Security 4657 events', () => {
  const hasUnzip = (() => {
    try {
      execFileSync('unzip', ['-v'], { stdio: 'ignore' });
      return true;
    } catch {
      console.warn('SKIPPED: unzip is not installed (apt-get install unzip), so the NXLog 4657 batch is not read.');
      return false;
    }
  })();

  it.skipIf(!hasUnzip)('the NTLM downgrade batch (Security Datasets) fires SigmaHQ\'s NetNTLM Downgrade rule on its 4657 events', async () => {
    const zip = sharedPath('corpus/nxlog/datasets/atomic/windows/defense_evasion/host/empire_monologue_netntlm_downgrade.zip');
    const member = execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).split('\n').find((m) => m.endsWith('.json') && !m.startsWith('__MACOSX/'))!;
    const bytes = execFileSync('unzip', ['-p', zip, member], { maxBuffer: 256 * 1024 * 1024 });
    const rule = readRuleDir(sharedPath('corpus/sigma/rules/windows/registry/registry_event/registry_event_net_ntlm_downgrade.yml'));
    const on = loadSigmaRules(rule, { pipelines: [pipeline] }).detector;
    const off = loadSigmaRules(rule, { pipelines: [] }).detector;
    const fired: string[] = [];
    let offFired = 0;
    let events4657 = 0;
    for await (const item of readEvents((async function* () { yield bytes; })(), { uri: `${zip}!${member}` })) {
      if (item.kind !== 'event' || item.event.fields['EventID'] !== 4657) continue;
      events4657++;
      if (on.match(item.event).length > 0) fired.push(`${item.event.fields['ObjectValueName']}=${item.event.fields['NewValue']}`);
      if (off.match(item.event).length > 0) offFired++;
    }
    expect(events4657).toBe(6);
    // Downgrades (LMCompatibilityLevel 2, RestrictSendingNTLMTraffic set); not the restores to 3 or the NtlmMinClientSec flags.
    expect(fired.sort()).toEqual(['LMCompatibilityLevel=2', 'RestrictSendingNTLMTraffic=0', 'RestrictSendingNTLMTraffic=2']);
    expect(offFired).toBe(0);
  });
});
