/**
 * Repeated keys in one JSON object (`{"Image":"C:\\evil.exe", ..., "Image":"C:\\Windows\\notepad.exe"}`).
 * `JSON.parse` keeps the last value silently, as Elasticsearch's lenient readers, Python and Go do;
 * other readers (RapidJSON's and simdjson's lookups, some SIEM parsers) keep the first. A record
 * that reads differently depending on the reader is how an attacker shows the detector a benign
 * value while the log keeps the other, so every record is checked and a repeat is reported.
 *
 * Cheap on every record, exact on the rare one:
 * - `keysWritten` counts the key separators of the text: each `:` whose previous non-blank
 *   character is a `"` not escaped by a backslash. In valid JSON (the text has just parsed) that
 *   `"` closes a string, and a string followed by `:` is a key, or opens a value that starts
 *   with `:` (`"::1"`), told apart when the quote follows a counted separator. A value opening
 *   with `:` elsewhere (in a list) over-counts. It never under-counts: every key is found.
 * - `keysParsed` counts the keys of the parsed value at every depth: each object's distinct keys.
 * - Without repeats both are the number of keys; a repeat makes the tree one key smaller than the
 *   text. Equal counts therefore prove there is no repeat (text >= keys written >= tree, and the
 *   second is strict with a repeat). Different counts run `findDuplicateKeys`, an exact tokenizer
 *   (linear, iterative) that names every repeated key's path and builds the first-wins reading.
 * The text count costs a native `indexOf` per `:`; the tree walk one step per key.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;

/** Upper bound of the keys written in `text` (valid JSON), never below the true count. */
export function keysWritten(text: string): number {
  let count = 0;
  let lastCounted = -1;
  // Colons met inside strings since the last key: a long text value (NXLog's rendered
  // `Message`, a CloudWatch message holding escaped JSON) is skipped to its end at the third.
  let inStringRun = 0;
  let colon = text.indexOf(':');
  while (colon >= 0) {
    let quote = colon - 1;
    let c = text.charCodeAt(quote);
    while (c === SPACE || c === TAB || c === LF || c === CR) c = text.charCodeAt(--quote);
    // Outside strings a `:` only follows a key's closing quote: any other is inside a string.
    let inString = c !== QUOTE;
    if (!inString) {
      let before = quote - 1;
      c = text.charCodeAt(before);
      // An escaped quote (an odd run of backslashes before it, `\"`) is inside a string too.
      if (c === BACKSLASH && oddBackslashesEndingAt(text, before)) inString = true;
      else {
        while (c === SPACE || c === TAB || c === LF || c === CR) c = text.charCodeAt(--before);
        // A quote right after a counted separator opens a value whose text starts with `:`
        // (`"SourceAddress":"::1"`): not a key. Skipping it cannot lose a key: had that
        // separator been a colon inside a key (`":"`), it was counted in the key's place.
        if (before === lastCounted) inString = true;
        else {
          count++;
          lastCounted = colon;
          inStringRun = 0;
        }
      }
    }
    if (inString && ++inStringRun >= 3) {
      // Inside a string, the next unescaped quote closes it: the colons before it are text.
      // (Were the guess wrong, the next quote opens a string, and no key separator lies before
      // it: a separator follows a quote.)
      const end = closingQuote(text, colon + 1);
      if (end < 0) break;
      colon = text.indexOf(':', end + 1);
    } else colon = text.indexOf(':', colon + 1);
  }
  return count;
}

function oddBackslashesEndingAt(text: string, at: number): boolean {
  let slash = at;
  while (text.charCodeAt(slash) === BACKSLASH) slash--;
  return ((at - slash) & 1) === 1;
}

/** The first quote at or after `from` not escaped by a backslash, or -1. */
function closingQuote(text: string, from: number): number {
  for (let q = text.indexOf('"', from); q >= 0; q = text.indexOf('"', q + 1)) {
    if (text.charCodeAt(q - 1) !== BACKSLASH || !oddBackslashesEndingAt(text, q - 1)) return q;
  }
  return -1;
}

/** Keys of a parsed JSON value at every depth (each object's own, distinct, keys). Depth is
 *  bounded before parsing (nesting-depth.ts), so the recursion is too. */
export function keysParsed(value: unknown): number {
  let count = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === 'object' && item !== null) count += keysParsed(item);
    }
    return count;
  }
  const object = value as Record<string, unknown>;
  for (const key in object) {
    count++;
    const item = object[key];
    if (typeof item === 'object' && item !== null) count += keysParsed(item);
  }
  return count;
}

