/**
 * The mix of events in a generated batch, and how each kind is filled in. Values come from small
 * pools (hosts, users, images) so a batch compresses like a real one (~10x), with random ids,
 * GUIDs and ports where real logs have them.
 */
import type { Random } from './random.ts';
import type { PlantedKind, SyntheticEvent } from './synthetic-event.ts';

/** What every kind gets from the batch: the host, time and record number it is written at. */
export interface EventContext {
  readonly random: Random;
  readonly timeMs: number;
  readonly recordId: number;
  readonly computer: string;
}

interface EventKind {
  readonly name: string;
  /** Share of the batch, in parts of the total weight. */
  readonly weight: number;
  make(ctx: EventContext): SyntheticEvent;
}

const SECURITY = { channel: 'Security', provider: 'Microsoft-Windows-Security-Auditing', providerGuid: '{54849625-5478-4994-A5BA-3E3B0328C30D}' };
const SYSMON = { channel: 'Microsoft-Windows-Sysmon/Operational', provider: 'Microsoft-Windows-Sysmon', providerGuid: '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}' };
const POWERSHELL = { channel: 'Microsoft-Windows-PowerShell/Operational', provider: 'Microsoft-Windows-PowerShell', providerGuid: '{A0C1853B-5C40-4B15-8766-3CF1C58F985A}' };
const BITS = { channel: 'Microsoft-Windows-Bits-Client/Operational', provider: 'Microsoft-Windows-Bits-Client', providerGuid: '{EF1CC15B-46C1-414E-BB95-E76B077BD51E}' };

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'oscar', 'peggy', 'trent', 'victor', 'walter', 'svc-backup', 'svc-sql', 'svc-update', 'administrator'];
const DOMAIN = 'CORP';

