/** The README's main job, run as a user would: the CLI as a child process over the shipped sample. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createReadStream } from 'node:fs';
import type { PublishBatchCommand } from '@aws-sdk/client-sns';
import { createSnsSinkFactory } from '../../lib/alerts/sns-sink.ts';
import { bundledRuleFiles } from '../../lib/rules/bundled.ts';
import { loadRulePack } from '../../lib/rules/rule-pack.ts';
import { scanStream } from '../../lib/scan/scan-stream.ts';
import { jsonLines, ROOT, runCli } from './support/run-cli.ts';

const SAMPLE = 'samples/winlogbeat-bits.ndjson';
const DIRECT_IP = '90f138c1-f578-4ac3-8c49-eecfd847c8b7';
const TLD = '6d44fb93-e7d2-475c-9d3d-54c9c1e33427';

describe('winsift scan --format jsonl', () => {
  it('prints one JSON line per match with the rule author, tags, ATT&CK and why it matched', async () => {
    const { stdout, stderr, code } = await runCli(['scan', '--format', 'jsonl', SAMPLE]);
    expect(code, stderr).toBe(0);
    const matches = jsonLines(stdout);
    const byRule = (id: string) => matches.filter((m) => m.rule.id === id).map((m) => m.event.RemoteName);
    expect(byRule(DIRECT_IP)).toEqual([
      'http://45.77.165.21/update/svchost.exe',
      'http://1drv.ms/u/s!AbCdEf', // the upstream substring list takes 1drv.ms for an IP
    ]);
    expect(byRule('3f0b3b8e-5d0c-4c55-9a0e-6f1b7a3c2d41')).toEqual(['http://45.77.165.21/update/svchost.exe']);
    const first = matches.find((m) => m.rule.id === DIRECT_IP)!;
    expect(first.rule).toMatchObject({
      id: DIRECT_IP,
      title: 'BITS Transfer Job Download From Direct IP',
      level: 'high',
      author: 'Nasreddine Bencherchali (Nextron Systems)',
      tags: expect.arrayContaining(['attack.t1197']),
      attack: { techniques: ['T1197'], tactics: expect.arrayContaining(['Persistence']) },
    });
    expect(first.source).toEqual({ uri: SAMPLE, index: 0 });
    expect(first.evidence).toContainEqual({ field: 'RemoteName', value: 'http://45.77.165.21/update/svchost.exe', test: 'matches "*http://4*"' });
    expect(first).toMatchObject({ host: 'WKS-0142.corp.example', time: '2026-11-20T09:01:01.000Z', count: 1, indexes: [0] });
    expect(first.id).toMatch(/^ws-[0-9a-f]{40}$/);
  });
});

describe('--group folds matches as the function does', () => {
  it('object-rule-host: one line per file, rule and host, with the count and indexes', async () => {
    const { stdout } = await runCli(['scan', '--format', 'jsonl', '--group', 'object-rule-host', SAMPLE]);
    const tld = jsonLines(stdout).filter((l) => l.rule.id === TLD);
    const each = jsonLines((await runCli(['scan', '--format', 'jsonl', '--group', 'event', SAMPLE])).stdout).filter((l) => l.rule.id === TLD);
    const hosts = [...new Set(each.map((l) => l.host as string))];
    expect(hosts).toEqual(['WKS-0142.corp.example', 'WKS-0907.corp.example', 'SRV-FILE01.corp.example']);
    expect(tld.map((l) => [l.host, l.count, l.indexes])).toEqual(
      hosts.map((h) => {
        const indexes = each.filter((l) => l.host === h).map((l) => l.source.index as number);
        return [h, indexes.length, indexes];
      }),
    );
    expect(tld.map((l) => l.count)).toEqual([2, 1, 2]);
  });

  it('object-rule: one line per file and rule, across hosts', async () => {
    const { stdout } = await runCli(['scan', '--format', 'jsonl', '--group', 'object-rule', SAMPLE]);
    const tld = jsonLines(stdout).filter((l) => l.rule.id === TLD);
    expect(tld.map((l) => l.count)).toEqual([5]);
  });
});

describe('filters', () => {
  it('--min-level, --rule (id or glob), --exclude-rule, --tag: only the chosen alerts, the rest counted', async () => {
    const high = await runCli(['scan', '--format', 'jsonl', '--min-level', 'high', SAMPLE]);
    expect(new Set(jsonLines(high.stdout).map((l) => l.rule.id))).toEqual(new Set([DIRECT_IP]));
    expect(high.stderr).toMatch(/\+ 6 matches hidden by --min-level/);

    const glob = await runCli(['scan', '--format', 'jsonl', '--rule', '6d44*', SAMPLE]);
    expect(new Set(jsonLines(glob.stdout).map((l) => l.rule.id))).toEqual(new Set([TLD]));
    const title = await runCli(['scan', '--format', 'jsonl', '--rule', '*uncommon*', SAMPLE]);
    expect(new Set(jsonLines(title.stdout).map((l) => l.rule.id))).toEqual(new Set([TLD]));

    const excluded = await runCli(['scan', '--format', 'jsonl', '--exclude-rule', TLD, '--exclude-rule', '3f0b*', SAMPLE]);
    expect(new Set(jsonLines(excluded.stdout).map((l) => l.rule.id))).toEqual(new Set([DIRECT_IP]));

    const tag = await runCli(['scan', '--format', 'jsonl', '--tag', 'attack.defense-evasion', SAMPLE]);
    expect(new Set(jsonLines(tag.stdout).map((l) => l.rule.id))).toEqual(new Set(['3f0b3b8e-5d0c-4c55-9a0e-6f1b7a3c2d41']));
  });
});

describe('--format csv and --timeline', () => {
  it('csv: a header and one RFC 4180 row per alert', async () => {
    const { stdout, code } = await runCli(['scan', '--format', 'csv', SAMPLE]);
    expect(code).toBe(0);
    const lines = stdout.split('\r\n').filter(Boolean);
    expect(lines[0]).toBe('time,level,rule_title,rule_id,rule_author,host,file,record,count,channel,event_id,attack,tags,why');
    expect(lines).toHaveLength(9);
    expect(lines.some((l) => l.startsWith('2026-11-20T09:01:01.000Z,high,BITS Transfer Job Download From Direct IP,90f138c1-f578-4ac3-8c49-eecfd847c8b7,Nasreddine Bencherchali (Nextron Systems),WKS-0142.corp.example,samples/winlogbeat-bits.ndjson,0,1,'))).toBe(true);
  });

  it('an empty result is still a CSV with its header', async () => {
    const { stdout } = await runCli(['scan', '--format', 'csv', '--rule', 'no-such-rule', SAMPLE]);
    expect(stdout).toBe('time,level,rule_title,rule_id,rule_author,host,file,record,count,channel,event_id,attack,tags,why\r\n');
  });

  it('--timeline sorts every alert of the run by event time, across files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'winsift-timeline-'));
    const lines = readFileSync(join(ROOT, SAMPLE), 'utf8').trim().split('\n');
    // Two files whose events interleave in time: the later half first on the command line.
    writeFileSync(join(dir, 'a-late.ndjson'), `${lines.slice(6).join('\n')}\n`);
    writeFileSync(join(dir, 'b-early.ndjson'), `${lines.slice(0, 6).join('\n')}\n`);
    const csv = await runCli(['scan', '--timeline', join(dir, 'a-late.ndjson'), join(dir, 'b-early.ndjson')]);
    expect(csv.code, csv.stderr).toBe(0);
    const rows = csv.stdout.split('\r\n').filter(Boolean).slice(1);
    const times = rows.map((r) => r.split(',')[0]!);
    expect(times.length).toBe(8);
    expect([...times].sort()).toEqual(times);
    const jsonl = await runCli(['scan', '--timeline', '--format', 'jsonl', join(dir, 'a-late.ndjson'), join(dir, 'b-early.ndjson')]);
    const events = jsonLines(jsonl.stdout);
    expect(events.map((e) => e.time)).toEqual(times);
    expect(events[0]).toMatchObject({ level: expect.any(String), title: expect.any(String), author: expect.any(String), why: expect.any(Array) });
  });
});

describe('--format ocsf', () => {
  it('writes exactly the OCSF findings the function publishes to SNS for the same file', async () => {
    const { stdout, code } = await runCli(['scan', '--format', 'ocsf', SAMPLE]);
    expect(code).toBe(0);
    const cli = stdout.trim().split('\n');

    // The function's path, in process: scanStream into the SNS sink, with an SnsSender that keeps
    // what PublishBatch was given (the interface the sink is written against, not a module mock).
    const published: string[] = [];
    const sns = {
      async send(command: PublishBatchCommand) {
        const entries = command.input.PublishBatchRequestEntries ?? [];
        for (const e of entries) published.push((JSON.parse(e.Message ?? '{}') as { default: string }).default);
        return { Successful: entries.map((e) => ({ Id: e.Id, MessageId: e.Id })), Failed: [], $metadata: {} };
      },
    };
    const sinkFor = createSnsSinkFactory({ sns, topicArn: 'arn:aws:sns:us-east-1:123456789012:alerts' });
    const pack = loadRulePack(bundledRuleFiles());
    await scanStream(createReadStream(join(ROOT, SAMPLE)), { uri: SAMPLE, detector: pack.detector, sink: sinkFor({ uri: SAMPLE }) });
    expect(published).toHaveLength(6);
    // Same findings, same ids and content; order may differ between the sink's batches and the file order.
    expect([...cli].sort()).toEqual([...published].sort());
  });
});
