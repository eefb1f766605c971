/**
 * A reader for the block-style YAML that Sigma rules are written in: block maps and sequences,
 * plain, single- and double-quoted scalars on one line, `|`/`>` block scalars, one-line flow
 * sequences, comments and `---` documents. The general `yaml` library costs about a millisecond
 * per rule (seconds for SigmaHQ's thousands, the larger part of a CLI start); this costs a few
 * microseconds.
 *
 * It answers only when it is sure. Anything outside the subset (anchors, aliases, tags, flow
 * maps, multi-line plain or quoted scalars, tabs, CR line ends, duplicate keys, directives, ...)
 * makes it decline with `undefined`, and the caller reads the text with `yaml` instead, so every
 * odd file gets that library's values and error messages. Scalars resolve as YAML 1.2's core
 * schema does (the `yaml` default). test/sigma/block-yaml.test.ts holds both readers equal over
 * every SigmaHQ rule and over generated documents.
 */

export interface BlockYamlDocument {
  readonly body: unknown;
  /** 1-based line where `yaml` says the document starts: its `---`, else its first content line. */
  readonly line: number;
}

/** Thrown inside the reader when the text leaves the subset; never escapes `readBlockYaml`. */
class Decline extends Error {}

interface Line {
  /** Leading spaces. */
  indent: number;
  /** The line after its indentation (never blank, never only a comment, for significant lines). */
  text: string;
  /** 0-based line number in the file. */
  readonly number: number;
}

