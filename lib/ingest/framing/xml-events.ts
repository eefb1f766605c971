/**
 * Windows Event XML streams (wevtutil, Get-WinEvent ToXml, WEF, Splunk `_raw`): `<Event>`
 * elements, bare or inside an `<Events>` wrapper. Events do not nest, so each record runs from
 * `<Event` to the next `</Event>`; an `<Event` that starts before the current one closed means
 * the current one is a cut-off fragment.
 */
import { asBuffer } from '../byte-source.ts';
import type { FramedRecord } from './framed-record.ts';

const EVENT_OPEN = Buffer.from('<Event');
const EVENT_CLOSE = Buffer.from('</Event>');
/** Text between events we accept silently: the XML declaration, the wrapper, comments. */
const BENIGN_BETWEEN = /<\?xml[^>]*\?>|<!--[\s\S]*?-->|<Events\b[^>]*>|<\/Events\s*>|\s+/g;
/** Keep this much of the bytes between events to judge them; more is garbage anyway. */
const MAX_BETWEEN_BYTES = 64 * 1024;

export async function* splitXmlEvents(
  input: AsyncIterable<Uint8Array>,
  maxRecordBytes: number,
): AsyncGenerator<FramedRecord> {
  let buf: Buffer = Buffer.alloc(0);
  let base = 0; // object offset of buf[0]
  let eventStart = -1; // index in buf of the open event, or -1 between events
  let openedAt = 0; // object offset of the open event's `<Event`
  let oversized = false;

  for await (const raw of input) {
    const chunk = asBuffer(raw);
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    let pos = 0;
    for (;;) {
      if (eventStart < 0) {
        const start = findEventOpen(buf, pos);
        if (start < 0) {
          // Keep a possible `<Even` split across chunks, and judge the rest now if it grows.
          const keepFrom = Math.max(pos, buf.length - EVENT_OPEN.length);
          if (keepFrom - pos > MAX_BETWEEN_BYTES) {
            const bad = judgeBetween(buf, pos, keepFrom, base);
            if (bad) yield bad;
            pos = keepFrom;
          }
          break;
        }
        const bad = judgeBetween(buf, pos, start, base);
        if (bad) yield bad;
        eventStart = start;
        openedAt = base + start;
        pos = start;
      }
      const close = buf.indexOf(EVENT_CLOSE, eventStart + EVENT_OPEN.length);
      const nextOpen = findEventOpen(buf, eventStart + EVENT_OPEN.length, close < 0 ? buf.length : close);
      if (nextOpen >= 0) {
        yield fragment(openedAt, 'XML fragment: this <Event> is not closed before the next <Event> starts');
        eventStart = nextOpen;
        openedAt = base + nextOpen;
        pos = nextOpen;
        oversized = false;
        continue;
      }
      if (close < 0) {
        if (buf.length - eventStart > maxRecordBytes) oversized = true;
        break;
      }
      const end = close + EVENT_CLOSE.length;
      if (end - eventStart > maxRecordBytes) oversized = true;
      yield oversized
        ? fragment(openedAt, `<Event> element is longer than maxRecordBytes (${maxRecordBytes} bytes)`)
        : { kind: 'record', bytes: buf.subarray(eventStart, end), location: `byte ${base + eventStart}` };
      oversized = false;
      eventStart = -1;
      pos = end;
    }
    // Drop what is settled; an oversized event keeps only a tail long enough to find its end.
    let keep = eventStart >= 0 ? eventStart : pos;
    if (eventStart >= 0 && oversized) keep = Math.max(eventStart, buf.length - EVENT_CLOSE.length);
    if (oversized && eventStart >= 0) {
      base += keep;
      buf = Buffer.from(buf.subarray(keep));
      eventStart = 0;
    } else {
      base += keep;
      buf = buf.subarray(keep);
      if (eventStart >= 0) eventStart -= keep;
    }
  }
  if (eventStart >= 0) {
    yield fragment(openedAt, 'XML fragment: the object ends inside an <Event> element');
  } else {
    const bad = judgeBetween(buf, 0, buf.length, base);
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
