/**
 * Logsource taxonomy for Windows (sigma appendix taxonomy; channel names as Windows writes them):
 * which channels and event ids a rule's `product/category/service` covers, so a rule never fires
 * on an unrelated provider that happens to share an EventID.
 */
import { SigmaCompileError } from './compile-error.ts';

export interface Logsource {
  readonly product?: string;
  readonly category?: string;
  readonly service?: string;
}

/** Where a rule applies: `null` channels means any Windows channel. */
export interface LogsourceRoute {
  readonly channels: readonly string[] | null;
  readonly eventIds: readonly number[] | null;
  /** A logsource of another product (linux, a web proxy...): never matches a Windows event. */
  readonly foreign: boolean;
}

/** Extra logsources a deployment declares, keyed `service:NAME`, `category:NAME` or `product:NAME`. */
export type LogsourceConfig = Readonly<Record<string, { readonly channels?: readonly string[]; readonly eventIds?: readonly number[] }>>;

const SYSMON = 'Microsoft-Windows-Sysmon/Operational';
const PS = 'Microsoft-Windows-PowerShell/Operational';
const PS_CLASSIC = 'Windows PowerShell';

const SERVICES: Readonly<Record<string, readonly string[]>> = {
  security: ['Security'],
  system: ['System'],
  application: ['Application'],
  sysmon: [SYSMON],
  powershell: [PS],
  // PowerShell 7 writes module (4103) and script-block (4104) logging here; the built-in
  // pipeline pipelines/powershell-core.yml routes ps_module/ps_script rules to it too.
  'powershell-core': ['PowerShellCore/Operational'],
  'powershell-classic': [PS_CLASSIC],
  'bits-client': ['Microsoft-Windows-Bits-Client/Operational'],
  windefend: ['Microsoft-Windows-Windows Defender/Operational'],
  taskscheduler: ['Microsoft-Windows-TaskScheduler/Operational'],
  wmi: ['Microsoft-Windows-WMI-Activity/Operational'],
  'dns-server': ['DNS Server'],
  'dns-server-analytic': ['Microsoft-Windows-DNS-Server/Analytical'],
  'dns-server-audit': ['Microsoft-Windows-DNS-Server/Audit'],
  'dns-client': ['Microsoft-Windows-DNS Client Events/Operational'],
  'driver-framework': ['Microsoft-Windows-DriverFrameworks-UserMode/Operational'],
  ntlm: ['Microsoft-Windows-NTLM/Operational'],
  dhcp: ['Microsoft-Windows-DHCP-Server/Operational'],
  applocker: [
    'Microsoft-Windows-AppLocker/MSI and Script',
    'Microsoft-Windows-AppLocker/EXE and DLL',
    'Microsoft-Windows-AppLocker/Packaged app-Deployment',
    'Microsoft-Windows-AppLocker/Packaged app-Execution',
  ],
  'msexchange-management': ['MSExchange Management'],
  'printservice-admin': ['Microsoft-Windows-PrintService/Admin'],
  'printservice-operational': ['Microsoft-Windows-PrintService/Operational'],
  'terminalservices-localsessionmanager': ['Microsoft-Windows-TerminalServices-LocalSessionManager/Operational'],
  'smbclient-security': ['Microsoft-Windows-SmbClient/Security'],
  'smbclient-connectivity': ['Microsoft-Windows-SmbClient/Connectivity'],
  'smbserver-connectivity': ['Microsoft-Windows-SMBServer/Connectivity'],
  'codeintegrity-operational': ['Microsoft-Windows-CodeIntegrity/Operational'],
  'firewall-as': ['Microsoft-Windows-Windows Firewall With Advanced Security/Firewall'],
  'security-mitigations': ['Microsoft-Windows-Security-Mitigations/Kernel Mode', 'Microsoft-Windows-Security-Mitigations/User Mode'],
  'diagnosis-scripted': ['Microsoft-Windows-Diagnosis-Scripted/Operational'],
  'shell-core': ['Microsoft-Windows-Shell-Core/Operational'],
  openssh: ['OpenSSH/Operational'],
  ldap: ['Microsoft-Windows-LDAP-Client/Debug'],
  'lsa-server': ['Microsoft-Windows-LSA/Operational'],
  'appmodel-runtime': ['Microsoft-Windows-AppModel-Runtime/Admin'],
  capi2: ['Microsoft-Windows-CAPI2/Operational'],
  'certificateservicesclient-lifecycle-system': ['Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational'],
  'appxdeployment-server': ['Microsoft-Windows-AppXDeploymentServer/Operational'],
  'appxpackaging-om': ['Microsoft-Windows-AppxPackaging/Operational'],
  'iis-configuration': ['Microsoft-IIS-Configuration/Operational'],
  'microsoft-servicebus-client': ['Microsoft-ServiceBus-Client'],
  'servicebus-client': ['Microsoft-ServiceBus-Client'],
  'kernel-shimengine': ['Microsoft-Windows-Kernel-ShimEngine/Operational'],
  'hyper-v-worker': ['Microsoft-Windows-Hyper-V-Worker'],
  'sysmon-error': [SYSMON],
  'vhdmp': ['Microsoft-Windows-VHDMP/Operational'],
  'ntfs': ['Microsoft-Windows-Ntfs/Operational'],
};

