/**
 * Elastic's "Ingress Transfer via Windows BITS" as bundled in rules/, against Elastic Defend file
 * events built from the query: one that matches, then one change per negative case.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { WinEvent } from '../../lib/events/win-event.ts';
import { loadEqlRules } from '../../lib/eql/index.ts';

const RULE_PATH = join(dirname(fileURLToPath(import.meta.url)), '../../rules/elastic-ingress-transfer-via-windows-bits.toml');
const { detector, errors } = loadEqlRules([{ path: RULE_PATH, text: readFileSync(RULE_PATH, 'utf8') }]);
const rule = detector.rules[0];

interface Bits {
  category?: unknown;
  action?: string;
  os?: string | undefined;
  process?: string;
  original?: string;
  extension?: string | undefined;
  headerBytes?: string | undefined;
  path?: string;
  name?: string;
}

/** An Elastic Defend rename of a BITS temporary file into a downloaded executable. */
function bitsRename(over: Bits = {}): WinEvent {
  const path = over.path ?? 'C:\\Users\\alice\\Downloads\\payload.exe';
  const name = over.name ?? path.slice(path.lastIndexOf('\\') + 1);
  const file: Record<string, unknown> = {
    path,
    name,
    Ext: { original: { name: over.original ?? 'BIT7F3A.tmp' }, ...(over.headerBytes === undefined ? {} : { header_bytes: over.headerBytes }) },
  };
  const extension = 'extension' in over ? over.extension : 'exe';
  if (extension !== undefined) file['extension'] = extension;
  const raw = {
    '@timestamp': '2026-11-24T03:12:45.123Z',
    event: { category: 'category' in over ? over.category : ['file'], type: ['change'], action: over.action ?? 'rename', dataset: 'endpoint.events.file' },
    host: { name: 'WS-0042', os: 'os' in over ? (over.os === undefined ? {} : { type: over.os }) : { type: 'windows' } },
    process: { name: over.process ?? 'svchost.exe', pid: 1184, executable: 'C:\\Windows\\System32\\svchost.exe' },
    file,
  };
  return { fields: {}, raw, layout: 'ecs' };
}

const matches = (event: WinEvent): boolean => detector.match(event).length === 1;

