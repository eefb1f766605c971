/**
 * pipelines/windows-audit-process-creation.yml on its own: process_creation rules also on
 * Security 4688, with 4688's field names and value forms, never firing on a field 4688 lacks.
 */
import { createReadStream } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FieldValue } from '../../lib/events/win-event.ts';
import { readEvents } from '../../lib/ingest/read-events.ts';
import { readRuleDir } from '../../lib/rules/read-rule-dir.ts';
import { loadSigmaRules } from '../../lib/sigma/index.ts';
import { describeShared, sharedPath } from '../support/shared-corpus.ts';
import { builtin, compile, event, fires, system } from './support.ts';

const pipeline = builtin('windows-audit-process-creation');
const PC = 'product: windows\ncategory: process_creation';
const SYSMON = 'Microsoft-Windows-Sysmon/Operational';

/** Security 4688, version 2, as the corpus's real events carry it (ID4688-DNS DLL serverlevelplugindll command.evtx). */
function security4688(over: Record<string, FieldValue> = {}): Record<string, FieldValue> {
  return {
    ...system('Security', 4688, 'Microsoft-Windows-Security-Auditing', 'rootdc1.offsec.lan'),
    SubjectUserSid: 'S-1-5-21-4230534742-2542757381-3142984815-1111',
    SubjectUserName: 'admmig',
    SubjectDomainName: 'OFFSEC',
    SubjectLogonId: '0x907c7c09',
    NewProcessId: '0x1498',
    NewProcessName: 'C:\\Windows\\System32\\dnscmd.exe',
    TokenElevationType: '%%1937',
    ProcessId: '0x114',
    CommandLine: 'dnscmd.exe  /config /serverlevelplugindll "C:\\TOOLS\\Mimikatz-fev-2020\\mimilib.dll"',
    TargetUserSid: 'S-1-0-0',
    TargetUserName: '-',
    TargetDomainName: '-',
    TargetLogonId: '0x0',
    ParentProcessName: 'C:\\Windows\\System32\\cmd.exe',
    MandatoryLabel: 'S-1-16-12288',
    ...over,
  };
}

/** The same process creation as Sysmon Event 1 writes it. */
function sysmon1(over: Record<string, FieldValue> = {}): Record<string, FieldValue> {
  return {
    ...system(SYSMON, 1, 'Microsoft-Windows-Sysmon', 'rootdc1.offsec.lan'),
    RuleName: '-',
    UtcTime: '2021-05-18 21:30:17.318',
    ProcessGuid: '{6d9f3d8b-3029-60a4-ad04-000000000a00}',
    ProcessId: 5272,
    Image: 'C:\\Windows\\System32\\dnscmd.exe',
    FileVersion: '10.0.17763.1 (WinBuild.160101.0800)',
    Description: 'DNS Server Management Tool',
    Product: 'Microsoft® Windows® Operating System',
    Company: 'Microsoft Corporation',
    OriginalFileName: 'dnscmd.exe',
    CommandLine: 'dnscmd.exe  /config /serverlevelplugindll "C:\\TOOLS\\Mimikatz-fev-2020\\mimilib.dll"',
    CurrentDirectory: 'C:\\Users\\admmig\\',
    User: 'OFFSEC\\admmig',
    LogonGuid: '{6d9f3d8b-1d71-60a4-097c-7c9000000000}',
    LogonId: '0x907c7c09',
    TerminalSessionId: 2,
    IntegrityLevel: 'High',
    Hashes: 'SHA256=1E3B0D2F8C8A8E5D6C0A9A1B2C3D4E5F60718293A4B5C6D7E8F9000112233445',
    ParentProcessGuid: '{6d9f3d8b-3020-60a4-ac04-000000000a00}',
    ParentProcessId: 276,
    ParentImage: 'C:\\Windows\\System32\\cmd.exe',
    ParentCommandLine: '"C:\\Windows\\system32\\cmd.exe"',
    ParentUser: 'OFFSEC\\admmig',
    ...over,
  };
}

