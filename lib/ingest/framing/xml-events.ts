/**
 * Windows Event XML streams (wevtutil, Get-WinEvent ToXml, WEF, Splunk `_raw`): `<Event>`
 * elements, bare or inside an `<Events>` wrapper. Events do not nest, so each record runs from
 * `<Event` to the next `</Event>`; an `<Event` that starts before the current one closed means
 * the current one is a cut-off fragment.
 */
import { asBuffer } from '../byte-source.ts';
import { type FramedRecord, joinPieces } from './framed-record.ts';

const EVENT_OPEN = Buffer.from('<Event');
const EVENT_CLOSE = Buffer.from('</Event>');
/** Text between events we accept silently: the XML declaration, the wrapper, comments. */
const BENIGN_BETWEEN = /<\?xml[^>]*\?>|<!--[\s\S]*?-->|<Events\b[^>]*>|<\/Events\s*>|\s+/g;
/** Keep this much of the bytes between events to judge them; more is garbage anyway. */
const MAX_BETWEEN_BYTES = 64 * 1024;
/** Bytes carried into the next chunk's search: the longest tag looked for (`</Event>`). */
const SEAM_BYTES = EVENT_CLOSE.length;
const EMPTY = Buffer.alloc(0);

export async function* splitXmlEvents(
  input: AsyncIterable<Uint8Array>,
  maxRecordBytes: number,
): AsyncGenerator<FramedRecord> {
  // Linear in the bytes, whatever the record sizes: each chunk is searched once (plus a seam of
  // a few bytes carried from the previous one, where a tag may be split), and an event spanning
  // chunks is kept as pieces joined once when it closes. Joining the buffer per chunk and
  // searching from the event's start each time made one 15 MiB event cost ~12x its bytes.
  let offset = 0; // object offset of the next chunk
  let carry: Buffer = EMPTY; // unsettled bytes before the next chunk: text between events, or an open event's seam
  let carryAt = 0; // object offset of carry[0]
  let inEvent = false;
  let openedAt = 0; // object offset of the open event's `<Event`
  let pieces: Buffer[] = []; // the open event's bytes before the current data
  let pending = 0;
  let oversized = false;
  let searchFrom = 0; // in the current data: where the open event's tags are still to be looked for

  const startEvent = (at: number) => {
    inEvent = true;
    openedAt = at;
    pieces = [];
    pending = 0;
    oversized = false;
  };

  for await (const raw of input) {
    const chunk = asBuffer(raw);
    const data = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
    const base = carry.length === 0 ? offset : carryAt; // object offset of data[0]
    offset += chunk.length;
    let pos = 0; // the open event's first byte in data, or the first unsettled byte between events
    for (;;) {
      if (!inEvent) {
        const start = findEventOpen(data, pos);
        if (start < 0) {
          // Keep a possible `<Even` split across chunks, and judge the rest now if it grows.
          const keepFrom = Math.max(pos, data.length - EVENT_OPEN.length);
          if (keepFrom - pos > MAX_BETWEEN_BYTES) {
            const bad = judgeBetween(data, pos, keepFrom, base);
            if (bad) yield bad;
            pos = keepFrom;
          }
          break;
        }
        const bad = judgeBetween(data, pos, start, base);
        if (bad) yield bad;
        startEvent(base + start);
        pos = start;
        searchFrom = start + EVENT_OPEN.length;
      }
      const close = data.indexOf(EVENT_CLOSE, searchFrom);
      const nextOpen = findEventOpen(data, searchFrom, close < 0 ? data.length : close);
      if (nextOpen >= 0) {
        yield fragment(openedAt, 'XML fragment: this <Event> is not closed before the next <Event> starts');
        startEvent(base + nextOpen);
        pos = nextOpen;
        searchFrom = nextOpen + EVENT_OPEN.length;
        continue;
      }
      if (close < 0) break;
      const end = close + EVENT_CLOSE.length;
      const length = pending + (end - pos);
      if (oversized || length > maxRecordBytes) {
        yield fragment(openedAt, `<Event> element is longer than maxRecordBytes (${maxRecordBytes} bytes)`);
      } else {
        pieces.push(data.subarray(pos, end));
        yield { kind: 'record', bytes: joinPieces(pieces, length), location: `byte ${openedAt}` };
      }
      inEvent = false;
      pieces = [];
      pos = end;
    }
    if (inEvent) {
      // The event goes on: its bytes join the pieces (unless it is already too long: then only
      // its end is looked for), all but a seam that the next search starts from.
      const seamFrom = Math.max(pos, data.length - SEAM_BYTES);
      const body = data.subarray(pos, seamFrom);
      if (!oversized && pending + body.length > maxRecordBytes) {
        oversized = true;
        pieces = [];
        pending = 0;
      } else if (!oversized && body.length > 0) {
        pieces.push(body);
        pending += body.length;
      }
      carry = Buffer.from(data.subarray(seamFrom));
      carryAt = base + seamFrom;
      searchFrom = Math.max(0, searchFrom - seamFrom);
    } else {
      carry = pos < data.length ? Buffer.from(data.subarray(pos)) : EMPTY;
      carryAt = base + pos;
    }
  }
  if (inEvent) {
    yield fragment(openedAt, 'XML fragment: the object ends inside an <Event> element');
  } else {
    const bad = judgeBetween(carry, 0, carry.length, carryAt);
    if (bad) yield bad;
  }
}

/** `<Event` followed by whitespace, `>` or `/` (not `<Events`, `<EventData`, `<EventID`). */
function findEventOpen(buf: Buffer, from: number, before = buf.length): number {
  for (let i = buf.indexOf(EVENT_OPEN, from); i >= 0 && i < before; i = buf.indexOf(EVENT_OPEN, i + 1)) {
    const next = buf[i + EVENT_OPEN.length];
    if (next === undefined) return -1; // cannot tell yet
    if (next === 0x3e || next === 0x20 || next === 0x0a || next === 0x0d || next === 0x09 || next === 0x2f) return i;
  }
  return -1;
}

function judgeBetween(buf: Buffer, from: number, to: number, base: number): FramedRecord | undefined {
  if (to <= from) return undefined;
  const text = buf.toString('utf8', from, Math.min(to, from + MAX_BETWEEN_BYTES));
  const rest = text.replace(/^\uFEFF/, '').replace(BENIGN_BETWEEN, '');
  if (rest.length === 0) return undefined;
  const at = base + from + text.indexOf(rest.slice(0, 1));
  return fragment(at, `unexpected text between events: ${JSON.stringify(rest.slice(0, 40))}`);
}

function fragment(at: number, reason: string): FramedRecord {
  return { kind: 'bad', location: `byte ${at}`, reason };
}
