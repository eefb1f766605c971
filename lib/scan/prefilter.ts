/**
 * Skipping records that no loaded rule can match, before they are parsed.
 *
 * Each engine knows what an event must carry for any of its rules to match: every Sigma rule is
 * routed to a set of channels (`Channel` equal to one, case-insensitively), every EQL rule of a
 * `file where` query needs `event.category` to hold `file`. Ingest copies those values from the
 * record's text, only undoing JSON or XML escaping. So a record whose raw bytes hold none of the
 * engine's needles, in any spelling its escaping could hide, can match no rule: it is counted and
 * skipped without `JSON.parse`, and no answer changes.
 *
 * "Any spelling" is taken conservatively: a record is parsed whenever it holds a JSON `\u` or
 * `\/` escape, a `<` (XML, alone or inside a JSON string as CloudWatch carries it, can split a
 * value's text with tags, comments or CDATA, so XML is always parsed), `&#`, the Kelvin sign
 * (which Sigma's case folding turns into `k`), or does not look like one whole JSON object (so
 * truncated lines are still parsed and reported unreadable). A skipped record is one event: records
 * that may hold several (CloudWatch envelopes) are parsed, so event indexes never shift.
 */

/** Text one of which every matchable record holds; ASCII only. */
export interface Needle {
  readonly text: string;
  /** Sigma compares strings case-insensitively; EQL's `event.category` is an exact term. */
  readonly caseInsensitive: boolean;
}

export interface RecordPrefilter {
  readonly needles: readonly Needle[];
  /** False only when the record provably holds none of the needles: it can be skipped. */
  mayMatch(record: Uint8Array): boolean;
}

/**
 * Needles for Sigma rules, from their logsource routes: the channel names. `undefined` (no
 * prefilter) as soon as one rule may match on any channel.
 */
export function channelNeedles(routes: readonly { readonly channels: readonly string[] | null; readonly foreign: boolean }[]): Needle[] | undefined {
  const needles: Needle[] = [];
  for (const route of routes) {
    if (route.foreign) continue; // never matches a Windows event
    if (!route.channels) return undefined;
    for (const channel of route.channels) needles.push({ text: channel, caseInsensitive: true });
  }
  return dedupe(needles);
}

/**
 * Needles for EQL rules, from their event categories (`file where` needs `file`). `undefined` as
 * soon as one rule is `any where`.
 */
export function categoryNeedles(categories: readonly (string | null)[]): Needle[] | undefined {
  const needles: Needle[] = [];
  for (const category of categories) {
    if (category === null) return undefined;
    needles.push({ text: category, caseInsensitive: false });
  }
  return dedupe(needles);
}

/** The needles of several detectors together: `undefined` if any of them has none. */
export function unionNeedles(lists: readonly (readonly Needle[] | undefined)[]): Needle[] | undefined {
  const all: Needle[] = [];
  for (const list of lists) {
    if (!list) return undefined;
    all.push(...list);
  }
  return dedupe(all);
}

/** A prefilter for these needles, or `undefined` when none can be built (no needles, non-ASCII text). */
export function createPrefilter(needles: readonly Needle[] | undefined): RecordPrefilter | undefined {
  if (!needles || needles.length === 0) return undefined;
  const searches: NeedleSearch[] = [];
  for (const needle of needles) {
    const search = compileNeedle(needle);
    if (!search) return undefined;
    searches.push(search);
  }
  return { needles: [...needles], mayMatch: (record) => mayMatch(asBuffer(record), searches) };
}

/**
 * How one needle is looked for with Buffer.indexOf (native, memchr-fast), never a byte loop in
 * JS: a case-sensitive needle whole; a case-insensitive one by a short window of it holding as
 * few letters as possible, in each of its case spellings, each hit then checked in full.
 */
interface NeedleSearch {
  /** Lower-cased when case-insensitive. */
  readonly bytes: Buffer;
  readonly caseInsensitive: boolean;
  /** Every case spelling of the window (one, for a case-sensitive needle: the whole needle). */
  readonly probes: readonly Buffer[];
  /** Where the window starts in the needle. */
  readonly offset: number;
}

/**
 * Spellings that could hide a needle from a byte search: JSON `\u` and `\/` escapes; `<`, as
 * XML text can be split by child elements, comments or CDATA and still read as one value;
 * character references `&#`; U+212A KELVIN SIGN, which Sigma's case folding turns into `k`.
 * A record holding any of them is parsed.
 */