export interface DuplicateKeys {
  /** Paths of the repeated keys, in text order (`winlog.event_data.Image`, `logEvents[2].message`), at most `MAX_PATHS`. */
  readonly paths: readonly string[];
  /** Repeats found (a key written three times counts twice). */
  readonly count: number;
  /** The record read keeping the *first* value of each repeated key (JSON.parse keeps the last). */
  readonly firstWins: unknown;
}

/** Paths named in a warning: enough to find the record's trick, bounded however many it plays. */
export const MAX_PATHS = 8;
/** Longest key name shown in a path. */
const MAX_KEY_SHOWN = 64;

/** The repeated keys of `text`, already parsed as `parsed`, or undefined when it has none. */
export function duplicateKeysOf(text: string, parsed: unknown): DuplicateKeys | undefined {
  // Only objects hold keys; a scalar record has none to repeat.
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  if (keysWritten(text) === keysParsed(parsed)) return undefined;
  return findDuplicateKeys(text);
}

interface Frame {
  readonly container: Record<string, unknown> | unknown[];
  /** Keys seen in this object (undefined for arrays). */
  readonly seen: Set<string> | undefined;
  /** Path of this container, for naming repeats. */
  readonly path: string;
  /** The key whose value is being read (objects), and whether that key was a repeat. */
  key: string;
  repeat: boolean;
}

/**
 * The exact pass over valid JSON text: every repeated key's path and the first-wins value.
 * Iterative (an explicit stack), one pass, strings decoded by JSON.parse on their slice.
 * Returns undefined when no key repeats (the counts differed for another reason, e.g. a string
 * value that starts with `:`).
 */
export function findDuplicateKeys(text: string): DuplicateKeys | undefined {
  const paths: string[] = [];
  let count = 0;
  const stack: Frame[] = [];
  let root: unknown;
  let i = 0;
  const n = text.length;

  const skipBlank = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c !== SPACE && c !== TAB && c !== LF && c !== CR) return;
      i++;
    }
  };
  const readString = (): string => {
    const start = i;
    i++;
    let escaped = false;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === BACKSLASH) {
        escaped = true;
        i += 2;
        continue;
      }
      if (c === QUOTE) break;
      i++;
    }
    i++;
    return escaped ? (JSON.parse(text.slice(start, i)) as string) : text.slice(start + 1, i - 1);
  };
  /** A finished value: stored in its container (unless its key repeats: the first value stays). */
  const place = (value: unknown): void => {
    const top = stack[stack.length - 1];
    if (top === undefined) root = value;
    else if (Array.isArray(top.container)) top.container.push(value);
    else if (!top.repeat) setOwn(top.container, top.key, value);
  };

  while (i < n) {
    skipBlank();
    if (i >= n) break;
    const c = text.charCodeAt(i);
    const top = stack[stack.length - 1];
    if (c === 0x2c /* , */) {
      i++;
      continue;
    }
    if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      i++;
      const done = stack.pop()!;
      place(done.container);
      continue;
    }
    // In an object, a key comes first, then `:` and its value.
    if (top?.seen && c === QUOTE) {
      const key = readString();
      skipBlank();
      i++; // the `:`
      top.key = key;
      top.repeat = top.seen.has(key);
      if (top.repeat) {
        count++;
        if (paths.length < MAX_PATHS) paths.push(join(top.path, key));
      } else top.seen.add(key);
      skipBlank();
    }
    const v = text.charCodeAt(i);
    if (v === 0x7b /* { */ || v === 0x5b /* [ */) {
      i++;
      const path = top === undefined ? '' : Array.isArray(top.container) ? `${top.path}[${top.container.length}]` : join(top.path, top.key);
      stack.push(v === 0x7b ? { container: {}, seen: new Set(), path, key: '', repeat: false } : { container: [], seen: undefined, path, key: '', repeat: false });
      continue;
    }
    if (v === QUOTE) {
      place(readString());
      continue;
    }
    // A number or a literal: up to the next delimiter.
    const start = i;
    while (i < n) {
      const d = text.charCodeAt(i);
      if (d === 0x2c || d === 0x7d || d === 0x5d || d === SPACE || d === TAB || d === LF || d === CR) break;
      i++;
    }
    place(JSON.parse(text.slice(start, i)));
  }
  return count === 0 ? undefined : { paths, count, firstWins: root };
}

/** `__proto__` is an own key, as JSON.parse makes it, never the object's prototype. */
function setOwn(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  else object[key] = value;
}

function join(path: string, key: string): string {
  const shown = key.length > MAX_KEY_SHOWN ? `${key.slice(0, MAX_KEY_SHOWN)}...` : key;
  return path === '' ? shown : `${path}.${shown}`;
}
