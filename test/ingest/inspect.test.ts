/** `inspectObject` and `winsift inspect`: what was detected, and exit codes. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatInspection, run } from '../../lib/cli/commands/inspect.ts';
import { inspectObject } from '../../lib/ingest/inspect-object.ts';
import { chunked, fixture } from './support.ts';

describe('inspectObject', () => {
  it('reports compression layers, framing, layouts, counts and the first event', async () => {
    const lines = `${fixture('bits-16403.ecs.json').toString().trim()}\nnot json\n${fixture('bits-16403.nxlog.json').toString()}`;
    const inspection = await inspectObject(chunked(gzipSync(gzipSync(lines))), { uri: 'x.gz' });
    expect(inspection).toMatchObject({
      compression: ['gzip', 'gzip'],
      framing: 'json-lines',
      layouts: { ecs: 1, nxlog: 1 },
      events: 2,
      unreadable: 1,
    });
    expect(inspection.problems[0]).toMatch(/^x\.gz: line 2 \(byte \d+\): invalid JSON/);
    expect(inspection.firstEvent?.fields['RemoteName']).toBe('http://45.155.205.233/payload.exe');
    const text = formatInspection(inspection);
    expect(text).toContain('compression: gzip, then gzip');
    expect(text).toContain('layouts:     ecs (1), nxlog (1)');
  });

  it('says what stopped an object it could not open', async () => {
    const inspection = await inspectObject(chunked(Buffer.from('%PDF-1.7')), { uri: 'y' });
    expect(inspection.framing).toBeUndefined();
    expect(inspection.stoppedBy?.reason).toMatch(/^not a recognised log format/);
  });
});

describe('winsift inspect', () => {
  const dir = mkdtempSync(join(tmpdir(), 'winsift-inspect-'));
  afterEach(() => vi.restoreAllMocks());

  it('exits 0 for a clean file, 2 for unreadable records, and 1 for an unknown --layout, naming it', async () => {
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
    const good = join(dir, 'good.xml');
    writeFileSync(good, fixture('bits-16403.xml'));
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"EventID": 1, "Hostname": "h", "SourceName": "p"}\n{oops}\n');
    expect(await run([good])).toBe(0);
    expect(out.join('')).toContain('framing:     event-xml');
    expect(await run([bad])).toBe(2);
    expect(await run(['--layout', 'splunk', good])).toBe(1);
    expect(err.join('')).toMatch(/winsift inspect: --layout 'splunk' is not a layout; use one of: ecs, nxlog/);
  });
});