// One character class: linear, and far faster than a loop over the text.
// eslint-disable-next-line no-control-regex
const UNHANDLED_CHARACTERS = /[\x00-\x09\x0b-\x1f\x7f-\x9f\ufeff]/;
const DOCUMENT_MARKER = /^---[ ]*(?:#.*)?$/;

/** The documents of `text`, or undefined when `text` uses YAML this reader does not handle. */
export function readBlockYaml(text: string): BlockYamlDocument[] | undefined {
  // Tabs, CRs, a BOM and other control characters change YAML's reading in ways not worth
  // reproducing here: the general reader takes those files.
  if (UNHANDLED_CHARACTERS.test(text)) return undefined;
  try {
    const lines = text.split('\n');
    // The text's final line break ends its last line; it does not start another (a `|+` counts them).
    if (text.endsWith('\n')) lines.pop();
    return readDocuments(lines);
  } catch (error) {
    if (error instanceof Decline) return undefined;
    throw error;
  }
}

function readDocuments(raw: readonly string[]): BlockYamlDocument[] {
  const documents: BlockYamlDocument[] = [];
  let start = 0;
  let marker = -1;
  for (let i = 0; i <= raw.length; i++) {
    const line = raw[i];
    const ends = i === raw.length || (line!.startsWith('---') && DOCUMENT_MARKER.test(line!));
    if (line !== undefined && !ends && (line.startsWith('---') || line.startsWith('...') || line.startsWith('%'))) throw new Decline();
    if (!ends) continue;
    const doc = readDocument(raw, start, i, marker);
    if (doc) documents.push(doc);
    start = i + 1;
    marker = i;
  }
  return documents;
}

function readDocument(raw: readonly string[], from: number, to: number, marker: number): BlockYamlDocument | undefined {
  const reader = new BlockReader(raw, from, to);
  const first = reader.peek();
  if (!first) {
    // An empty document between two markers: `yaml` yields a null body, which callers skip.
    return marker >= 0 ? { body: null, line: marker + 1 } : undefined;
  }
  if (first.indent !== 0) throw new Decline();
  const body = reader.block(0);
  if (reader.peek()) throw new Decline();
  return { body, line: (marker >= 0 ? marker : first.number) + 1 };
}

class BlockReader {
  readonly #raw: readonly string[];
  readonly #to: number;
  #at: number;
  /** The current significant line, once found (its text may be rewritten for `- key: value`). */
  #current: Line | undefined;

  constructor(raw: readonly string[], from: number, to: number) {
    this.#raw = raw;
    this.#at = from;
    this.#to = to;
  }

  /** The next line that is neither blank nor only a comment. */
  peek(): Line | undefined {
    if (this.#current) return this.#current;
    for (; this.#at < this.#to; this.#at++) {
      const raw = this.#raw[this.#at]!;
      let indent = 0;
      while (indent < raw.length && raw.charCodeAt(indent) === 32) indent++;
      if (indent === raw.length || raw.charCodeAt(indent) === 35 /* # */) continue;
      this.#current = { indent, text: trimEnd(raw.slice(indent)), number: this.#at };
      return this.#current;
    }
    return undefined;
  }

  #advance(): void {
    this.#current = undefined;
    this.#at++;
  }

  /** A block node whose first line is the current one, at `indent`. */
  block(indent: number): unknown {
    const line = this.peek()!;
    if (line.indent !== indent) throw new Decline();
    if (isSequenceItem(line.text)) return this.#sequence(indent);
    if (keyEnd(line.text) >= 0) return this.#map(indent);
    throw new Decline();
  }

  #sequence(indent: number): unknown[] {
    const items: unknown[] = [];
    for (let line = this.peek(); line && line.indent === indent && isSequenceItem(line.text); line = this.peek()) {
      let offset = 1;
      while (line.text.charCodeAt(offset) === 32) offset++;
      const rest = line.text.slice(offset);
      if (rest === '' || rest.startsWith('#')) {
        this.#advance();
        items.push(this.#nested(indent, false));
        continue;
      }
      if (isSequenceItem(rest) || keyEnd(rest) >= 0) {
        // `- key: value` / `- - item`: the rest of the line opens a node at its own column.
        line.indent += offset;
        line.text = rest;
        items.push(this.block(line.indent));
        continue;
      }
      this.#advance();
      items.push(this.#inlineValue(rest, indent));
    }
    const next = this.peek();
    if (next && next.indent > indent) throw new Decline();
    return items;
  }

  #map(indent: number): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    for (let line = this.peek(); line && line.indent === indent && !isSequenceItem(line.text); line = this.peek()) {
      const end = keyEnd(line.text);
      if (end < 0) throw new Decline();
      const key = readKey(line.text.slice(0, end));
      // Duplicates are an error `yaml` reports (uniqueKeys); __proto__ it stores its own way.
      if (key === '__proto__' || Object.hasOwn(map, key)) throw new Decline();
      const rest = line.text.slice(end + 1).trimStart();
      this.#advance();
      map[key] = rest === '' || rest.startsWith('#') ? this.#nested(indent, true) : this.#inlineValue(rest, indent);
    }
    const next = this.peek();
    if (next && next.indent > indent) throw new Decline();
    return map;
  }

  /** The value of a key or item written on the lines below it (null when there is none). */
  #nested(indent: number, inMap: boolean): unknown {
    const next = this.peek();
    if (!next || next.indent < indent) return null;
    if (next.indent > indent) return this.block(next.indent);
    // A map's value may be a sequence at the map's own indentation.
    if (inMap && isSequenceItem(next.text)) return this.#sequence(indent);
    return null;
  }

  /** A value written after `key: ` or `- ` (the reader is already past its line). */
  #inlineValue(text: string, indent: number): unknown {
    const first = text.charCodeAt(0);
    if (first === 124 /* | */ || first === 62 /* > */) return this.#blockScalar(text, indent);
    let value: unknown;
    if (first === 39 /* ' */ || first === 34 /* " */) {
      const { value: quoted, end } = readQuoted(text, 0);
      if (!isBlankOrComment(text.slice(end))) throw new Decline();
      value = quoted;
    } else if (first === 91 /* [ */) {
      value = readFlowSequence(text);
    } else if (text === '{}') {
      value = {};
    } else {
      value = resolvePlain(readPlain(text));
    }
    // A more indented line after a one-line value continues it (multi-line scalars): declined.
    const next = this.peek();
    if (next && next.indent > indent) throw new Decline();
    return value;
  }

  /** `|` or `>` with optional chomping (`-`, `+`); the body is every following line indented deeper. */
  #blockScalar(header: string, indent: number): string {
    const folded = header.charCodeAt(0) === 62;
    let chomp: 'clip' | 'strip' | 'keep' = 'clip';
    let rest = header.slice(1);
    if (rest.startsWith('-')) chomp = 'strip';
    else if (rest.startsWith('+')) chomp = 'keep';
    if (chomp !== 'clip') rest = rest.slice(1);
    if (!isBlankOrComment(rest) || (rest !== '' && !rest.startsWith(' '))) throw new Decline();
    // Raw lines: blank lines and `#` belong to the scalar here.
    this.#current = undefined;
    const content: string[] = [];
    let contentIndent = -1;
    let leadingBlankWidth = 0;
    /** Blank lines after the last content line so far. */
    let trailing = 0;
    for (; this.#at < this.#to; this.#at++) {
      const raw = this.#raw[this.#at]!;
      let spaces = 0;
      while (spaces < raw.length && raw.charCodeAt(spaces) === 32) spaces++;
      if (spaces === raw.length) {
        if (contentIndent < 0) leadingBlankWidth = Math.max(leadingBlankWidth, spaces);
        // Spaces beyond the indentation on a blank line are content in YAML: not handled here.
        else if (spaces > contentIndent) throw new Decline();
        trailing++;
        continue;
      }
      if (contentIndent < 0) {
        if (spaces <= indent) break;
        if (leadingBlankWidth > spaces) throw new Decline();
        contentIndent = spaces;
      } else if (spaces < contentIndent) {
        break;
      }
      for (; trailing > 0; trailing--) content.push('');
      content.push(raw.slice(contentIndent));
    }
    if (contentIndent < 0) throw new Decline();
    let text: string;
    if (folded) {
      // Folding with more-indented lines keeps their breaks: not handled here.
      if (content.some((l) => l.startsWith(' '))) throw new Decline();
      text = fold(content);
    } else {
      text = content.join('\n');
    }
    if (chomp === 'strip') return text;
    if (chomp === 'clip') return `${text}\n`;
    return `${text}\n${'\n'.repeat(trailing)}`;
  }
}

