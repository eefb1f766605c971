/**
 * Records written without templates (whole elements inline in the record, as some exporters
 * write every record of a file; 15% of the corpus records, nearly a quarter of its record bytes)
 * rendered straight from their bytes: each element's tokens are read and its JSON value built as
 * its end tag is reached, with no `XmlElement` tree in between. Parsed into a tree and walked,
 * such a record cost about ten times a planned one (render-record.ts and binxml.ts between them).
 *
 * The answers are render-record.ts's for the same bytes (its conventions: `#attributes`,
 * `#text`, trimming, `Data` items, `_1` suffixes, through its own `putChildren`), and so are
 * the failures: at anything this reader does not take (a template instance or substitution
 * among the elements, a token out of place, bytes past the end, more than 64 levels, more
 * nodes or characters than a record may have) it gives up, leaves the chunk's name table as it
 * found it, and the caller parses and walks the record the general way, which then renders it
 * or stops it with the reason it always gave. The characters it counts are exactly the walk's
 * (every name and text piece), so the object's budget sees the same sum either way; the nodes it
 * counts are at least the walk's.
 */
import { PREDEFINED_ENTITIES } from '../ingest/layouts/xml-element.ts';
import {
  type ChunkTables,
  MAX_DEPTH,
  nameAt,
  TOKEN_ATTRIBUTE,
  TOKEN_CDATA,
  TOKEN_CHAR_REF,
  TOKEN_CLOSE_EMPTY_ELEMENT,
  TOKEN_CLOSE_START_ELEMENT,
  TOKEN_END_ELEMENT,
  TOKEN_ENTITY_REF,
  TOKEN_EOF,
  TOKEN_FRAGMENT_HEADER,
  TOKEN_MORE_FLAG,
  TOKEN_NORMAL_SUBSTITUTION,
  TOKEN_OPEN_START_ELEMENT,
  TOKEN_OPTIONAL_SUBSTITUTION,
  TOKEN_PI_DATA,
  TOKEN_PI_TARGET,
  TOKEN_TEMPLATE_INSTANCE,
  TOKEN_VALUE,
} from './binxml.ts';
import { need } from './evtx-format-error.ts';
import type { ExpansionBudget } from './expansion-budget.ts';
import { CONTAINER, DATA, type JsonObject, type JsonValue, MAX_NODES_PER_RECORD, PLAIN, putChildren, ROOT, setKey } from './render-record.ts';
import type { RepeatedData } from './repeated-data.ts';
import { decodeLatin1UntilNul, decodeUtf16 } from './utf16.ts';
import { decodeFixed, fixedSize, VALUE_ANSI_STRING, VALUE_NULL, VALUE_STRING } from './value-types.ts';

/** Thrown to give up on a record (never escapes this file). */
const GIVE_UP = new Error('not an inline record this reader takes');

// The record being read (reading is synchronous and never re-entered).
let tables: ChunkTables;
let bytes: Buffer;
let view: DataView;
let pos = 0;
let end = 0;
let depth = 0;
let nodes = 0;
let chars = 0;
let charLimit = 0;
let repeats: RepeatedData | undefined;
/** Name offsets this record added to the chunk's table, taken out again when it gives up. */
const added: number[] = [];
let addedTop = 0;
// Stacks with explicit tops, as in render-record.ts: text pieces, attributes, rendered children.
const text: string[] = [];
let textTop = 0;
const attrNames: string[] = [];
const attrValues: string[] = [];
let attrTop = 0;
const childNames: string[] = [];
const childValues: JsonValue[] = [];
const childDataNames: (string | undefined)[] = [];
let childTop = 0;
/** Records that started inline and were handed back to the general walk (for tests). */
let givenUp = 0;

/**
 * The record's value for the BinXML in `[start, stop)` of the chunk, or undefined when the
 * record is a template instance or anything this reader does not take (see above); the budget
 * is charged only for a record it renders.
 */
