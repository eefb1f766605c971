/**
 * The three bundled BITS rules against 16403 events built from the Bits-Client field facts
 * (no public sample holds a 16403 event): public IPs fire, private ranges, names and other
 * channels do not.
 */
import { describe, expect, it } from 'vitest';
import type { WinEvent } from '../../lib/events/win-event.ts';
import { loadSigmaRules } from '../../lib/sigma/index.ts';

import { seedRuleFiles } from '../../lib/rules/bundled.ts';

// The seed rules by name (lib/rules/bundled.ts): what a user adds to rules/ does not change these tests.
const files = seedRuleFiles().filter((f) => f.path.endsWith('.yml'));
const { detector, errors } = loadSigmaRules(files);

const SIGMA_DIRECT_IP = '90f138c1-f578-4ac3-8c49-eecfd847c8b7';
const SIGMA_UNCOMMON_TLD = '6d44fb93-e7d2-475c-9d3d-54c9c1e33427';
const DATADOG_DIRECT_IP = '3f0b3b8e-5d0c-4c55-9a0e-6f1b7a3c2d41';

function bitsEvent(remoteName: string, overrides: Record<string, string | number> = {}): WinEvent {
  return {
    fields: {
      EventID: 16403,
      Channel: 'Microsoft-Windows-Bits-Client/Operational',
      Provider_Name: 'Microsoft-Windows-Bits-Client',
      Computer: 'WS01.corp.example',
      User: 'CORP\\alice',
      jobTitle: 'update',
      jobId: '{7C2A1E7B-0000-4000-8000-000000000001}',
      jobOwner: 'CORP\\alice',
      fileCount: 1,
      RemoteName: remoteName,
      LocalName: 'C:\\Users\\alice\\AppData\\Local\\Temp\\a.exe',
      processId: 4242,
      ClientProcessStartKey: 1125899906842640,
      ...overrides,
    },
    raw: {},
    layout: 'evtx-json',
  };
}

const matchedIds = (event: WinEvent): string[] => detector.match(event).map((r) => r.id).sort();

describe('bundled BITS rules', () => {
  it('all compile without errors', () => {
    expect(errors).toEqual([]);
    expect(detector.rules.map((r) => r.id).sort()).toEqual([DATADOG_DIRECT_IP, SIGMA_UNCOMMON_TLD, SIGMA_DIRECT_IP].sort());
  });

  it.each(['http://45.33.32.156/payload.exe', 'https://8.8.8.8/a.bin', 'http://203.0.113.7:8080/x'])(
    'a public IPv4 host fires both direct-IP rules and the uncommon-TLD rule: %s',
    (url) => {
      expect(matchedIds(bitsEvent(url))).toEqual([DATADOG_DIRECT_IP, SIGMA_UNCOMMON_TLD, SIGMA_DIRECT_IP].sort());
    },
  );

  const privateUrls = [
    'http://10.1.2.3/a.exe',
    ...Array.from({ length: 16 }, (_, i) => `http://172.${16 + i}.0.5/a.exe`),
    'https://192.168.1.20/a.exe',
    'http://127.0.0.1/a.exe',
    'http://169.254.10.10/a.exe',
  ];
  it.each(privateUrls)('a private IPv4 host fires no direct-IP rule: %s', (url) => {
    const ids = matchedIds(bitsEvent(url));
    expect(ids).not.toContain(SIGMA_DIRECT_IP);
    expect(ids).not.toContain(DATADOG_DIRECT_IP);
  });

  it('172.15 and 172.32 are public: both direct-IP rules fire', () => {
    for (const url of ['http://172.15.0.1/x', 'http://172.32.0.1/x']) {
      expect(matchedIds(bitsEvent(url))).toContain(SIGMA_DIRECT_IP);
      expect(matchedIds(bitsEvent(url))).toContain(DATADOG_DIRECT_IP);
    }
  });

  it('7-zip.org is excluded by the SigmaHQ direct-IP rule and is no IP for Datadog', () => {
    expect(matchedIds(bitsEvent('https://7-zip.org/a/7z2408-x64.exe'))).toEqual([SIGMA_UNCOMMON_TLD]);
  });

  it('a .com/ URL fires nothing; a .org URL only the uncommon-TLD rule', () => {
    expect(matchedIds(bitsEvent('https://download.example.com/setup.exe'))).toEqual([]);
    expect(matchedIds(bitsEvent('https://www.example.org/setup.exe'))).toEqual([SIGMA_UNCOMMON_TLD]);
  });

  it('1drv.ms starts with a digit: the SigmaHQ substring rule fires, the Datadog IP test does not', () => {
    const ids = matchedIds(bitsEvent('http://1drv.ms/u/s!abc'));
    expect(ids).toContain(SIGMA_DIRECT_IP);
    expect(ids).not.toContain(DATADOG_DIRECT_IP);
  });

  it('an IPv6 literal host fires the Datadog rule unless it is private', () => {
    expect(matchedIds(bitsEvent('http://[2001:4860:4860::8888]/a.exe'))).toContain(DATADOG_DIRECT_IP);
    for (const url of ['http://[::1]/a.exe', 'http://[fe80::1]/a.exe', 'http://[fd12:3456::1]/a.exe']) {
      expect(matchedIds(bitsEvent(url))).not.toContain(DATADOG_DIRECT_IP);
    }
  });

  it('the same EventID on another channel fires nothing', () => {
    for (const channel of ['System', 'Microsoft-Windows-Sysmon/Operational', 'Security']) {
      expect(matchedIds(bitsEvent('http://45.33.32.156/p.exe', { Channel: channel }))).toEqual([]);
    }
  });

  it('another Bits-Client event id fires nothing', () => {
    expect(matchedIds(bitsEvent('http://45.33.32.156/p.exe', { EventID: 59 }))).toEqual([]);
  });

  it('matching is case-insensitive for contains and for re|i', () => {
    expect(matchedIds(bitsEvent('HTTP://45.33.32.156/P.EXE'))).toContain(SIGMA_DIRECT_IP);
    expect(matchedIds(bitsEvent('HTTPS://45.33.32.156/P.EXE'))).toContain(DATADOG_DIRECT_IP);
  });

  it('explains a match with the field tests that held', () => {
    const event = bitsEvent('http://45.33.32.156/p.exe');
    const rule = detector.rules.find((r) => r.id === SIGMA_DIRECT_IP)!;
    const evidence = detector.explain(rule, event);
    expect(evidence).toContainEqual({ field: 'EventID', value: 16403, test: 'equals 16403' });
    expect(evidence.some((e) => e.field === 'RemoteName' && e.test.includes('http://4'))).toBe(true);
  });

  it('carries metadata: author, level, tags, triage, licence, source', () => {
    const datadog = detector.rules.find((r) => r.id === DATADOG_DIRECT_IP)!;
    expect(datadog.triage.length).toBeGreaterThanOrEqual(5);
    expect(datadog.language).toBe('sigma');
    const sigma = detector.rules.find((r) => r.id === SIGMA_DIRECT_IP)!;
    expect(sigma).toMatchObject({ level: 'high', author: 'Nasreddine Bencherchali (Nextron Systems)', license: 'DRL-1.1', source: 'bundled:sigma-bits-direct-ip.yml' });
    expect(sigma.tags).toContain('attack.t1197');
    expect(sigma.triage).toEqual([]);
  });
});