/** `>` folding: a single line break between content lines becomes a space; n blank lines become n breaks. */
function fold(lines: readonly string[]): string {
  let out = '';
  let breaks = 0;
  let started = false;
  for (const line of lines) {
    if (line === '') {
      breaks++;
      continue;
    }
    if (started) out += breaks === 0 ? ' ' : '\n'.repeat(breaks);
    else out += '\n'.repeat(breaks);
    out += line;
    breaks = 0;
    started = true;
  }
  return out;
}

function isSequenceItem(text: string): boolean {
  return text.charCodeAt(0) === 45 /* - */ && (text.length === 1 || text.charCodeAt(1) === 32);
}

/** What may follow a value on its line: nothing, or spaces and then possibly a comment. */
function isBlankOrComment(text: string): boolean {
  if (text === '') return true;
  if (text.charCodeAt(0) !== 32) return false;
  const rest = text.trimStart();
  return rest === '' || rest.startsWith('#');
}

/**
 * Where the key of a `key: value` line ends (the index of its `:`), or -1 when the line is not
 * one. Keys are plain (no indicator first, no ` #`) or quoted on the line.
 */
function keyEnd(text: string): number {
  const first = text.charCodeAt(0);
  if (first === 39 || first === 34) {
    let end: number;
    try {
      end = readQuoted(text, 0).end;
    } catch (error) {
      if (error instanceof Decline) return -1;
      throw error;
    }
    if (text.charCodeAt(end) !== 58) return -1;
    return end + 1 === text.length || text.charCodeAt(end + 1) === 32 ? end : -1;
  }
  if (!startsPlain(text)) return -1;
  for (let i = 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 58 /* : */ && (i + 1 === text.length || text.charCodeAt(i + 1) === 32)) return i;
    if (code === 35 /* # */ && text.charCodeAt(i - 1) === 32) return -1;
  }
  return -1;
}

function readKey(text: string): string {
  const first = text.charCodeAt(0);
  if (first === 39 || first === 34) return readQuoted(text, 0).value;
  const plain = text.trimEnd();
  // `true:`, `1:`, `~:` resolve to other types and are stringified by `yaml`; not worth it.
  if (typeof resolvePlain(plain) !== 'string') throw new Decline();
  return plain;
}

/** Whether a plain scalar may start `text` (YAML's indicator characters may not, save `-?:` before a non-space). */
function startsPlain(text: string): boolean {
  const first = text[0];
  if (first === undefined) return false;
  if ('-?:'.includes(first)) return text.length > 1 && text[1] !== ' ';
  return !',[]{}#&*!|>\'"%@`'.includes(first);
}

/** A one-line plain scalar value: up to a ` #` comment; `: ` inside would be an error `yaml` reports. */
function readPlain(text: string): string {
  if (!startsPlain(text)) throw new Decline();
  let end = text.length;
  for (let i = 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 35 && text.charCodeAt(i - 1) === 32) {
      end = i;
      break;
    }
    if (code === 58 && (i + 1 === text.length || text.charCodeAt(i + 1) === 32)) throw new Decline();
  }
  return text.slice(0, end).trimEnd();
}

