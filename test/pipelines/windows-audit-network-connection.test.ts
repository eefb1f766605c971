/**
 * pipelines/windows-audit-network-connection.yml on its own: network_connection rules also on
 * Security 5156 (device paths, Direction and Protocol codes, 5156's address and port names).
 */
import { describe, expect, it } from 'vitest';
import type { FieldValue } from '../../lib/events/win-event.ts';
import { builtin, compile, fires, system } from './support.ts';

const pipeline = builtin('windows-audit-network-connection');
const NET = 'product: windows\ncategory: network_connection';

/** Security 5156 as the NXLog corpus's real events carry it. */
function security5156(over: Record<string, FieldValue> = {}): Record<string, FieldValue> {
  return {
    ...system('Security', 5156, 'Microsoft-Windows-Security-Auditing', 'WORKSTATION5.theshire.local'),
    ProcessID: '4584',
    Application: '\\device\\harddiskvolume2\\windows\\system32\\windowspowershell\\v1.0\\powershell.exe',
    Direction: '%%14593',
    SourceAddress: '172.18.39.5',
    SourcePort: '61628',
    DestAddress: '151.101.208.133',
    DestPort: '443',
    Protocol: '6',
    FilterRTID: '70676',
    LayerName: '%%14611',
    LayerRTID: '48',
    RemoteUserID: 'S-1-0-0',
    RemoteMachineID: 'S-1-0-0',
    ...over,
  };
}

describe('network_connection on Security 5156', () => {
  const outbound = "selection:\n  Image|endswith: '\\powershell.exe'\n  Initiated: 'true'\n  DestinationPort: 443\n  Protocol: tcp\ncondition: selection";

  it('Image ends the device path, Initiated is Direction %%14593, Protocol tcp is 6, DestinationPort is DestPort', () => {
    const { detector, errors } = compile(NET, outbound, [pipeline]);
    expect(errors).toEqual([]);
    expect(fires(detector, security5156())).toBe(1);
    expect(fires(detector, security5156({ Direction: '%%14592' }))).toBe(0);
    expect(fires(detector, security5156({ Protocol: '17' }))).toBe(0);
    expect(fires(detector, security5156({ DestPort: '80' }))).toBe(0);
    expect(fires(detector, security5156({ EventID: 5157 }))).toBe(0);
  });

  it('without the pipeline, nothing on 5156', () => {
    expect(fires(compile(NET, outbound, []).detector, security5156())).toBe(0);
  });

  it('a drive-letter path is a device path on any volume (startswith, and contains after the colon)', () => {
    const { detector } = compile(NET, "selection:\n  Image|startswith: 'C:\\Users\\'\ncondition: selection", [pipeline]);
    expect(fires(detector, security5156({ Application: '\\device\\harddiskvolume2\\users\\it01-pedro\\downloads\\payload.exe' }))).toBe(1);
    expect(fires(detector, security5156())).toBe(0);
    const contains = compile(NET, "selection:\n  Image|contains: ':\\Users\\Public\\'\ncondition: selection", [pipeline]).detector;
    expect(fires(contains, security5156({ Application: '\\device\\harddiskvolume3\\users\\public\\x.exe' }))).toBe(1);
  });

  it('a filter on the install folder applies to device paths', () => {
    const { detector } = compile(NET, "selection:\n  Initiated: 'true'\nfilter:\n  Image|startswith: 'C:\\Windows\\'\ncondition: selection and not filter", [pipeline]);
    expect(fires(detector, security5156())).toBe(0);
    expect(fires(detector, security5156({ Application: '\\device\\harddiskvolume2\\users\\public\\x.exe' }))).toBe(1);
  });

  it('DestinationIp|cidr is DestAddress', () => {
    const { detector } = compile(NET, "selection:\n  DestinationIp|cidr: '151.101.0.0/16'\ncondition: selection", [pipeline]);
    expect(fires(detector, security5156())).toBe(1);
    expect(fires(detector, security5156({ DestAddress: '10.0.0.1' }))).toBe(0);
  });

  it('DestinationHostname is unavailable: required, the copy never fires; under `not`, the copy is refused', () => {
    const required = compile(NET, "selection:\n  Image|endswith: '\\powershell.exe'\n  DestinationHostname|endswith: '.ngrok.io'\ncondition: selection", [pipeline]).detector;
    expect(fires(required, security5156())).toBe(0);
    const filtered = compile(NET, "selection:\n  Image|endswith: '\\powershell.exe'\nfilter:\n  DestinationHostname|endswith: '.microsoft.com'\ncondition: selection and not filter", [pipeline]).detector;
    expect(fires(filtered, security5156())).toBe(0);
  });
});
