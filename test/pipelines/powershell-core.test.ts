/**
 * pipelines/powershell-core.yml on its own: ps_script (4104) and ps_module (4103) rules also on
 * PowerShell 7's PowerShellCore/Operational channel. The corpora in ../shared hold no PowerShell 7
 * event, so the events here are written in the layout PowerShell 7 uses (the same EventData as
 * Windows PowerShell 5.1's).
 */
import { describe, expect, it } from 'vitest';
import type { FieldValue } from '../../lib/events/win-event.ts';
import { builtin, compile, fires, system } from './support.ts';

const pipeline = builtin('powershell-core');
const PS5 = 'Microsoft-Windows-PowerShell/Operational';
const PS7 = 'PowerShellCore/Operational';

function scriptBlock(channel: string, over: Record<string, FieldValue> = {}): Record<string, FieldValue> {
  return {
    ...system(channel, 4104, channel === PS7 ? 'PowerShellCore' : 'Microsoft-Windows-PowerShell'),
    MessageNumber: 1,
    MessageTotal: 1,
    ScriptBlockText: 'Add-MpPreference -ExclusionPath C:\\Users\\Public',
    ScriptBlockId: '0b8a3f9e-1b57-4cf5-a1f3-4a7b0d7e0f4d',
    Path: '',
    ...over,
  };
}

function moduleEvent(channel: string, over: Record<string, FieldValue> = {}): Record<string, FieldValue> {
  return {
    ...system(channel, 4103, channel === PS7 ? 'PowerShellCore' : 'Microsoft-Windows-PowerShell'),
    ContextInfo: '        Severity = Informational\r\n        Host Name = ConsoleHost\r\n        Host Application = C:\\Program Files\\PowerShell\\7\\pwsh.exe\r\n',
    UserData: '',
    Payload: 'CommandInvocation(Add-MpPreference): "Add-MpPreference"\r\nParameterBinding(Add-MpPreference): name="ExclusionPath"; value="C:\\Users\\Public"',
    ...over,
  };
}

describe('PowerShell rules on PowerShell 7 (PowerShellCore/Operational)', () => {
  const script = "selection:\n  ScriptBlockText|contains: 'Add-MpPreference'\ncondition: selection";

  it('a ps_script rule fires on 4104 in both channels', () => {
    const { detector, errors } = compile('product: windows\ncategory: ps_script', script, [pipeline]);
    expect(errors).toEqual([]);
    expect(fires(detector, scriptBlock(PS5), scriptBlock(PS7))).toBe(2);
  });

  it('without the pipeline, only Windows PowerShell', () => {
    const { detector } = compile('product: windows\ncategory: ps_script', script, []);
    expect(fires(detector, scriptBlock(PS5), scriptBlock(PS7))).toBe(1);
  });

  it('only 4104 for ps_script in PowerShell 7, only 4103 for ps_module', () => {
    expect(fires(compile('product: windows\ncategory: ps_script', script, [pipeline]).detector, scriptBlock(PS7, { EventID: 4103 }))).toBe(0);
    const module = compile('product: windows\ncategory: ps_module', "selection:\n  Payload|contains: 'ExclusionPath'\ncondition: selection", [pipeline]).detector;
    expect(fires(module, moduleEvent(PS7), moduleEvent(PS5))).toBe(2);
    expect(fires(module, moduleEvent(PS7, { EventID: 4104 }))).toBe(0);
  });

  it('not another channel with the same event id', () => {
    const { detector } = compile('product: windows\ncategory: ps_script', script, [pipeline]);
    expect(fires(detector, scriptBlock('Microsoft-Windows-PowerShell-DesiredStateConfiguration-FileDownloadManager/Operational'))).toBe(0);
  });

  it('classic PowerShell rules (400/600/800) are not copied: PowerShell 7 does not write that log', () => {
    const { detector } = compile('product: windows\ncategory: ps_classic_start', "selection:\n  Data|contains: 'HostApplication=pwsh'\ncondition: selection", [pipeline]);
    expect(fires(detector, { ...system(PS7, 400, 'PowerShellCore'), Data: 'HostApplication=pwsh.exe' })).toBe(0);
    expect(fires(detector, { ...system('Windows PowerShell', 400, 'PowerShell'), Data: 'HostApplication=pwsh.exe' })).toBe(1);
  });
});
