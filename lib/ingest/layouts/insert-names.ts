/**
 * Names for positional EventData (Fluent Bit `winevtlog` writes only `StringInserts`), per
 * provider, event id and event version, in the order the provider's manifest declares them.
 * Orders were read from real events (../shared/corpus evtx files and SigmaHQ regression data);
 * Bits-Client 16403 follows the provider manifest (no public sample) and 61 shares 60's template.
 * Later versions of an event append fields, so when a version is missing the longest known
 * list of the same event names the prefix it has.
 */

const BITS = 'Microsoft-Windows-Bits-Client';
const SECURITY = 'Microsoft-Windows-Security-Auditing';
const SYSMON = 'Microsoft-Windows-Sysmon';
const POWERSHELL = 'Microsoft-Windows-PowerShell';
const DEFENDER = 'Microsoft-Windows-Windows Defender';

const list = (names: string) => names.split(',');

/** Defender writes its names with spaces (`Threat Name`); the Sigma view strips them (spaced-names.ts). */
const DEFENDER_DETECTION =
  'Product Name,Product Version,Detection ID,Detection Time,Unused,Unused2,Threat ID,Threat Name,Severity ID,Severity Name,' +
  'Category ID,Category Name,FWLink,Status Code,Status Description,State,Source ID,Source Name,Process Name,Detection User,' +
  'Unused3,Path,Origin ID,Origin Name,Execution ID,Execution Name,Type ID,Type Name,Pre Execution Status,Action ID,Action Name,' +
  'Unused4,Error Code,Error Description,Unused5,Post Clean Status,Additional Actions ID,Additional Actions String,' +
  'Remediation User,Unused6,Security intelligence Version,Engine Version';

const SUBJECT = 'SubjectUserSid,SubjectUserName,SubjectDomainName,SubjectLogonId';
const BITS_JOB = 'User,jobTitle,jobId,jobOwner,fileCount';
const BITS_TRANSFER =
  'transferId,name,Id,url,peer,hr,fileTime,fileLength,bytesTotal,bytesTransferred,proxy,peerProtocolFlags,' +
  'bytesTransferredFromPeer,AdditionalInfoHr,PeerContextInfo,bandwidthLimit,ignoreBandwidthLimitsOnLan';