const DOUBLE_ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b',
  ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029',
};
const HEX_LENGTH: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

/** A quoted scalar starting at `from` and closed on the same line; `end` is just past its closing quote. */
function readQuoted(text: string, from: number): { value: string; end: number } {
  const quote = text[from];
  let value = '';
  let i = from + 1;
  if (quote === "'") {
    for (;;) {
      const close = text.indexOf("'", i);
      if (close < 0) throw new Decline();
      value += text.slice(i, close);
      if (text[close + 1] === "'") {
        value += "'";
        i = close + 2;
        continue;
      }
      return { value, end: close + 1 };
    }
  }
  for (;;) {
    // The run up to the next quote or backslash is taken whole (a character at a time would
    // leave a rope behind each value).
    let stop = i;
    while (stop < text.length && text.charCodeAt(stop) !== 34 && text.charCodeAt(stop) !== 92) stop++;
    if (stop >= text.length) throw new Decline();
    value += text.slice(i, stop);
    i = stop;
    if (text[i] === '"') return { value, end: i + 1 };
    const e = text[i + 1];
    if (e === undefined) throw new Decline();
    const simple = DOUBLE_ESCAPES[e];
    if (simple !== undefined) {
      value += simple;
      i += 2;
      continue;
    }
    const digits = HEX_LENGTH[e];
    if (digits === undefined) throw new Decline();
    const hex = text.slice(i + 2, i + 2 + digits);
    if (hex.length !== digits || !/^[0-9a-fA-F]+$/.test(hex)) throw new Decline();
    const code = parseInt(hex, 16);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw new Decline();
    value += String.fromCodePoint(code);
    i += 2 + digits;
  }
}

/** `[a, 'b', "c"]` on one line: scalars only (nested flow collections decline). */
function readFlowSequence(text: string): unknown[] {
  const items: unknown[] = [];
  let i = 1;
  const skipSpaces = (): void => {
    while (text.charCodeAt(i) === 32) i++;
  };
  skipSpaces();
  if (text[i] === ']') {
    if (!isBlankOrComment(text.slice(i + 1))) throw new Decline();
    return items;
  }
  for (;;) {
    skipSpaces();
    const c = text[i];
    if (c === "'" || c === '"') {
      const { value, end } = readQuoted(text, i);
      items.push(value);
      i = end;
    } else {
      let end = i;
      while (end < text.length && !',[]{}#:'.includes(text[end]!)) end++;
      const plain = text.slice(i, end).trimEnd();
      if (plain === '' || !startsPlain(plain)) throw new Decline();
      items.push(resolvePlain(plain));
      i = end;
    }
    skipSpaces();
    if (text[i] === ',') {
      i++;
      skipSpaces();
      if (text[i] === ']') throw new Decline();
      continue;
    }
    if (text[i] === ']') {
      if (!isBlankOrComment(text.slice(i + 1))) throw new Decline();
      return items;
    }
    throw new Decline();
  }
}

const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT = /^[-+]?[0-9]+$/;
const OCT = /^0o[0-7]+$/;
const HEX = /^0x[0-9a-fA-F]+$/;
const SPECIAL_FLOAT = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** A plain scalar as YAML 1.2's core schema reads it. */
function resolvePlain(text: string): unknown {
  const first = text.charCodeAt(0);
  // Most values are words: only these first characters can begin a non-string.
  if (!(first === 126 || first === 43 || first === 45 || first === 46 || (first >= 48 && first <= 57) || 'nNtTfF'.includes(text[0] ?? 'n'))) return text;
  if (NULL.test(text)) return null;
  if (BOOL.test(text)) return text[0] === 't' || text[0] === 'T';
  if (OCT.test(text)) return parseInt(text.slice(2), 8);
  if (INT.test(text)) return parseInt(text, 10);
  if (HEX.test(text)) return parseInt(text.slice(2), 16);
  if (SPECIAL_FLOAT.test(text)) return text.slice(-3).toLowerCase() === 'nan' ? NaN : text.startsWith('-') ? -Infinity : Infinity;
  if (FLOAT_EXP.test(text) || FLOAT.test(text)) return parseFloat(text);
  return text;
}

function trimEnd(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 32) end--;
  return end === text.length ? text : text.slice(0, end);
}
