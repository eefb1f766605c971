import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJsonlFileSink } from '../../lib/alerts/jsonl-file-sink.ts';
import { match, summary } from './support/fixtures.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'winsift-alerts-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('JSONL file sink', () => {
  it('appends the same lines as stdout jsonl, object after object', async () => {
    const path = join(dir, 'alerts.jsonl');
    const a = createJsonlFileSink(path);
    await a.add(match(1, { object: { uri: 'a.jsonl' } }));
    await a.add(match(2, { object: { uri: 'a.jsonl' } }));
    expect(await a.finish(summary('a.jsonl', 2))).toEqual({ delivered: 2, alreadyDelivered: 0, failed: 0 });
    const b = createJsonlFileSink(path);
    await b.add(match(0, { object: { uri: 'b.jsonl' } }));
    await b.finish(summary('b.jsonl', 1));

    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => `${l.source.uri}:${l.source.index}`)).toEqual(['a.jsonl:1', 'a.jsonl:2', 'b.jsonl:0']);
    expect(Object.keys(lines[0])).toEqual(['rule', 'source', 'event']);
  });

  it('names the file when it cannot write', async () => {
    const sink = createJsonlFileSink(join(dir, 'missing-dir', 'alerts.jsonl'));
    await sink.add(match(0));
    await expect(sink.finish(summary())).rejects.toThrow(/cannot write alerts to .*missing-dir\/alerts\.jsonl: ENOENT/);
  });
});