describe('process_creation on Security 4688: the copy', () => {
  const dnscmd = "selection:\n  Image|endswith: '\\dnscmd.exe'\n  CommandLine|contains|all:\n    - '/config'\n    - '/serverlevelplugindll'\ncondition: selection";

  it('fires on the 4688 event and still on Sysmon Event 1 (the rule as written)', () => {
    const { detector, errors } = compile(PC, dnscmd, [pipeline]);
    expect(errors).toEqual([]);
    expect(fires(detector, security4688())).toBe(1);
    expect(fires(detector, sysmon1())).toBe(1);
  });

  it('without the pipeline, a process_creation rule never sees 4688 (the state before)', () => {
    const { detector } = compile(PC, dnscmd, []);
    expect(fires(detector, security4688())).toBe(0);
    expect(fires(detector, sysmon1())).toBe(1);
  });

  it('only event 4688 of the Security log: not 4689 (process exit) with the same names, not another channel', () => {
    const { detector } = compile(PC, dnscmd, [pipeline]);
    expect(fires(detector, security4688({ EventID: 4689 }))).toBe(0);
    expect(fires(detector, security4688({ Channel: 'System' }))).toBe(0);
  });

  it('reads NewProcessName for Image, not a field the 4688 event does not have', () => {
    const { detector } = compile(PC, dnscmd, [pipeline]);
    expect(fires(detector, security4688({ NewProcessName: 'C:\\Windows\\System32\\cmd.exe' }))).toBe(0);
    // An Image field on a Security event (no real 4688 has one) is not what the copy reads.
    expect(fires(detector, security4688({ NewProcessName: 'C:\\x\\other.exe', Image: 'C:\\Windows\\System32\\dnscmd.exe' }))).toBe(0);
  });

  it('ParentImage is ParentProcessName', () => {
    const { detector } = compile(PC, "selection:\n  ParentImage|endswith: '\\cmd.exe'\n  Image|endswith: '\\dnscmd.exe'\ncondition: selection", [pipeline]);
    expect(fires(detector, security4688())).toBe(1);
    expect(fires(detector, security4688({ ParentProcessName: 'C:\\Windows\\explorer.exe' }))).toBe(0);
  });

  it('IntegrityLevel names are MandatoryLabel SIDs (High = S-1-16-12288, System = S-1-16-16384)', () => {
    const { detector } = compile(PC, "selection:\n  Image|endswith: '\\dnscmd.exe'\n  IntegrityLevel:\n    - 'High'\n    - 'System'\ncondition: selection", [pipeline]);
    expect(fires(detector, security4688({ MandatoryLabel: 'S-1-16-12288' }))).toBe(1);
    expect(fires(detector, security4688({ MandatoryLabel: 'S-1-16-16384' }))).toBe(1);
    expect(fires(detector, security4688({ MandatoryLabel: 'S-1-16-8192' }))).toBe(0);
    expect(fires(detector, sysmon1({ IntegrityLevel: 'High' }))).toBe(1);
    expect(fires(detector, sysmon1({ IntegrityLevel: 'Medium' }))).toBe(0);
  });

  it('LogonId is SubjectLogonId (hex LUID)', () => {
    const { detector } = compile(PC, "selection:\n  Image|endswith: '\\dnscmd.exe'\n  LogonId: '0x3e7'\ncondition: selection", [pipeline]);
    expect(fires(detector, security4688({ SubjectLogonId: '0x3e7' }))).toBe(1);
    expect(fires(detector, security4688())).toBe(0);
  });

  it("4688's own field names work in a process_creation rule", () => {
    const { detector } = compile(PC, "selection:\n  NewProcessName|endswith: '\\dnscmd.exe'\n  TokenElevationType: '%%1937'\ncondition: selection", [pipeline]);
    expect(fires(detector, security4688())).toBe(1);
  });
});

