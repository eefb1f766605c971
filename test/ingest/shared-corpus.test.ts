/**
 * Real data from ../shared: NXLog batches (Security Datasets), raw .evtx files, SigmaHQ
 * regression data. Skipped visibly when the corpus is absent.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { readEvtx } from '../../lib/evtx/read-evtx.ts';
import { insertNames } from '../../lib/ingest/layouts/insert-names.ts';
import { readEvents } from '../../lib/ingest/read-events.ts';
import type { IngestItem } from '../../lib/ingest/ingest-item.ts';
import { describeShared, sharedPath } from '../support/shared-corpus.ts';

const SAMPLE_BYTES = 256 * 1024;

/** The NXLog batches are zips; Debian's unzip reads them (no zip library is installed). */
const hasUnzip = (() => {
  try {
    execFileSync('unzip', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    console.warn('SKIPPED: unzip is not installed (apt-get install unzip), so the NXLog batches are not read.');
    return false;
  }
})();

function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith(suffix))
    .map((name) => join(dir, name))
    .sort();
}

async function readAll(input: AsyncIterable<Uint8Array>, uri: string): Promise<IngestItem[]> {
  const items: IngestItem[] = [];
  for await (const item of readEvents(input, { uri })) items.push(item);
  return items;
}

async function* once(bytes: Buffer) {
  yield bytes;
}

describeShared('ingest over real shipper output', () => {
  it.skipIf(!hasUnzip)('reads every NXLog batch: one event per JSON line, none unreadable', async () => {
    // The first 256 KiB of each batch (cut at a line end) keeps the test quick on a shared machine.
    const zips = filesUnder(sharedPath('corpus/nxlog/datasets'), '.zip');
    expect(zips.length).toBeGreaterThan(50);
    let total = 0;
    for (const zip of zips) {
      // The zips also hold macOS resource forks (__MACOSX/...): only the .json members are batches.
      const members = execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' })
        .split('\n')
        .filter((m) => m.endsWith('.json') && !m.startsWith('__MACOSX/'));
      for (const member of members) {
        const whole = execFileSync('sh', ['-c', `unzip -p "$0" "$1" | head -c ${SAMPLE_BYTES}`, zip, member]);
        const bytes = whole.subarray(0, whole.lastIndexOf(0x0a, SAMPLE_BYTES) + 1);
        const lines = bytes.toString('utf8').split('\n').filter((l) => l.trim() !== '');
        const items = await readAll(once(bytes), `${zip}!${member}`);
        const bad = items.filter((i) => i.kind === 'unreadable');
        expect(bad.map((b) => b.kind === 'unreadable' && b.error.message)).toEqual([]);
        expect(items.length).toBe(lines.length);
        for (const item of items) {
          if (item.kind !== 'event') continue;
          expect(item.event.layout).toBe('nxlog');
          expect(typeof item.event.fields['EventID']).toBe('number');
          expect(typeof item.event.fields['Computer']).toBe('string');
          expect(typeof item.event.fields['Channel']).toBe('string');
        }
        total += items.length;
      }
    }
    expect(total).toBeGreaterThan(5_000);
  });

  it('reads raw .evtx through the EVTX reader: same records, as evtx_dump-shaped events', async () => {
    const dir = sharedPath('corpus/evtx/EVTX-to-MITRE-Attack/TA0003-Persistence/T1197-BITS jobs');
    for (const file of filesUnder(dir, '.evtx')) {
      let records = 0;
      for await (const item of readEvtx(createReadStream(file), file)) if (item.kind === 'record') records++;
      const items = await readAll(createReadStream(file), file);
      const read = items.filter((i) => i.kind === 'event');
      expect(read.length).toBe(records);
      expect(read.every((i) => i.kind === 'event' && i.event.layout === 'evtx-json')).toBe(true);
      expect(items.map((i) => i.index)).toEqual(items.map((_, n) => n));
    }
  });

  it('names Fluent Bit inserts as the real events name their EventData', async () => {
    // Each real event's EventData, turned positional and named back through the table.
    const sources = [
      ...filesUnder(sharedPath('corpus/evtx/EVTX-to-MITRE-Attack/TA0003-Persistence'), '.evtx'),
      ...filesUnder(sharedPath('corpus/sigma/regression_data'), '.json'),
    ];
    let checked = 0;
    for (const file of sources) {
      const bytes = readFileSync(file);
      for (const item of await readAll(once(bytes), file)) {
        if (item.kind !== 'event') continue;
        const raw = item.event.raw as { Event: { System: Record<string, any>; EventData?: Record<string, unknown> } };
        const eventData = raw.Event.EventData;
        if (!eventData || typeof eventData !== 'object') continue;
        const provider = raw.Event.System['Provider']['#attributes']['Name'] as string;
        const names = Object.keys(eventData).filter((k) => k !== '#attributes');
        const table = insertNames(provider, item.event.fields['EventID'] as number, Number(raw.Event.System['Version']));
        if (!table) continue;
        expect(table.slice(0, names.length), `${file}: ${provider} ${item.event.fields['EventID']}`).toEqual(names);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});