/** `provider|eventId|version` -> names. */
const TABLE = new Map<string, readonly string[]>([
  [`${BITS}|3|0`, list('string,string2,string3')],
  [`${BITS}|3|2`, list('jobTitle,jobId,jobOwner,processPath,processId')],
  [`${BITS}|4|1`, list(`${BITS_JOB},bytesTransferred,bytesTransferredFromPeer`)],
  [`${BITS}|5|0`, list(BITS_JOB)],
  [`${BITS}|59|1`, list('transferId,name,Id,url,peer,fileTime,fileLength,bytesTotal,bytesTransferred,bytesTransferredFromPeer')],
  [`${BITS}|60|1`, list(BITS_TRANSFER)],
  [`${BITS}|61|1`, list(BITS_TRANSFER)],
  [`${BITS}|16403|0`, list(`${BITS_JOB},RemoteName,LocalName,processId,ClientProcessStartKey`)],

  [`${SECURITY}|4624|2`, list(`${SUBJECT},TargetUserSid,TargetUserName,TargetDomainName,TargetLogonId,LogonType,LogonProcessName,AuthenticationPackageName,WorkstationName,LogonGuid,TransmittedServices,LmPackageName,KeyLength,ProcessId,ProcessName,IpAddress,IpPort,ImpersonationLevel,RestrictedAdminMode,TargetOutboundUserName,TargetOutboundDomainName,VirtualAccount,TargetLinkedLogonId,ElevatedToken`)],
  [`${SECURITY}|4625|0`, list(`${SUBJECT},TargetUserSid,TargetUserName,TargetDomainName,Status,FailureReason,SubStatus,LogonType,LogonProcessName,AuthenticationPackageName,WorkstationName,TransmittedServices,LmPackageName,KeyLength,ProcessId,ProcessName,IpAddress,IpPort`)],
  [`${SECURITY}|4663|1`, list(`${SUBJECT},ObjectServer,ObjectType,ObjectName,HandleId,AccessList,AccessMask,ProcessId,ProcessName,ResourceAttributes`)],
  [`${SECURITY}|4672|0`, list(`${SUBJECT},PrivilegeList`)],
  [`${SECURITY}|4688|2`, list(`${SUBJECT},NewProcessId,NewProcessName,TokenElevationType,ProcessId,CommandLine,TargetUserSid,TargetUserName,TargetDomainName,TargetLogonId,ParentProcessName,MandatoryLabel`)],
  [`${SECURITY}|4697|0`, list(`${SUBJECT},ServiceName,ServiceFileName,ServiceType,ServiceStartType,ServiceAccount`)],
  [`${SECURITY}|4698|0`, list(`${SUBJECT},TaskName,TaskContent`)],
  [`${SECURITY}|4720|0`, list(`TargetUserName,TargetDomainName,TargetSid,${SUBJECT},PrivilegeList,SamAccountName,DisplayName,UserPrincipalName,HomeDirectory,HomePath,ScriptPath,ProfilePath,UserWorkstations,PasswordLastSet,AccountExpires,PrimaryGroupId,AllowedToDelegateTo,OldUacValue,NewUacValue,UserAccountControl,UserParameters,SidHistory,LogonHours`)],
  [`${SECURITY}|4732|0`, list(`MemberName,MemberSid,TargetUserName,TargetDomainName,TargetSid,${SUBJECT},PrivilegeList`)],
  [`${SECURITY}|4768|0`, list('TargetUserName,TargetDomainName,TargetSid,ServiceName,ServiceSid,TicketOptions,Status,TicketEncryptionType,PreAuthType,IpAddress,IpPort,CertIssuerName,CertSerialNumber,CertThumbprint')],
  [`${SECURITY}|4769|0`, list('TargetUserName,TargetDomainName,ServiceName,ServiceSid,TicketOptions,TicketEncryptionType,IpAddress,IpPort,Status,LogonGuid,TransmittedServices')],
  [`${SECURITY}|4776|0`, list('PackageName,TargetUserName,Workstation,Status')],
  [`${SECURITY}|5140|1`, list(`${SUBJECT},ObjectType,IpAddress,IpPort,ShareName,ShareLocalPath,AccessMask,AccessList`)],
  [`${SECURITY}|5145|0`, list(`${SUBJECT},ObjectType,IpAddress,IpPort,ShareName,ShareLocalPath,RelativeTargetName,AccessMask,AccessList,AccessReason`)],

  [`${POWERSHELL}|4103|1`, list('ContextInfo,UserData,Payload')],
  [`${POWERSHELL}|4104|1`, list('MessageNumber,MessageTotal,ScriptBlockText,ScriptBlockId,Path')],

  [`${SYSMON}|1|5`, list('RuleName,UtcTime,ProcessGuid,ProcessId,Image,FileVersion,Description,Product,Company,OriginalFileName,CommandLine,CurrentDirectory,User,LogonGuid,LogonId,TerminalSessionId,IntegrityLevel,Hashes,ParentProcessGuid,ParentProcessId,ParentImage,ParentCommandLine,ParentUser')],
  [`${SYSMON}|3|5`, list('RuleName,UtcTime,ProcessGuid,ProcessId,Image,User,Protocol,Initiated,SourceIsIpv6,SourceIp,SourceHostname,SourcePort,SourcePortName,DestinationIsIpv6,DestinationIp,DestinationHostname,DestinationPort,DestinationPortName')],
  [`${SYSMON}|5|3`, list('RuleName,UtcTime,ProcessGuid,ProcessId,Image,User')],
  [`${SYSMON}|7|3`, list('RuleName,UtcTime,ProcessGuid,ProcessId,Image,ImageLoaded,FileVersion,Description,Product,Company,OriginalFileName,Hashes,Signed,Signature,SignatureStatus,User')],
  [`${SYSMON}|10|3`, list('RuleName,UtcTime,SourceProcessGUID,SourceProcessId,SourceThreadId,SourceImage,TargetProcessGUID,TargetProcessId,TargetImage,GrantedAccess,CallTrace,SourceUser,TargetUser')],
  [`${SYSMON}|11|2`, list('RuleName,UtcTime,ProcessGuid,ProcessId,Image,TargetFilename,CreationUtcTime,User')],
  [`${SYSMON}|12|2`, list('RuleName,EventType,UtcTime,ProcessGuid,ProcessId,Image,TargetObject,User')],
  [`${SYSMON}|13|2`, list('RuleName,EventType,UtcTime,ProcessGuid,ProcessId,Image,TargetObject,Details,User')],
  [`${SYSMON}|17|1`, list('RuleName,EventType,UtcTime,ProcessGuid,ProcessId,PipeName,Image')],
  [`${SYSMON}|18|1`, list('RuleName,EventType,UtcTime,ProcessGuid,ProcessId,PipeName,Image')],
  [`${SYSMON}|22|5`, list('RuleName,UtcTime,ProcessGuid,ProcessId,QueryName,QueryStatus,QueryResults,Image')],
  [`${SYSMON}|23|5`, list('RuleName,UtcTime,ProcessGuid,ProcessId,User,Image,TargetFilename,Hashes,IsExecutable,Archived')],

  [`${DEFENDER}|1116|0`, list(DEFENDER_DETECTION)],
  [`${DEFENDER}|1117|0`, list(DEFENDER_DETECTION)],
  [`${DEFENDER}|5007|0`, list('Product Name,Product Version,Old Value,New Value')],

  ['Service Control Manager|7045|0', list('ServiceName,ImagePath,ServiceType,StartType,AccountName')],
]);

/** Longest list per `provider|eventId`, for versions the table does not hold. */
const ANY_VERSION = new Map<string, readonly string[]>();
for (const [key, names] of TABLE) {
  const event = key.slice(0, key.lastIndexOf('|'));
  const known = ANY_VERSION.get(event);
  if (!known || names.length > known.length) ANY_VERSION.set(event, names);
}
// Bits-Client 3 changed its fields entirely between versions 0 and 2: no fallback guess.
ANY_VERSION.delete(`${BITS}|3`);

export function insertNames(provider: string, eventId: number, version: number | undefined): readonly string[] | undefined {
  return (
    (version === undefined ? undefined : TABLE.get(`${provider}|${eventId}|${version}`)) ??
    ANY_VERSION.get(`${provider}|${eventId}`)
  );
}