/** Processes with the command lines they are usually started with. */
const PROCESSES: readonly { image: string; commandLines: readonly string[]; company: string; description: string }[] = [
  { image: 'C:\\Windows\\System32\\svchost.exe', commandLines: ['C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule', 'C:\\Windows\\system32\\svchost.exe -k LocalServiceNetworkRestricted -p', 'C:\\Windows\\System32\\svchost.exe -k wsappx -p -s AppXSvc'], company: 'Microsoft Corporation', description: 'Host Process for Windows Services' },
  { image: 'C:\\Windows\\System32\\cmd.exe', commandLines: ['"C:\\Windows\\system32\\cmd.exe" /c "C:\\Scripts\\logon.bat"', 'cmd.exe /c dir C:\\Users\\Public', 'C:\\Windows\\system32\\cmd.exe /c ipconfig /all'], company: 'Microsoft Corporation', description: 'Windows Command Processor' },
  { image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', commandLines: ['"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe" -NoProfile -ExecutionPolicy Bypass -File C:\\Scripts\\inventory.ps1', 'powershell.exe -Command Get-Service'], company: 'Microsoft Corporation', description: 'Windows PowerShell' },
  { image: 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', commandLines: ['"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe" --type=renderer --lang=en-US --renderer-client-id=7', '"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe" --type=utility --utility-sub-type=network.mojom.NetworkService'], company: 'Google LLC', description: 'Google Chrome' },
  { image: 'C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE', commandLines: ['"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE"'], company: 'Microsoft Corporation', description: 'Microsoft Outlook' },
  { image: 'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE', commandLines: ['"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE" /n "C:\\Users\\Public\\Documents\\report.docx"'], company: 'Microsoft Corporation', description: 'Microsoft Word' },
  { image: 'C:\\Windows\\explorer.exe', commandLines: ['C:\\Windows\\Explorer.EXE'], company: 'Microsoft Corporation', description: 'Windows Explorer' },
  { image: 'C:\\Windows\\System32\\conhost.exe', commandLines: ['\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1'], company: 'Microsoft Corporation', description: 'Console Window Host' },
  { image: 'C:\\Windows\\System32\\taskhostw.exe', commandLines: ['taskhostw.exe {222A245B-E637-4AE9-A93F-A59CA119A75E}'], company: 'Microsoft Corporation', description: 'Host Process for Windows Tasks' },
  { image: 'C:\\Windows\\System32\\RuntimeBroker.exe', commandLines: ['C:\\Windows\\System32\\RuntimeBroker.exe -Embedding'], company: 'Microsoft Corporation', description: 'Runtime Broker' },
  { image: 'C:\\Windows\\System32\\SearchIndexer.exe', commandLines: ['C:\\Windows\\system32\\SearchIndexer.exe /Embedding'], company: 'Microsoft Corporation', description: 'Microsoft Windows Search Indexer' },
  { image: 'C:\\Windows\\System32\\wbem\\WmiPrvSE.exe', commandLines: ['C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding'], company: 'Microsoft Corporation', description: 'WMI Provider Host' },
  { image: 'C:\\Program Files\\Windows Defender\\MsMpEng.exe', commandLines: ['"C:\\Program Files\\Windows Defender\\MsMpEng.exe"'], company: 'Microsoft Corporation', description: 'Antimalware Service Executable' },
  { image: 'C:\\Windows\\System32\\msiexec.exe', commandLines: ['C:\\Windows\\system32\\msiexec.exe /V', 'C:\\Windows\\System32\\MsiExec.exe -Embedding 5C8D1A2B3E4F'], company: 'Microsoft Corporation', description: 'Windows installer' },
  { image: 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe', commandLines: ['"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe" --type=renderer --no-sandbox'], company: 'Microsoft Corporation', description: 'Microsoft Edge' },
  { image: 'C:\\Windows\\System32\\schtasks.exe', commandLines: ['schtasks.exe /query /fo LIST', 'schtasks /run /tn "\\Microsoft\\Windows\\Defrag\\ScheduledDefrag"'], company: 'Microsoft Corporation', description: 'Task Scheduler Configuration Tool' },
  { image: 'C:\\Windows\\System32\\net.exe', commandLines: ['net use Z: \\\\fileserver\\share', 'net time \\\\dc01'], company: 'Microsoft Corporation', description: 'Net Command' },
  { image: 'C:\\Program Files\\Git\\cmd\\git.exe', commandLines: ['"C:\\Program Files\\Git\\cmd\\git.exe" fetch --all', 'git.exe status --porcelain'], company: 'The Git Development Community', description: 'Git for Windows' },
  { image: 'C:\\Program Files\\Microsoft VS Code\\Code.exe', commandLines: ['"C:\\Program Files\\Microsoft VS Code\\Code.exe" --type=utility --utility-sub-type=node.mojom.NodeService'], company: 'Microsoft Corporation', description: 'Visual Studio Code' },
  { image: 'C:\\Windows\\System32\\backgroundTaskHost.exe', commandLines: ['"C:\\Windows\\system32\\backgroundTaskHost.exe" -ServerName:BackgroundTaskHost.WebAccountProvider'], company: 'Microsoft Corporation', description: 'Background Task Host' },
];

const DLLS = ['C:\\Windows\\System32\\ntdll.dll', 'C:\\Windows\\System32\\kernel32.dll', 'C:\\Windows\\System32\\KernelBase.dll', 'C:\\Windows\\System32\\advapi32.dll', 'C:\\Windows\\System32\\user32.dll', 'C:\\Windows\\System32\\combase.dll', 'C:\\Windows\\System32\\rpcrt4.dll', 'C:\\Windows\\System32\\ws2_32.dll', 'C:\\Windows\\System32\\crypt32.dll', 'C:\\Windows\\System32\\wintrust.dll', 'C:\\Windows\\System32\\bcrypt.dll', 'C:\\Windows\\System32\\sechost.dll', 'C:\\Windows\\System32\\ole32.dll', 'C:\\Windows\\System32\\shell32.dll', 'C:\\Windows\\System32\\winhttp.dll', 'C:\\Windows\\System32\\dnsapi.dll', 'C:\\Windows\\System32\\amsi.dll', 'C:\\Windows\\System32\\clr.dll'];
const REGISTRY_KEYS = ['HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\LastOnlineScanTimeForAppCategory', 'HKU\\S-1-5-21-1004336348-1177238915-682003330-1107\\Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\UserAssist\\{CEBFF5CD-ACE2-4F4F-9178-9926F41749EA}\\Count\\HRZR_PGYFRFFVBA', 'HKLM\\System\\CurrentControlSet\\Services\\bam\\State\\UserSettings\\S-1-5-21-1004336348-1177238915-682003330-1107\\Device\\HarddiskVolume3\\Windows\\explorer.exe', 'HKLM\\SOFTWARE\\Microsoft\\Windows Defender\\Signature Updates\\SignaturesLastUpdated', 'HKU\\S-1-5-21-1004336348-1177238915-682003330-1107\\Software\\Microsoft\\Office\\16.0\\Common\\Roaming\\Identities', 'HKLM\\System\\CurrentControlSet\\Services\\W32Time\\Config\\LastKnownGoodTime'];
const SCRIPT_BLOCKS = [
  'Get-ChildItem -Path C:\\Windows\\Temp -Filter *.log | Where-Object { $_.LastWriteTime -lt (Get-Date).AddDays(-30) } | Remove-Item -Force',
  'function Get-Inventory { param([string]$ComputerName = $env:COMPUTERNAME) Get-CimInstance -ClassName Win32_OperatingSystem -ComputerName $ComputerName | Select-Object Caption, Version, LastBootUpTime }',
  'Import-Module ActiveDirectory; Get-ADUser -Filter * -Properties LastLogonDate | Where-Object { $_.Enabled } | Export-Csv -Path C:\\Reports\\users.csv -NoTypeInformation',
  '$ErrorActionPreference = "Stop"; Set-StrictMode -Version Latest; $services = Get-Service | Where-Object Status -eq "Running"; $services.Count',
  'prompt',
  '{ Set-Location C:\\Users\\Public }',
];
const PUBLIC_DOMAINS = ['download.windowsupdate.com', 'officecdn.microsoft.com', 'dl.google.com', 'github.com', 'cdn.jsdelivr.net', 'download.mozilla.org', 'www.7-zip.org'];

function guid(r: Random, upper = true): string {
  const g = `${r.hex(8)}-${r.hex(4)}-4${r.hex(3)}-${r.pick(['8', '9', 'a', 'b'])}${r.hex(3)}-${r.hex(12)}`;
  return `{${upper ? g.toUpperCase() : g}}`;
}

/** Hashes are a function of the image, as in real logs where one binary has one hash. */
function hashesOf(image: string): string {
  let h = 2166136261;
  for (let i = 0; i < image.length; i++) h = Math.imul(h ^ image.charCodeAt(i), 16777619) >>> 0;
  const hex = (n: number): string => {
    let s = '';
    let x = h ^ n;
    while (s.length < 64) {
      x = Math.imul(x ^ (x >>> 13), 1274126177) >>> 0;
      s += x.toString(16).padStart(8, '0');
    }
    return s.toUpperCase();
  };
  return `SHA1=${hex(1).slice(0, 40)},MD5=${hex(2).slice(0, 32)},SHA256=${hex(3)},IMPHASH=${hex(4).slice(0, 32)}`;
}

function utc(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

function privateIp(r: Random): string {
  return `10.${r.int(0, 20)}.${r.int(0, 255)}.${r.int(1, 254)}`;
}

function publicIp(r: Random): string {
  // First octet 1-9 and 11-99 keeps clear of every private range.
  return `${r.pick([13, 20, 23, 31, 40, 45, 52, 62, 77, 91, 5, 8])}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`;
}

function userSid(r: Random): string {
  return `S-1-5-21-1004336348-1177238915-682003330-${r.int(1100, 1140)}`;
}

/**
 * Shippers add the rendered message; Windows' own text repeats every field and would double the
 * event. A few lines keep events near the ~1 KB the benchmark asks for.
 */
function renderMessage(title: string, data: Record<string, string>): string {
  let text = `${title}:`;
  let lines = 0;
  for (const [k, v] of Object.entries(data)) {
    if (lines++ === 3) break;
    text += `\r\n${k}: ${v}`;
  }
  return text;
}

function base(ctx: EventContext, src: typeof SECURITY, eventId: number, task: number, keywords: string, version = 0): Omit<SyntheticEvent, 'data' | 'message'> {
  const r = ctx.random;
  return {
    ...src,
    eventId,
    version,
    level: 4,
    task,
    opcode: 0,
    keywords,
    timeMs: ctx.timeMs,
    recordId: ctx.recordId,
    computer: ctx.computer,
    processId: r.pick([4, 628, 716, 1044, 2880, 3500]),
    threadId: r.int(100, 9000),
    userSid: 'S-1-5-18',
  };
}

function sysmonCommon(ctx: EventContext, image: string): Record<string, string> {
  const r = ctx.random;
  return {
    RuleName: '-',
    UtcTime: utc(ctx.timeMs),
    ProcessGuid: guid(r, false),
    ProcessId: String(r.int(500, 12000)),
    Image: image,
  };
}

const security4624: EventKind = {
  name: 'security-4624',
  weight: 14,
  make(ctx) {
    const r = ctx.random;
    const user = r.pick(USERS);
    const data = {
      SubjectUserSid: 'S-1-5-18', SubjectUserName: `${ctx.computer.split('.')[0]}$`, SubjectDomainName: DOMAIN, SubjectLogonId: '0x3e7',
      TargetUserSid: userSid(r), TargetUserName: user, TargetDomainName: DOMAIN, TargetLogonId: `0x${r.hex(7)}`,
      LogonType: r.pick(['2', '3', '3', '3', '5', '7', '10', '11']), LogonProcessName: r.pick(['User32 ', 'Kerberos', 'NtLmSsp ', 'Advapi  ']),
      AuthenticationPackageName: r.pick(['Kerberos', 'Negotiate', 'NTLM']), WorkstationName: ctx.computer.split('.')[0]!, LogonGuid: guid(r),
      TransmittedServices: '-', LmPackageName: '-', KeyLength: '0', ProcessId: `0x${r.hex(3)}`, ProcessName: 'C:\\Windows\\System32\\lsass.exe',
      IpAddress: r.chance(0.7) ? privateIp(r) : '-', IpPort: String(r.int(0, 65535)), ImpersonationLevel: '%%1833', RestrictedAdminMode: '-',
      TargetOutboundUserName: '-', TargetOutboundDomainName: '-', VirtualAccount: '%%1843', TargetLinkedLogonId: '0x0', ElevatedToken: r.pick(['%%1842', '%%1843']),
    };
    return { ...base(ctx, SECURITY, 4624, 12544, '0x8020000000000000', 2), data, message: renderMessage('An account was successfully logged on', data) };
  },
};

const security4625: EventKind = {
  name: 'security-4625',
  weight: 4,
  make(ctx) {
    const r = ctx.random;
    const data = {
      SubjectUserSid: 'S-1-0-0', SubjectUserName: '-', SubjectDomainName: '-', SubjectLogonId: '0x0', TargetUserSid: 'S-1-0-0',
      TargetUserName: r.pick([...USERS, 'admin', 'test', 'guest']), TargetDomainName: DOMAIN, Status: '0xc000006d', FailureReason: '%%2313',
      SubStatus: r.pick(['0xc000006a', '0xc0000064']), LogonType: r.pick(['3', '10']), LogonProcessName: 'NtLmSsp ', AuthenticationPackageName: 'NTLM',
      WorkstationName: r.pick(['-', 'KALI', 'WIN-R2D2']), TransmittedServices: '-', LmPackageName: '-', KeyLength: '0', ProcessId: '0x0', ProcessName: '-',
      IpAddress: r.chance(0.5) ? privateIp(r) : publicIp(r), IpPort: String(r.int(1024, 65535)),
    };
    return { ...base(ctx, SECURITY, 4625, 12544, '0x8010000000000000'), level: 0, data, message: renderMessage('An account failed to log on', data) };
  },
};

const security4688: EventKind = {
  name: 'security-4688',
  weight: 14,
  make(ctx) {
    const r = ctx.random;
    const proc = r.pick(PROCESSES);
    const parent = r.pick(PROCESSES);
    const data = {
      SubjectUserSid: userSid(r), SubjectUserName: r.pick(USERS), SubjectDomainName: DOMAIN, SubjectLogonId: `0x${r.hex(6)}`,
      NewProcessId: `0x${r.hex(4)}`, NewProcessName: proc.image, TokenElevationType: r.pick(['%%1936', '%%1938']), ProcessId: `0x${r.hex(4)}`,
      CommandLine: r.pick(proc.commandLines), TargetUserSid: 'S-1-0-0', TargetUserName: '-', TargetDomainName: '-', TargetLogonId: '0x0',
      ParentProcessName: parent.image, MandatoryLabel: r.pick(['S-1-16-8192', 'S-1-16-12288', 'S-1-16-16384']),
    };
    return { ...base(ctx, SECURITY, 4688, 13312, '0x8020000000000000', 2), data, message: renderMessage('A new process has been created', data) };
  },
};

const security4698: EventKind = {
  name: 'security-4698',
  weight: 1,
  make(ctx) {
    const r = ctx.random;
    const task = r.pick(['\\Microsoft\\Windows\\UpdateOrchestrator\\Schedule Scan', '\\GoogleUpdateTaskMachineUA', '\\Corp\\Inventory', '\\OneDrive Standalone Update Task-S-1-5-21-1004336348']);
    const data = {
      SubjectUserSid: userSid(r), SubjectUserName: r.pick(USERS), SubjectDomainName: DOMAIN, SubjectLogonId: `0x${r.hex(6)}`, TaskName: task,
      TaskContent: `<?xml version="1.0" encoding="UTF-16"?><Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task"><RegistrationInfo><URI>${task}</URI></RegistrationInfo><Triggers><CalendarTrigger><StartBoundary>2026-01-01T03:00:00</StartBoundary><ScheduleByDay><DaysInterval>1</DaysInterval></ScheduleByDay></CalendarTrigger></Triggers><Actions Context="Author"><Exec><Command>C:\\Program Files\\Corp\\agent.exe</Command><Arguments>/scan</Arguments></Exec></Actions></Task>`,
      ClientProcessStartKey: String(r.int(1e12, 9e12)), ClientProcessId: String(r.int(500, 12000)), ParentProcessId: String(r.int(500, 12000)), RpcCallClientLocality: '0', FQDN: ctx.computer,
    };
    return { ...base(ctx, SECURITY, 4698, 12804, '0x8020000000000000', 1), data, message: renderMessage('A scheduled task was created', data) };
  },
};

const sysmon1: EventKind = {
  name: 'sysmon-1',
  weight: 12,
  make(ctx) {
    const r = ctx.random;
    const proc = r.pick(PROCESSES);
    const parent = r.pick(PROCESSES);
    const user = r.pick(USERS);
    const data = {
      ...sysmonCommon(ctx, proc.image), FileVersion: `10.0.${r.pick([19041, 22621, 26100])}.${r.int(1, 5000)} (WinBuild.160101.0800)`, Description: proc.description,
      Product: 'Microsoft® Windows® Operating System', Company: proc.company, OriginalFileName: proc.image.split('\\').pop()!.toUpperCase(),
      CommandLine: r.pick(proc.commandLines), CurrentDirectory: r.pick(['C:\\Windows\\system32\\', `C:\\Users\\${user}\\`]), User: `${DOMAIN}\\${user}`,
      LogonGuid: guid(r, false), LogonId: `0x${r.hex(6)}`, TerminalSessionId: String(r.int(0, 3)), IntegrityLevel: r.pick(['Medium', 'High', 'System']),
      Hashes: hashesOf(proc.image), ParentProcessGuid: guid(r, false), ParentProcessId: String(r.int(500, 12000)), ParentImage: parent.image,
      ParentCommandLine: r.pick(parent.commandLines), ParentUser: `${DOMAIN}\\${user}`,
    };
    return { ...base(ctx, SYSMON, 1, 1, '0x8000000000000000', 5), data, message: renderMessage('Process Create', data) };
  },
};

const sysmon3: EventKind = {
  name: 'sysmon-3',
  weight: 14,
  make(ctx) {
    const r = ctx.random;
    const proc = r.pick(PROCESSES);
    const outbound = r.chance(0.6);
    const data = {
      ...sysmonCommon(ctx, proc.image), User: `${DOMAIN}\\${r.pick(USERS)}`, Protocol: r.pick(['tcp', 'tcp', 'udp']), Initiated: 'true', SourceIsIpv6: 'false',
      SourceIp: privateIp(r), SourceHostname: ctx.computer, SourcePort: String(r.int(49152, 65535)), SourcePortName: '-', DestinationIsIpv6: 'false',
      DestinationIp: outbound ? publicIp(r) : privateIp(r), DestinationHostname: outbound ? r.pick(PUBLIC_DOMAINS) : r.pick(['dc01.corp.example', 'fileserver.corp.example', '-']),
      DestinationPort: r.pick(['443', '443', '80', '445', '53', '135', '3389']), DestinationPortName: r.pick(['https', 'http', 'microsoft-ds', 'domain', '-']),
    };
    return { ...base(ctx, SYSMON, 3, 3, '0x8000000000000000', 5), data, message: renderMessage('Network connection detected', data) };
  },
};

const sysmon7: EventKind = {
  name: 'sysmon-7',
  weight: 16,
  make(ctx) {
    const r = ctx.random;
    const proc = r.pick(PROCESSES);
    const dll = r.pick(DLLS);
    const data = {
      ...sysmonCommon(ctx, proc.image), ImageLoaded: dll, FileVersion: `10.0.${r.pick([19041, 22621, 26100])}.1 (WinBuild.160101.0800)`,
      Description: 'Windows NT BASE API Client DLL', Product: 'Microsoft® Windows® Operating System', Company: 'Microsoft Corporation',
      OriginalFileName: dll.split('\\').pop()!, Hashes: hashesOf(dll), Signed: 'true', Signature: 'Microsoft Windows', SignatureStatus: 'Valid', User: `${DOMAIN}\\${r.pick(USERS)}`,
    };
    return { ...base(ctx, SYSMON, 7, 7, '0x8000000000000000', 3), data, message: renderMessage('Image loaded', data) };
  },
};

const sysmon11: EventKind = {
  name: 'sysmon-11',
  weight: 8,
  make(ctx) {
    const r = ctx.random;
    const proc = r.pick(PROCESSES);
    const user = r.pick(USERS);
    const data = {
      ...sysmonCommon(ctx, proc.image),
      TargetFilename: r.pick([`C:\\Users\\${user}\\AppData\\Local\\Temp\\${r.hex(8)}.tmp`, `C:\\Users\\${user}\\Downloads\\report-${r.int(1, 999)}.pdf`, `C:\\Windows\\Prefetch\\${proc.image.split('\\').pop()!.toUpperCase()}-${r.hex(8).toUpperCase()}.pf`, `C:\\ProgramData\\Microsoft\\Windows Defender\\Scans\\History\\${r.hex(16)}`]),
      CreationUtcTime: utc(ctx.timeMs - r.int(0, 86_400_000)), User: `${DOMAIN}\\${user}`,
    };
    return { ...base(ctx, SYSMON, 11, 11, '0x8000000000000000', 2), data, message: renderMessage('File created', data) };
  },
};

const sysmon13: EventKind = {
  name: 'sysmon-13',
  weight: 10,
  make(ctx) {
    const r = ctx.random;
    const proc = r.pick(PROCESSES);
    const data = {
      ...sysmonCommon(ctx, proc.image), EventType: 'SetValue', TargetObject: r.pick(REGISTRY_KEYS),
      Details: r.pick(['DWORD (0x00000001)', 'DWORD (0x00000000)', 'Binary Data', `QWORD (0x${r.hex(8)}-0x${r.hex(8)})`]), User: 'NT AUTHORITY\\SYSTEM',
    };
    return { ...base(ctx, SYSMON, 13, 13, '0x8000000000000000', 2), data, message: renderMessage('Registry value set', data) };
  },
};

const powershell4104: EventKind = {
  name: 'powershell-4104',
  weight: 4,
  make(ctx) {
    const r = ctx.random;
    const data = {
      MessageNumber: '1', MessageTotal: '1', ScriptBlockText: r.pick(SCRIPT_BLOCKS), ScriptBlockId: guid(r, false).slice(1, -1),
      Path: r.pick(['', 'C:\\Scripts\\inventory.ps1', 'C:\\Program Files\\WindowsPowerShell\\Modules\\PSReadLine\\2.0.0\\PSReadLine.psm1']),
    };
    return { ...base(ctx, POWERSHELL, 4104, 2, '0x0', 1), level: 5, userSid: userSid(r), data, message: renderMessage('Creating Scriptblock text (1 of 1)', data) };
  },
};

const bits3: EventKind = {
  name: 'bits-3',
  weight: 1,
  make(ctx) {
    const r = ctx.random;
    const user = r.pick(USERS);
    const data = { jobTitle: r.pick(['Chrome Component Updater', 'Microsoft Edge Update', 'WU Client Download', 'Font Download']), jobId: guid(r), jobOwner: `${DOMAIN}\\${user}`, processPath: r.pick(PROCESSES).image, processId: String(r.int(500, 12000)), ClientProcessStartKey: String(r.int(1e12, 9e12)) };
    return { ...base(ctx, BITS, 3, 0, '0x4000000000000000', 2), userSid: userSid(r), data, message: `The BITS service created a new job.\r\nTransfer job: ${data.jobTitle}\r\nJob ID: ${data.jobId}\r\nOwner: ${data.jobOwner}\r\nProcess Path: ${data.processPath}\r\nProcess ID: ${data.processId}` };
  },
};

const bits59: EventKind = {
  name: 'bits-59',
  weight: 1,
  make(ctx) {
    const r = ctx.random;
    const data = { transferId: guid(r), name: r.pick(['Chrome Component Updater', 'WU Client Download']), Id: guid(r), url: `https://${r.pick(PUBLIC_DOMAINS)}/update/${r.hex(12)}.cab`, peer: '', fileTime: '2026-11-20T00:00:00.000Z', fileLength: String(r.int(1000, 90_000_000)), bytesTotal: String(r.int(1000, 90_000_000)), bytesTransferred: '0', bytesTransferredFromPeer: '0' };
    return { ...base(ctx, BITS, 59, 0, '0x4000000000000000', 1), data, message: `BITS started the ${data.name} transfer job that is associated with the ${data.url} URL.` };
  },
};

const bits60: EventKind = {
  name: 'bits-60',
  weight: 1,
  make(ctx) {
    const r = ctx.random;
    const data = { transferId: guid(r), name: r.pick(['Chrome Component Updater', 'WU Client Download']), Id: guid(r), url: `https://${r.pick(PUBLIC_DOMAINS)}/update/${r.hex(12)}.cab`, peer: '', hr: '0', fileTime: '2026-11-20T00:00:00.000Z', fileLength: String(r.int(1000, 90_000_000)), bytesTotal: String(r.int(1000, 90_000_000)), bytesTransferred: String(r.int(1000, 90_000_000)), proxy: '', peerProtocolFlags: '0', bytesTransferredFromPeer: '0', AdditionalInfoHr: '0', PeerContextInfo: '0', BandwidthLimit: '18446744073709551615', ignoreBandwidthLimitsOnLan: 'false' };
    return { ...base(ctx, BITS, 60, 0, '0x4000000000000000', 1), data, message: `BITS stopped transferring the ${data.name} transfer job that is associated with the ${data.url} URL. The status code is 0x0.` };
  },
};

/** 16403: mostly ordinary downloads; a small share are the jobs the bundled rules hunt. */
const bits16403: EventKind = {
  name: 'bits-16403',
  weight: 1,
  make(ctx) {
    const r = ctx.random;
    const user = r.pick(USERS);
    let planted: PlantedKind | undefined;
    let remote = `https://${r.pick(PUBLIC_DOMAINS.filter((d) => d.endsWith('.com')))}/update/${r.hex(12)}.cab`;
    const roll = r.next();
    if (roll < 0.05) {
      planted = 'bits-public-ip';
      remote = `http://${publicIp(r)}/${r.pick(['update', 'files', 'x'])}/${r.pick(['svchost.exe', 'payload.dll', 'a.ps1'])}`;
    } else if (roll < 0.08) {
      planted = 'bits-private-ip';
      remote = `http://${privateIp(r)}/share/${r.hex(6)}.msi`;
    } else if (roll < 0.1) {
      planted = 'bits-uncommon-tld';
      remote = `https://${r.pick(['cdn-update', 'files', 'dl'])}.${r.pick(['xyz', 'top', 'ru', 'click'])}/${r.hex(8)}.exe`;
    }
    const data = {
      User: `${DOMAIN}\\${user}`, jobTitle: r.pick(['Chrome Component Updater', 'Microsoft Edge Update', 'job']), jobId: guid(r), jobOwner: `${DOMAIN}\\${user}`,
      fileCount: '1', RemoteName: remote, LocalName: `C:\\Users\\${user}\\AppData\\Local\\Temp\\${r.hex(8)}.tmp`, processId: String(r.int(500, 12000)), ClientProcessStartKey: String(r.int(1e12, 9e12)),
    };
    const event: SyntheticEvent = { ...base(ctx, BITS, 16403, 0, '0x4000000000000000'), userSid: userSid(r), data, message: `BITS started the ${data.jobTitle} transfer job that is associated with the ${remote} URL.` };
    return planted ? { ...event, planted } : event;
  },
};

export const EVENT_MIX: readonly EventKind[] = [
  security4624, security4625, security4688, security4698,
  sysmon1, sysmon3, sysmon7, sysmon11, sysmon13,
  powershell4104,
  bits3, bits59, bits60, bits16403,
];

const TOTAL_WEIGHT = EVENT_MIX.reduce((sum, k) => sum + k.weight, 0);

/** Picks a kind by weight and fills it in. */
export function makeEvent(ctx: EventContext): SyntheticEvent {
  let roll = ctx.random.next() * TOTAL_WEIGHT;
  for (const kind of EVENT_MIX) {
    roll -= kind.weight;
    if (roll < 0) return kind.make(ctx);
  }
  return EVENT_MIX[EVENT_MIX.length - 1]!.make(ctx);
}
