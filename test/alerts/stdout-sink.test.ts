import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createStdoutSink } from '../../lib/alerts/stdout-sink.ts';
import { bitsEvent, match, rule, summary } from './support/fixtures.ts';

function capture(): { out: PassThrough; text: () => string } {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  return { out, text: () => Buffer.concat(chunks).toString('utf8') };
}

const FILE = { uri: 'samples/bits.jsonl' };

describe('stdout sink, jsonl', () => {
  it('writes one line per match with exactly rule, source and event', async () => {
    const { out, text } = capture();
    const sink = createStdoutSink(out, 'jsonl');
    await sink.add(match(3, { object: FILE }));
    await sink.add(match(7, { object: FILE, rule: rule({ id: 'r2', title: 'Second', level: 'medium', author: 'A. Author' }) }));
    const report = await sink.finish(summary(FILE.uri, 2));

    const lines = text().trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0] ?? '');
    expect(Object.keys(first)).toEqual(['rule', 'source', 'event']);
    expect(first.rule).toEqual({
      id: '90f138c1-f578-4ac3-8c49-eecfd847c8b7',
      title: 'BITS Transfer Job Download From Direct IP',
      level: 'high',
      author: 'Nasreddine Bencherchali (Nextron Systems)',
    });
    expect(first.source).toEqual({ uri: 'samples/bits.jsonl', index: 3 });
    expect(first.event.RemoteName).toBe('http://203.0.113.7/payload.exe');
    expect(JSON.parse(lines[1] ?? '').rule.author).toBe('A. Author');
    expect(report).toEqual({ delivered: 2, alreadyDelivered: 0, failed: 0 });
  });

  it('keeps a newline inside event data from splitting the line', async () => {
    const { out, text } = capture();
    const sink = createStdoutSink(out, 'jsonl');
    await sink.add(match(0, { object: FILE, event: bitsEvent({ RemoteName: 'http://198.51.100.1/a\n{"forged":1}' }) }));
    await sink.finish(summary());
    const lines = text().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '').event.RemoteName).toBe('http://198.51.100.1/a\n{"forged":1}');
  });
});

describe('stdout sink, table', () => {
  it('prints aligned columns with the author on every row', async () => {
    const { out, text } = capture();
    const sink = createStdoutSink(out, 'table');
    await sink.add(match(12, { object: FILE }));
    await sink.add(match(3, { object: FILE, rule: rule({ title: 'Short', level: 'medium', author: 'Florian Roth (Nextron Systems)' }) }));
    expect(text()).toBe(''); // buffered until the columns are known
    await sink.finish(summary());

    const lines = text().trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^LEVEL\s+TITLE\s+HOST\s+TIME\s+SOURCE\s+AUTHOR$/);
    const authorColumn = lines[0]?.indexOf('AUTHOR');
    expect(lines[1]?.indexOf('Nasreddine Bencherchali')).toBe(authorColumn);
    expect(lines[2]?.indexOf('Florian Roth')).toBe(authorColumn);
    expect(lines[1]).toContain('WS-0042.corp.example');
    expect(lines[1]).toContain('2024-05-01T10:20:30.000Z');
    expect(lines[1]).toContain('samples/bits.jsonl:12');
  });

  it('neutralises terminal escapes and newlines in event data', async () => {
    const { out, text } = capture();
    const sink = createStdoutSink(out, 'table');
    await sink.add(match(0, { object: FILE, event: bitsEvent({ Computer: 'EVIL\u001b[2J\nHOST\u202e' }) }));
    await sink.finish(summary());
    const printed = text();
    expect(printed).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);
    expect(printed.trimEnd().split('\n')).toHaveLength(2);
    expect(printed).toContain('EVIL\\u{1B}[2J\\nHOST\\u{202E}');
  });

  it('prints nothing for a file without matches', async () => {
    const { out, text } = capture();
    const report = await createStdoutSink(out, 'table').finish(summary());
    expect(text()).toBe('');
    expect(report.delivered).toBe(0);
  });
});