export function renderInlineRecord(chunk: ChunkTables, start: number, stop: number, budget: ExpansionBudget, repeated: RepeatedData | undefined): JsonObject | undefined {
  let first = start;
  if (chunk.bytes[first] === TOKEN_FRAGMENT_HEADER) first += 4;
  if (first >= stop || chunk.bytes[first] === TOKEN_TEMPLATE_INSTANCE || start < 0 || stop > chunk.bytes.length) return undefined;
  tables = chunk;
  bytes = chunk.bytes;
  view = chunk.view;
  pos = start;
  end = stop;
  depth = nodes = chars = 0;
  charLimit = budget.limits.maxRecordExpansion;
  repeats = repeated;
  addedTop = textTop = attrTop = childTop = 0;
  try {
    while (pos < end) {
      const token = bytes[pos]!;
      if (token === TOKEN_EOF) {
        pos++;
        break;
      } else if (token === TOKEN_FRAGMENT_HEADER) {
        pos += 4;
      } else if ((token & ~TOKEN_MORE_FLAG) === TOKEN_OPEN_START_ELEMENT) {
        element(ROOT);
      } else if (!contentToken()) {
        throw GIVE_UP; // a template instance further on, or a token out of place
      }
    }
    if (nodes > MAX_NODES_PER_RECORD) throw GIVE_UP;
  } catch {
    for (let i = 0; i < addedTop; i++) tables.names.delete(added[i]!);
    repeated?.clear();
    givenUp++;
    return undefined;
  }
  // Top-level text counts and is dropped; top-level elements by name, the last of a name winning.
  const out: JsonObject = {};
  for (let i = 0; i < childTop; i++) setKey(out, childNames[i]!, childValues[i]!);
  budget.startRecord();
  budget.spend(chars);
  return out;
}

/** How many records renderInlineRecord has handed back to the general walk so far. */
export function inlineRecordsGivenUp(): number {
  return givenUp;
}

/** Reads one element (start tag, attributes, content, end tag) and pushes its rendered value. */
function element(parentMode: number): void {
  if (++depth > MAX_DEPTH) throw GIVE_UP;
  const start = pos;
  const hasAttributes = (bytes[start]! & TOKEN_MORE_FLAG) !== 0;
  pos = start + 1 + (hasDependencyId(start) ? 2 : 0) + 4; // token, [dependency id], data size
  const name = readName();
  nodes++;
  count(name.length);
  const mode =
    parentMode === ROOT
      ? PLAIN
      : parentMode === CONTAINER && name === 'Data'
        ? DATA
        : name === 'EventData' || name === 'UserData'
          ? CONTAINER
          : PLAIN;
  if (hasAttributes) pos += 4; // attribute list size

  const attrBase = attrTop;
  let dataName: string | undefined;
  while (hasAttributes && pos < end && (bytes[pos]! & ~TOKEN_MORE_FLAG) === TOKEN_ATTRIBUTE) {
    pos++;
    const attrName = readName();
    count(attrName.length);
    const textBase = textTop;
    while (pos < end && contentToken()) {
      // one text or substitution token of the attribute's value
    }
    if (textTop === textBase) continue; // nothing rendered: the attribute is left out
    const joined = textTop === textBase + 1 ? text[textBase]! : joinText(textBase);
    textTop = textBase;
    if (mode === DATA && dataName === undefined && attrName === 'Name') dataName = joined;
    attrNames[attrTop] = attrName;
    attrValues[attrTop++] = joined.trim();
  }

  if (pos >= end) throw GIVE_UP;
  const close = bytes[pos++]!;
  const textBase = textTop;
  const childBase = childTop;
  if (close === TOKEN_CLOSE_START_ELEMENT) {
    for (;;) {
      if (pos >= end) throw GIVE_UP;
      const token = bytes[pos]!;
      if (token === TOKEN_END_ELEMENT) {
        pos++;
        break;
      }
      if ((token & ~TOKEN_MORE_FLAG) === TOKEN_OPEN_START_ELEMENT) element(mode);
      else if (!contentToken()) throw GIVE_UP;
    }
  } else if (close !== TOKEN_CLOSE_EMPTY_ELEMENT) {
    throw GIVE_UP;
  }
  depth--;

  const hasText = textTop > textBase;
  let result: JsonValue;
  if (childTop === childBase && (mode === DATA || attrTop === attrBase)) {
    result = hasText ? textOf(textBase) : mode === DATA ? '' : null;
  } else {
    const out: JsonObject = {};
    if (attrTop > attrBase) {
      const attributes: JsonObject = {};
      for (let i = attrBase; i < attrTop; i++) setKey(attributes, attrNames[i]!, attrValues[i]!);
      out['#attributes'] = attributes;
    }
    if (hasText) out['#text'] = textOf(textBase);
    putChildren(out, childNames, childValues, childDataNames, childBase, childTop, mode === CONTAINER, repeats);
    result = out;
  }
  textTop = textBase;
  attrTop = attrBase;
  childTop = childBase;
  childNames[childTop] = name;
  childValues[childTop] = result;
  // A `Data` item without a (non-empty) Name has none.
  childDataNames[childTop++] = mode === DATA ? dataName : undefined;
}