const HIDERS = ['\\u', '\\/', '<', '&#', '\u212a'].map((s) => Buffer.from(s, 'utf8'));

/**
 * A skipped record stands for exactly one event, so event numbering never changes. Records that
 * may hold several events, or none, are always parsed: today only CloudWatch Logs subscription
 * records (ingest's lib/ingest/layouts/cloudwatch.ts), recognised by their `logEvents` key.
 * A new multi-event layout in ingest must add its key here.
 */
const MULTI_EVENT_KEYS = ['logEvents'].map((s) => Buffer.from(s, 'utf8'));

function mayMatch(record: Buffer, searches: readonly NeedleSearch[]): boolean {
  if (!looksWhole(record)) return true;
  for (let i = 0; i < searches.length; i++) if (holds(record, searches[i]!)) return true;
  for (let i = 0; i < HIDERS.length; i++) if (record.indexOf(HIDERS[i]!) !== -1) return true;
  for (let i = 0; i < MULTI_EVENT_KEYS.length; i++) if (record.indexOf(MULTI_EVENT_KEYS[i]!) !== -1) return true;
  return false;
}

function holds(record: Buffer, search: NeedleSearch): boolean {
  for (const probe of search.probes) {
    let at = record.indexOf(probe);
    while (at !== -1) {
      if (!search.caseInsensitive || holdsAt(record, search, at - search.offset)) return true;
      at = record.indexOf(probe, at + 1);
    }
  }
  return false;
}

function holdsAt(record: Buffer, needle: NeedleSearch, start: number): boolean {
  const bytes = needle.bytes;
  if (start < 0 || start + bytes.length > record.length) return false;
  for (let j = 0; j < bytes.length; j++) {
    const b = record[start + j]!;
    const want = bytes[j]!;
    if (b !== want && !(isAsciiLetter(want) && (b | 0x20) === want)) return false;
  }
  return true;
}

/** One JSON object, by its first and last non-blank bytes. */
function looksWhole(record: Uint8Array): boolean {
  let first = 0;
  let last = record.length - 1;
  while (first <= last && isBlank(record[first]!)) first++;
  while (last >= first && isBlank(record[last]!)) last--;
  if (first >= last) return false;
  const open = record[first];
  const close = record[last];
  return open === 0x7b && close === 0x7d;
}

function isBlank(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
}

function isAsciiLetter(b: number): boolean {
  const lower = b | 0x20;
  return lower >= 0x61 && lower <= 0x7a;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The window's length: long enough to make hits rare, short enough to have few spellings. */
const WINDOW = 3;

function compileNeedle(needle: Needle): NeedleSearch | undefined {
  const text = needle.text;
  if (text.length === 0) return undefined;
  const bytes = Buffer.alloc(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // Outside printable ASCII, or characters JSON/XML escape (" \ & < >): no provable search.
    if (code < 0x20 || code > 0x7e || code === 0x22 || code === 0x5c || code === 0x26 || code === 0x3c || code === 0x3e) return undefined;
    bytes[i] = needle.caseInsensitive && isAsciiLetter(code) ? code | 0x20 : code;
  }
  if (!needle.caseInsensitive) return { bytes, caseInsensitive: false, probes: [bytes], offset: 0 };
  // The window with the fewest letters (fewest spellings), the first such.
  const width = Math.min(WINDOW, bytes.length);
  let offset = 0;
  let fewest = Number.POSITIVE_INFINITY;
  for (let i = 0; i + width <= bytes.length; i++) {
    let letters = 0;
    for (let j = i; j < i + width; j++) if (isAsciiLetter(bytes[j]!)) letters++;
    if (letters < fewest) {
      fewest = letters;
      offset = i;
    }
  }
  return { bytes, caseInsensitive: true, probes: caseSpellings(bytes.subarray(offset, offset + width)), offset };
}

function caseSpellings(window: Buffer): Buffer[] {
  let spellings: Buffer[] = [Buffer.from(window)];
  for (let i = 0; i < window.length; i++) {
    if (!isAsciiLetter(window[i]!)) continue;
    spellings = spellings.flatMap((s) => {
      const upper = Buffer.from(s);
      upper[i] = s[i]! & ~0x20;
      return [s, upper];
    });
  }
  return spellings;
}

function dedupe(needles: readonly Needle[]): Needle[] {
  const seen = new Set<string>();
  const out: Needle[] = [];
  for (const n of needles) {
    const key = `${n.caseInsensitive ? 'i' : 's'}:${n.caseInsensitive ? n.text.toLowerCase() : n.text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(n);
  }
  return out;
}