describe('process_creation on Security 4688: never on a field 4688 lacks', () => {
  it('a rule using OriginalFileName only under `not` does NOT fire on a 4688 event (the copy is refused)', () => {
    const detection = "selection:\n  Image|endswith: '\\dnscmd.exe'\nfilter:\n  OriginalFileName: 'dnscmd.exe'\ncondition: selection and not filter";
    const { detector } = compile(PC, detection, [pipeline]);
    expect(fires(detector, security4688())).toBe(0);
    // As written it still works on Sysmon: a renamed binary fires, the genuine one does not.
    expect(fires(detector, sysmon1({ OriginalFileName: 'evil.exe' }))).toBe(1);
    expect(fires(detector, sysmon1())).toBe(0);
  });

  it('a rule needing OriginalFileName (AND) never fires on 4688', () => {
    const { detector } = compile(PC, "selection:\n  Image|endswith: '\\dnscmd.exe'\n  OriginalFileName: 'dnscmd.exe'\ncondition: selection", [pipeline]);
    expect(fires(detector, security4688())).toBe(0);
    expect(fires(detector, sysmon1())).toBe(1);
  });

  it('OriginalFileName as an alternative (OR) leaves the Image test to fire on 4688', () => {
    const { detector } = compile(PC, "selection:\n  - Image|endswith: '\\dnscmd.exe'\n  - OriginalFileName: 'dnscmd.exe'\ncondition: selection", [pipeline]);
    expect(fires(detector, security4688())).toBe(1);
    expect(fires(detector, security4688({ NewProcessName: 'C:\\x\\renamed.exe' }))).toBe(0);
  });

  for (const [field, value] of [
    ['Hashes', 'SHA256=1E3B'],
    ['Company', 'Microsoft Corporation'],
    ['Product', 'Microsoft'],
    ['Description', 'DNS'],
    ['ParentCommandLine', 'cmd.exe'],
    ['CurrentDirectory', 'C:\\Users\\'],
    ['User', 'AUTHORI'],
  ] as const) {
    it(`${field} under \`not\` does not let the 4688 copy fire`, () => {
      const { detector } = compile(PC, `selection:\n  Image|endswith: '\\dnscmd.exe'\nfilter:\n  ${field}|contains: '${value}'\ncondition: selection and not filter`, [pipeline]);
      expect(fires(detector, security4688())).toBe(0);
    });
  }

  it("Sysmon's ProcessId (decimal, the new process) is not 4688's ProcessId (hex, the parent)", () => {
    const { detector } = compile(PC, "selection:\n  Image|endswith: '\\dnscmd.exe'\n  ProcessId: '0x114'\ncondition: selection", [pipeline]);
    // The 4688 event's ProcessId is 0x114: the parent. The rule meant the new process: no match.
    expect(fires(detector, security4688())).toBe(0);
  });

  it('User is not mapped: SYSTEM is the machine account in 4688, not NT AUTHORITY\\SYSTEM', () => {
    const { detector } = compile(PC, "selection:\n  Image|endswith: '\\dnscmd.exe'\n  User|contains: 'AUTHORI'\ncondition: selection", [pipeline]);
    expect(fires(detector, security4688({ SubjectUserSid: 'S-1-5-18', SubjectUserName: 'ROOTDC1$', SubjectDomainName: 'OFFSEC', SubjectLogonId: '0x3e7' }))).toBe(0);
    expect(fires(detector, sysmon1({ User: 'NT AUTHORITY\\SYSTEM' }))).toBe(1);
  });
});

describeShared('process_creation on real Security 4688 events', () => {
  const DNSCMD_RULE = 'f63b56ee-3f79-4b8a-97fb-5c48007e8573';

  it('ID4688-DNS DLL serverlevelplugindll command.evtx fires proc_creation_win_dnscmd_install_new_server_level_plugin_dll', async () => {
    const rule = readRuleDir(sharedPath('corpus/sigma/rules/windows/process_creation/proc_creation_win_dnscmd_install_new_server_level_plugin_dll.yml'));
    const file = sharedPath('corpus/evtx/EVTX-to-MITRE-Attack/TA0003-Persistence/T1574-Hijack Execution Flow/ID4688-DNS DLL serverlevelplugindll command.evtx');
    const counts = { with: 0, without: 0, events4688: 0 };
    const withPipeline = loadSigmaRules(rule, { pipelines: [pipeline] }).detector;
    const without = loadSigmaRules(rule, { pipelines: [] }).detector;
    for await (const item of readEvents(createReadStream(file), { uri: file })) {
      if (item.kind !== 'event') continue;
      if (item.event.fields['EventID'] === 4688) counts.events4688++;
      if (withPipeline.match(item.event).some((r) => r.id === DNSCMD_RULE)) counts.with++;
      if (without.match(item.event).some((r) => r.id === DNSCMD_RULE)) counts.without++;
    }
    expect(counts.events4688).toBeGreaterThan(0);
    expect(counts.with).toBe(1);
    expect(counts.without).toBe(0);
  });

  it('the built-ins by default (no pipelines option) do the same', async () => {
    const rule = readRuleDir(sharedPath('corpus/sigma/rules/windows/process_creation/proc_creation_win_dnscmd_install_new_server_level_plugin_dll.yml'));
    const { detector } = loadSigmaRules(rule);
    expect(detector.match(event(security4688())).map((r) => r.id)).toEqual([DNSCMD_RULE]);
  });
});