/** binxml.ts's choice of element header layout outside templates, for the same bytes. */
function hasDependencyId(start: number): boolean {
  if (start + 11 > end) return false;
  const nameOffset = view.getUint32(start + 7, true);
  return nameOffset === start + 11 || (nameOffset < start && tables.names.has(nameOffset));
}

/**
 * One text-like token onto the text stack (a substitution renders nothing here: a record has
 * no values; a processing instruction nothing anywhere). False, consuming nothing, for others.
 */
function contentToken(): boolean {
  const token = bytes[pos]!;
  switch (token & ~TOKEN_MORE_FLAG) {
    case TOKEN_VALUE: {
      pos++;
      const value = inlineValue();
      if (value !== '') pushText(value);
      return true;
    }
    case TOKEN_NORMAL_SUBSTITUTION:
    case TOKEN_OPTIONAL_SUBSTITUTION: {
      if (token & TOKEN_MORE_FLAG) return false;
      need(pos, 4, end, 'substitution token');
      const type = bytes[pos + 3]!;
      pos += 4;
      if (!(token === TOKEN_OPTIONAL_SUBSTITUTION && type === VALUE_NULL)) nodes++;
      return true;
    }
    case TOKEN_CDATA:
      pos++;
      pushText(lengthPrefixedUtf16());
      return true;
    case TOKEN_CHAR_REF:
      need(pos, 3, end, 'character reference');
      pushText(String.fromCharCode(view.getUint16(pos + 1, true)));
      pos += 3;
      return true;
    case TOKEN_ENTITY_REF: {
      pos++;
      const name = readName();
      pushText(Object.hasOwn(PREDEFINED_ENTITIES, name) ? PREDEFINED_ENTITIES[name]! : `&${name};`);
      return true;
    }
    case TOKEN_PI_TARGET:
      pos++;
      readName();
      return true;
    case TOKEN_PI_DATA:
      pos++;
      lengthPrefixedUtf16();
      return true;
    default:
      return false;
  }
}

function inlineValue(): string {
  if (pos >= end) throw GIVE_UP;
  const type = bytes[pos++]!;
  if (type === VALUE_STRING) return lengthPrefixedUtf16();
  if (type === VALUE_ANSI_STRING) {
    need(pos, 2, end, 'string length');
    const length = view.getUint16(pos, true);
    need(pos + 2, length, end, 'string');
    const value = decodeLatin1UntilNul(bytes, pos + 2, length);
    pos += 2 + length;
    return value;
  }
  const size = fixedSize(type);
  if (size === undefined) throw GIVE_UP;
  need(pos, size, end, 'literal value');
  const value = decodeFixed(bytes, view, type, pos);
  pos += size;
  return String(value);
}

function lengthPrefixedUtf16(): string {
  need(pos, 2, end, 'string length');
  const units = view.getUint16(pos, true);
  need(pos + 2, units * 2, end, 'string');
  const value = decodeUtf16(bytes, pos + 2, units);
  pos += 2 + units * 2;
  return value;
}

/** A name reference (binxml.ts's `name()`): stepped over when the name record is inline here. */
function readName(): string {
  need(pos, 4, end, 'name offset');
  const offset = view.getUint32(pos, true);
  pos += 4;
  let name = tables.names.get(offset);
  if (name === undefined) {
    added[addedTop++] = offset;
    name = nameAt(tables, offset);
  }
  if (offset === pos) pos += 8 + view.getUint16(offset + 6, true) * 2 + 2;
  return name;
}

function pushText(piece: string): void {
  nodes++;
  count(piece.length);
  text[textTop++] = piece;
}

/** Characters put out, as the walk counts them; past the record's budget the walk takes over. */
function count(length: number): void {
  chars += length;
  if (chars > charLimit || nodes > MAX_NODES_PER_RECORD) throw GIVE_UP;
}

function textOf(base: number): string {
  return (textTop === base + 1 ? text[base]! : joinText(base)).trim();
}

function joinText(base: number): string {
  let joined = '';
  for (let i = base; i < textTop; i++) joined += text[i]!;
  return joined;
}