describe('bundled Elastic rule: Ingress Transfer via Windows BITS', () => {
  it('loads without errors, with its Elastic metadata', () => {
    expect(errors).toEqual([]);
    expect(rule).toMatchObject({
      id: 'f95972d3-c23b-463b-89a8-796b3f369b49',
      title: 'Ingress Transfer via Windows BITS',
      level: 'low',
      author: 'Elastic',
      license: 'Elastic License v2',
      language: 'eql',
      references: ['https://attack.mitre.org/techniques/T1197/'],
      source: RULE_PATH,
    });
    expect(rule?.tags).toEqual(['attack.command-and-control', 'attack.t1105', 'attack.defense-evasion', 'attack.t1197']);
    expect(rule?.falsePositives[0]).toMatch(/legitimate software and system updates/);
    expect(rule?.triage).toContain('Isolate the involved hosts to prevent further post-compromise behavior.');
    // Osquery placeholders become the query they name.
    expect(rule?.triage.join('\n')).toContain('Osquery - Retrieve DNS Cache: SELECT * FROM dns_cache');
    expect(rule?.triage.join('\n')).not.toContain('$osquery');
  });

  it('matches a BITS temp file renamed to an executable in a user folder', () => {
    expect(matches(bitsRename())).toBe(true);
  });

  it.each(['svchost.exe', 'SVCHOST.EXE', 'SvcHost.Exe', 'sVcHoSt.ExE'])('process.name is case-insensitive: %s', (process) => {
    expect(matches(bitsRename({ process }))).toBe(true);
  });

  it.each(['BIT1234.tmp', 'bit1234.TMP', 'BIT.tmp'])('original name %s fits BIT*.tmp', (original) => {
    expect(matches(bitsRename({ original }))).toBe(true);
  });

  it.each(['exe', 'ZIP', 'rar', 'bat', 'dll', 'ps1', 'vbs', 'vbe', 'wsh', 'wsf', 'sct', 'js', 'jse', 'hta', 'pif', 'scr', 'cmd', 'cpl'])(
    'matches extension %s',
    (extension) => {
      expect(matches(bitsRename({ extension, path: `C:\\Users\\alice\\Downloads\\x.${extension}` }))).toBe(true);
    },
  );

  it('matches on MZ header bytes when the extension is missing or harmless', () => {
    expect(matches(bitsRename({ extension: undefined, headerBytes: '4d5a90000300000004000000ffff0000', path: 'C:\\Users\\alice\\Downloads\\update' }))).toBe(true);
    expect(matches(bitsRename({ extension: 'txt', headerBytes: '4D5A9000', path: 'C:\\Users\\alice\\Downloads\\notes.txt' }))).toBe(true);
  });

  it('does not match a harmless extension without MZ header bytes', () => {
    expect(matches(bitsRename({ extension: 'txt', path: 'C:\\Users\\alice\\Downloads\\notes.txt' }))).toBe(false);
    expect(matches(bitsRename({ extension: 'txt', headerBytes: '25504446', path: 'C:\\Users\\alice\\Downloads\\doc.txt' }))).toBe(false);
    expect(matches(bitsRename({ extension: undefined, path: 'C:\\Users\\alice\\Downloads\\update' }))).toBe(false);
  });

  it.each([
    'C:\\Program Files\\Vendor\\update.exe',
    'D:\\Program Files (x86)\\Vendor\\update.exe',
    'C:\\Windows\\SoftwareDistribution\\Download\\x.exe',
    'c:\\windows\\temp\\x.exe',
    'C:\\ProgramData\\Vendor\\x.exe',
    'C:\\Users\\alice\\AppData\\Local\\Temp\\wct1A2B.tmp',
    'C:\\Users\\alice\\AppData\\Local\\Temp2\\wctFF.tmp',
    'C:\\Users\\alice\\AppData\\Local\\Adobe\\ARM\\S\\RdrServicesUpdater64.exe',
    'C:\\Users\\alice\\AppData\\Local\\Adobe\\ARM\\Acrobat_23\\AcroServicesUpdater.exe',
    'C:\\Users\\alice\\AppData\\Local\\Docker Desktop Installer\\update-4.25.exe',
  ])('excludes %s', (path) => {
    expect(matches(bitsRename({ path }))).toBe(false);
  });

  it('ProgramData needs a sub-folder to be excluded (?:\\ProgramData\\*\\*)', () => {
    expect(matches(bitsRename({ path: 'C:\\ProgramData\\x.exe' }))).toBe(true);
  });

  it('a file name of exactly 30 characters matches; 31 does not', () => {
    const name30 = `${'a'.repeat(26)}.exe`;
    const name31 = `${'a'.repeat(27)}.exe`;
    expect(name30).toHaveLength(30);
    expect(matches(bitsRename({ path: `C:\\Users\\alice\\Downloads\\${name30}` }))).toBe(true);
    expect(matches(bitsRename({ path: `C:\\Users\\alice\\Downloads\\${name31}` }))).toBe(false);
  });

  it.each(['creation', 'modification', 'deletion', 'Rename', 'overwrite'])('needs event.action == "rename" (case-sensitive): %s', (action) => {
    expect(matches(bitsRename({ action }))).toBe(false);
  });

  it('needs a file event: other categories and a missing category do not match', () => {
    expect(matches(bitsRename({ category: ['process'] }))).toBe(false);
    expect(matches(bitsRename({ category: 'network' }))).toBe(false);
    expect(matches(bitsRename({ category: undefined }))).toBe(false);
    expect(matches(bitsRename({ category: 'file' }))).toBe(true);
    expect(matches(bitsRename({ category: ['intrusion_detection', 'file'] }))).toBe(true);
  });

  it('needs host.os.type == "windows"', () => {
    expect(matches(bitsRename({ os: 'linux' }))).toBe(false);
    expect(matches(bitsRename({ os: undefined }))).toBe(false);
  });

  it('needs svchost.exe as the renaming process and a BIT*.tmp original name', () => {
    expect(matches(bitsRename({ process: 'bitsadmin.exe' }))).toBe(false);
    expect(matches(bitsRename({ process: 'svchost.exe.bak' }))).toBe(false);
    expect(matches(bitsRename({ original: 'payload.tmp' }))).toBe(false);
    expect(matches(bitsRename({ original: 'BIT1234.tmp.old' }))).toBe(false);
  });

  it('reads dotted keys as well as nested objects', () => {
    const nested = bitsRename().raw as Record<string, Record<string, unknown>>;
    const dotted: WinEvent = {
      fields: {},
      layout: 'ecs',
      raw: {
        'event.category': 'file',
        'event.action': 'rename',
        'host.os.type': 'windows',
        process: { name: 'svchost.exe' },
        file: { ...nested['file'], 'Ext.original.name': 'BITAB.tmp', Ext: undefined },
      },
    };
    expect(matches(dotted)).toBe(true);
  });

  it('does not evaluate events from non-ECS layouts', () => {
    expect(detector.match({ ...bitsRename(), layout: 'evtx-json' })).toEqual([]);
  });

  it('explains a match with the fields read and the tests that held', () => {
    const evidence = detector.explain(rule!, bitsRename({ process: 'SVCHOST.EXE' }));
    expect(evidence).toContainEqual({ field: 'process.name', value: 'SVCHOST.EXE', test: 'process.name : "svchost.exe"' });
    expect(evidence).toContainEqual({ field: 'file.name', value: 'payload.exe', test: 'not length(file.name) > 30' });
    expect(evidence).toContainEqual({ field: 'event.category', value: ['file'], test: 'includes "file" (file where)' });
    // The header-bytes branch of the `or` did not hold, so it is not evidence.
    expect(evidence.map((e) => e.field)).not.toContain('file.Ext.header_bytes');
  });
});