/** Categories: the Sysmon (or PowerShell) events that carry them. */
const CATEGORIES: Readonly<Record<string, { channels: readonly string[]; eventIds: readonly number[] }>> = {
  process_creation: { channels: [SYSMON], eventIds: [1] },
  file_change: { channels: [SYSMON], eventIds: [2] },
  network_connection: { channels: [SYSMON], eventIds: [3] },
  sysmon_status: { channels: [SYSMON], eventIds: [4, 16] },
  process_termination: { channels: [SYSMON], eventIds: [5] },
  driver_load: { channels: [SYSMON], eventIds: [6] },
  image_load: { channels: [SYSMON], eventIds: [7] },
  create_remote_thread: { channels: [SYSMON], eventIds: [8] },
  raw_access_thread: { channels: [SYSMON], eventIds: [9] },
  process_access: { channels: [SYSMON], eventIds: [10] },
  file_event: { channels: [SYSMON], eventIds: [11] },
  registry_add: { channels: [SYSMON], eventIds: [12] },
  registry_delete: { channels: [SYSMON], eventIds: [12] },
  registry_set: { channels: [SYSMON], eventIds: [13] },
  registry_rename: { channels: [SYSMON], eventIds: [14] },
  registry_event: { channels: [SYSMON], eventIds: [12, 13, 14] },
  create_stream_hash: { channels: [SYSMON], eventIds: [15] },
  pipe_created: { channels: [SYSMON], eventIds: [17, 18] },
  wmi_event: { channels: [SYSMON], eventIds: [19, 20, 21] },
  dns_query: { channels: [SYSMON], eventIds: [22] },
  file_delete: { channels: [SYSMON], eventIds: [23, 26] },
  clipboard_capture: { channels: [SYSMON], eventIds: [24] },
  process_tampering: { channels: [SYSMON], eventIds: [25] },
  file_delete_detected: { channels: [SYSMON], eventIds: [26] },
  file_block_executable: { channels: [SYSMON], eventIds: [27] },
  file_block_shredding: { channels: [SYSMON], eventIds: [28] },
  file_executable_detected: { channels: [SYSMON], eventIds: [29] },
  sysmon_error: { channels: [SYSMON], eventIds: [255] },
  ps_module: { channels: [PS], eventIds: [4103] },
  ps_script: { channels: [PS], eventIds: [4104] },
  ps_classic_start: { channels: [PS_CLASSIC], eventIds: [400] },
  ps_classic_provider_start: { channels: [PS_CLASSIC], eventIds: [600] },
  ps_classic_script: { channels: [PS_CLASSIC], eventIds: [800] },
  // No Sysmon event: Microsoft-Windows-Kernel-File's analytic channel carries these.
  file_access: { channels: ['Microsoft-Windows-Kernel-File/Analytic'], eventIds: [10, 12] },
  file_rename: { channels: ['Microsoft-Windows-Kernel-File/Analytic'], eventIds: [19, 27] },
};

/** Logsources of other products and of network devices: known to Sigma, never Windows events. */
const FOREIGN_PRODUCTS = new Set(['linux', 'macos', 'zeek', 'okta', 'cisco', 'paloalto', 'fortios', 'aws', 'azure', 'gcp', 'm365', 'github', 'onelogin', 'google_workspace', 'kubernetes', 'jvm', 'python', 'ruby_on_rails', 'spring', 'nodejs', 'sql', 'django', 'opencanary', 'huawei', 'juniper', 'bitbucket', 'qualys', 'apache', 'nginx', 'velocity']);
const FOREIGN_CATEGORIES = new Set(['webserver', 'proxy', 'dns', 'firewall', 'antivirus', 'appliance', 'application', 'database']);

const ANY_WINDOWS: LogsourceRoute = { channels: null, eventIds: null, foreign: false };
const FOREIGN: LogsourceRoute = { channels: [], eventIds: [], foreign: true };

export function routeLogsource(logsource: Logsource, config: LogsourceConfig = {}): LogsourceRoute {
  const { product, category, service } = logsource;
  const configured = (key: string): LogsourceRoute | undefined => {
    const c = config[key];
    return c ? { channels: c.channels ?? null, eventIds: c.eventIds ?? null, foreign: false } : undefined;
  };
  for (const key of [service && `service:${service}`, category && `category:${category}`, product && `product:${product}`]) {
    const route = key ? configured(key) : undefined;
    if (route) return route;
  }
  if (product && product !== 'windows') {
    if (FOREIGN_PRODUCTS.has(product)) return FOREIGN;
    throw new SigmaCompileError(`unknown logsource product '${product}' (declare it in the logsource config)`, 'logsource');
  }
  if (category && !CATEGORIES[category]) {
    if (FOREIGN_CATEGORIES.has(category)) return FOREIGN;
    throw new SigmaCompileError(`unknown logsource category '${category}' (declare it in the logsource config)`, 'logsource');
  }
  if (service && !SERVICES[service]) {
    throw new SigmaCompileError(`unknown logsource service '${service}' (declare it in the logsource config)`, 'logsource');
  }
  if (!product && !category && !service) {
    throw new SigmaCompileError('logsource names no product, category or service', 'logsource');
  }
  const byCategory = category ? CATEGORIES[category] : undefined;
  const byService = service ? SERVICES[service] : undefined;
  if (byCategory && byService) {
    const channels = byCategory.channels.filter((c) => byService.includes(c));
    return { channels, eventIds: byCategory.eventIds, foreign: false };
  }
  if (byCategory) return { channels: byCategory.channels, eventIds: byCategory.eventIds, foreign: false };
  if (byService) return { channels: byService, eventIds: null, foreign: false };
  return ANY_WINDOWS;
}
