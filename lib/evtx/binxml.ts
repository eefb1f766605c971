/**
 * BinXML, the token stream EVTX records are written in (MS-EVEN6 2.2.12, libyal "Binary XML").
 *
 * A record is a fragment holding one template instance: a reference to a template definition
 * (an element tree with numbered substitution slots, stored once per chunk) plus the values of
 * this record's slots. We parse each definition once per chunk into a small tree (`XmlElement`
 * with `Substitution` leaves) and cache it; a record then costs only its values.
 *
 * All offsets are relative to the start of the chunk: names and template definitions are
 * referenced by chunk offset and may live in earlier records of the same chunk.
 */
import { PREDEFINED_ENTITIES } from '../ingest/layouts/xml-element.ts';
import { EvtxFormatError, need } from './evtx-format-error.ts';
import type { TemplatePlan } from './template-plan.ts';
import { decodeLatin1UntilNul, decodeUtf16 } from './utf16.ts';
import {
  decodeFixed,
  decodeSizedValue,
  fixedSize,
  type Scalar,
  VALUE_ANSI_STRING,
  VALUE_BINXML,
  VALUE_NULL,
  VALUE_STRING,
} from './value-types.ts';

export interface XmlElement {
  readonly kind: 'element';
  readonly name: string;
  readonly attrs: readonly XmlAttribute[];
  readonly content: readonly Content[];
  /** Substitution indexes in the element's own content, then its attributes (for array values). */
  readonly slots: readonly number[];
  /** What the name means to the JSON shape (render-record.ts), worked out once per template. */
  readonly role: number;
}

/** An element's role: `<Data>`, `<EventData>` or `<UserData>` (containers of Data items), or any other. */
export const ROLE_OTHER = 0;
export const ROLE_DATA = 1;
export const ROLE_CONTAINER = 2;

export interface XmlAttribute {
  readonly name: string;
  /** Text and substitutions, concatenated when rendered. */
  readonly value: readonly Content[];
}

/** A numbered slot in a template definition, filled from the instance's values. */
export interface Substitution {
  readonly kind: 'substitution';
  readonly index: number;
}

/** A template definition applied to one record's values. */
export interface TemplateInstance {
  readonly kind: 'instance';
  readonly template: TemplateDefinition;
  readonly values: readonly SubstitutionValue[];
}

export interface TemplateDefinition {
  /** Chunk offset of the definition (its identity within the chunk). */
  readonly offset: number;
  readonly nodes: readonly Content[];
  /** Its compiled plans (template-plan.ts) as a record's template and inside a BinXML value,
   *  once asked for; null: none. */
  plan?: TemplatePlan | null;
  nestedPlan?: TemplatePlan | null;
}

/** A substitution value of type BinXML: a nested fragment (typically `<UserData>` content). */
export interface NestedXml {
  readonly kind: 'xml';
  readonly nodes: readonly Content[];
}

/** Text is a plain string; everything else is tagged by `kind`. */
export type Content = string | XmlElement | Substitution | TemplateInstance;
export type SubstitutionValue = Scalar | Scalar[] | NestedXml | null;

export const TOKEN_EOF = 0x00;
export const TOKEN_OPEN_START_ELEMENT = 0x01;
export const TOKEN_CLOSE_START_ELEMENT = 0x02;
export const TOKEN_CLOSE_EMPTY_ELEMENT = 0x03;
export const TOKEN_END_ELEMENT = 0x04;
export const TOKEN_VALUE = 0x05;
export const TOKEN_ATTRIBUTE = 0x06;
export const TOKEN_CDATA = 0x07;
export const TOKEN_CHAR_REF = 0x08;
export const TOKEN_ENTITY_REF = 0x09;
export const TOKEN_PI_TARGET = 0x0a;
export const TOKEN_PI_DATA = 0x0b;
export const TOKEN_TEMPLATE_INSTANCE = 0x0c;
export const TOKEN_NORMAL_SUBSTITUTION = 0x0d;
export const TOKEN_OPTIONAL_SUBSTITUTION = 0x0e;
export const TOKEN_FRAGMENT_HEADER = 0x0f;
/** Bit 0x40 on a token: "more follows" (attributes on an element, another attribute, ...). */
export const TOKEN_MORE_FLAG = 0x40;

/** Deeper than this is corruption or a reference loop, not a real event. */
export const MAX_DEPTH = 64;

/** Per-chunk state: the chunk's bytes and the names and template definitions parsed so far. */
export class ChunkTables {
  /** The chunk as a Buffer view (no copy), for Node's native string decoding. */
  readonly bytes: Buffer;
  readonly view: DataView;
  readonly names = new Map<number, string>();
  readonly templates = new Map<number, TemplateDefinition>();
  /** Definitions being parsed, to refuse a definition that references itself. */
  readonly parsing = new Set<number>();
  depth = 0;

  constructor(bytes: Uint8Array) {
    this.bytes = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
}

/** Parses the BinXML fragment in `[start, end)` of the chunk. */
export function parseFragment(tables: ChunkTables, start: number, end: number, inTemplate: boolean): Content[] {
  need(start, end - start, tables.bytes.length, 'BinXML fragment');
  return new BinXmlParser(tables, start, end, inTemplate).fragment();
}

class BinXmlParser {
  private readonly tables: ChunkTables;
  private readonly bytes: Buffer;
  private readonly view: DataView;
  private readonly end: number;
  /** Template definitions carry a 2-byte dependency id in each element header; records do not. */
  private readonly inTemplate: boolean;
  private pos: number;

  constructor(tables: ChunkTables, start: number, end: number, inTemplate: boolean) {
    this.tables = tables;
    this.bytes = tables.bytes;
    this.view = tables.view;
    this.pos = start;
    this.end = end;
    this.inTemplate = inTemplate;
  }

  fragment(): Content[] {
    const nodes: Content[] = [];
    while (this.pos < this.end) {
      const token = this.bytes[this.pos]!;
      const base = token & ~TOKEN_MORE_FLAG;
      if (token === TOKEN_EOF) {
        this.pos++;
        break;
      } else if (token === TOKEN_FRAGMENT_HEADER) {
        this.pos += 4; // token, major, minor, flags
      } else if (base === TOKEN_OPEN_START_ELEMENT) {
        nodes.push(this.element());
      } else if (token === TOKEN_TEMPLATE_INSTANCE) {
        nodes.push(this.templateInstance());
      } else if (!this.contentToken(nodes)) {
        throw this.fault(`unexpected token 0x${token.toString(16)} in fragment`);
      }
    }
    return nodes;
  }

  private element(): XmlElement {
    if (++this.tables.depth > MAX_DEPTH) throw this.fault(`elements nested deeper than ${MAX_DEPTH}`);
    const start = this.pos;
    const hasAttributes = (this.bytes[start]! & TOKEN_MORE_FLAG) !== 0;
    this.pos = start + 1 + (this.hasDependencyId(start) ? 2 : 0) + 4; // token, [dependency id], data size
    const name = this.name();
    if (hasAttributes) this.pos += 4; // attribute list size

    const attrs: XmlAttribute[] = [];
    while (hasAttributes && this.pos < this.end && (this.bytes[this.pos]! & ~TOKEN_MORE_FLAG) === TOKEN_ATTRIBUTE) {
      this.pos++;
      const attrName = this.name();
      const value: Content[] = [];
      while (this.pos < this.end && this.contentToken(value)) {
        // contentToken consumed one text/value/substitution token
      }
      attrs.push({ name: attrName, value });
    }

    const content: Content[] = [];
    const close = this.byte();
    if (close === TOKEN_CLOSE_START_ELEMENT) {
      for (;;) {
        const token = this.peek();
        const base = token & ~TOKEN_MORE_FLAG;
        if (token === TOKEN_END_ELEMENT) {
          this.pos++;
          break;
        }
        if (base === TOKEN_OPEN_START_ELEMENT) content.push(this.element());
        else if (token === TOKEN_TEMPLATE_INSTANCE) content.push(this.templateInstance());
        else if (!this.contentToken(content)) {
          throw this.fault(`unexpected token 0x${token.toString(16)} inside <${name}>`);
        }
      }
    } else if (close !== TOKEN_CLOSE_EMPTY_ELEMENT) {
      throw new EvtxFormatError(this.pos - 1, `<${name}> start tag ends with token 0x${close.toString(16)}`);
    }
    this.tables.depth--;
    return xmlElement(name, attrs, content);
  }

  /**
   * Inside template definitions the element header has a 2-byte dependency id; in plain record
   * BinXML it is usually absent. Outside templates we take the layout whose name reference makes
   * sense (inline right after the header, or an earlier name in the chunk).
   */
  private hasDependencyId(start: number): boolean {
    if (this.inTemplate) return true;
    if (start + 11 > this.end) return false;
    const nameOffset = this.view.getUint32(start + 7, true);
    return nameOffset === start + 11 || (nameOffset < start && this.tables.names.has(nameOffset));
  }

  /**
   * Reads one text-like token (value, substitution, CDATA, character or entity reference,
   * processing instruction) into `out`. Returns false, consuming nothing, for any other token.
   */
  private contentToken(out: Content[]): boolean {
    const token = this.bytes[this.pos]!;
    switch (token & ~TOKEN_MORE_FLAG) {
      case TOKEN_VALUE: {
        this.pos++;
        const text = this.inlineValue();
        if (text !== '') out.push(text);
        return true;
      }
      case TOKEN_NORMAL_SUBSTITUTION:
      case TOKEN_OPTIONAL_SUBSTITUTION: {
        if (token & TOKEN_MORE_FLAG) return false;
        need(this.pos, 4, this.end, 'substitution token');
        const index = this.view.getUint16(this.pos + 1, true);
        const type = this.bytes[this.pos + 3]!;
        this.pos += 4;
        // An optional substitution declared with the null type never produces anything.
        if (!(token === TOKEN_OPTIONAL_SUBSTITUTION && type === VALUE_NULL)) {
          out.push({ kind: 'substitution', index });
        }
        return true;
      }
      case TOKEN_CDATA: {
        this.pos++;
        out.push(this.lengthPrefixedUtf16());
        return true;
      }
      // References are decoded, as evtx_dump does: Defender's FWLink is `...?linkid=1&name=...`,
      // not `&amp;name`. A UTF-16 unit per character reference (a pair of them makes one
      // astral character once joined); an entity XML does not predefine stays as written.
      case TOKEN_CHAR_REF: {
        need(this.pos, 3, this.end, 'character reference');
        out.push(String.fromCharCode(this.view.getUint16(this.pos + 1, true)));
        this.pos += 3;
        return true;
      }
      case TOKEN_ENTITY_REF: {
        this.pos++;
        const name = this.name();
        out.push(Object.hasOwn(PREDEFINED_ENTITIES, name) ? PREDEFINED_ENTITIES[name]! : `&${name};`);
        return true;
      }
      case TOKEN_PI_TARGET: {
        this.pos++;
        this.name(); // processing instructions have no JSON form; skipped as evtx_dump does
        return true;
      }
      case TOKEN_PI_DATA: {
        this.pos++;
        this.lengthPrefixedUtf16();
        return true;
      }
      default:
        return false;
    }
  }

  /** A literal value in the token stream: type byte, then the value (strings length-prefixed). */
  private inlineValue(): string {
    const type = this.byte();
    if (type === VALUE_STRING) return this.lengthPrefixedUtf16();
    if (type === VALUE_ANSI_STRING) {
      need(this.pos, 2, this.end, 'string length');
      const length = this.view.getUint16(this.pos, true);
      need(this.pos + 2, length, this.end, 'string');
      const text = decodeLatin1UntilNul(this.bytes, this.pos + 2, length);
      this.pos += 2 + length;
      return text;
    }
    const size = fixedSize(type);
    if (size === undefined) throw this.fault(`literal value of unsupported type 0x${type.toString(16)}`);
    need(this.pos, size, this.end, 'literal value');
    const value = decodeFixed(this.bytes, this.view, type, this.pos);
    this.pos += size;
    return String(value);
  }

  private lengthPrefixedUtf16(): string {
    need(this.pos, 2, this.end, 'string length');
    const units = this.view.getUint16(this.pos, true);
    need(this.pos + 2, units * 2, this.end, 'string');
    const text = decodeUtf16(this.bytes, this.pos + 2, units);
    this.pos += 2 + units * 2;
    return text;
  }

  /**
   * A name reference: a chunk offset of a name record (next offset, hash, length, UTF-16 text,
   * NUL). When the offset points right here the record is inline and we step over it.
   */
  private name(): string {
    need(this.pos, 4, this.end, 'name offset');
    const offset = this.view.getUint32(this.pos, true);
    this.pos += 4;
    const name = nameAt(this.tables, offset);
    if (offset === this.pos) {
      const units = this.view.getUint16(offset + 6, true);
      this.pos += 8 + units * 2 + 2;
    }
    return name;
  }

  /**
   * Template instance: unknown byte, template id, definition offset; the definition itself when
   * it is inline (first use in the chunk); then the value count, (size, type) descriptors and
   * the values back to back.
   */
  private templateInstance(): TemplateInstance {
    if (++this.tables.depth > MAX_DEPTH) throw this.fault(`template instances nested deeper than ${MAX_DEPTH}`);
    need(this.pos, 10, this.end, 'template instance');
    const definitionOffset = this.view.getUint32(this.pos + 6, true);
    this.pos += 10;
    if (definitionOffset === this.pos) {
      need(this.pos, 24, this.end, 'template definition header');
      const dataSize = this.view.getUint32(this.pos + 20, true);
      need(this.pos + 24, dataSize, this.end, 'template definition');
      this.pos += 24 + dataSize;
    }
    const template = templateAt(this.tables, definitionOffset);

    need(this.pos, 4, this.end, 'substitution count');
    const count = this.view.getUint32(this.pos, true);
    this.pos += 4;
    need(this.pos, count * 4, this.end, 'substitution descriptors');
    const descriptors = this.pos;
    this.pos += count * 4;
    const values: SubstitutionValue[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const size = this.view.getUint16(descriptors + 4 * i, true);
      const type = this.bytes[descriptors + 4 * i + 2]!;
      need(this.pos, size, this.end, 'substitution value');
      values[i] = this.substitutionValue(type, size);
      this.pos += size;
    }
    this.tables.depth--;
    return { kind: 'instance', template, values };
  }

  private substitutionValue(type: number, size: number): SubstitutionValue {
    if (type === VALUE_BINXML) {
      if (size === 0) return null;
      if (++this.tables.depth > MAX_DEPTH) throw this.fault(`BinXML values nested deeper than ${MAX_DEPTH}`);
      const nodes = parseFragment(this.tables, this.pos, this.pos + size, false);
      this.tables.depth--;
      return { kind: 'xml', nodes };
    }
    return decodeSizedValue(this.bytes, this.view, type, this.pos, size);
  }

  private byte(): number {
    if (this.pos >= this.end) throw this.fault('BinXML ends in the middle of an element');
    return this.bytes[this.pos++]!;
  }

  private peek(): number {
    if (this.pos >= this.end) throw this.fault('BinXML ends in the middle of an element');
    return this.bytes[this.pos]!;
  }

  private fault(reason: string): EvtxFormatError {
    return new EvtxFormatError(this.pos, reason);
  }
}

/** The name record at chunk `offset` (hash, length, UTF-16 text), decoded once per chunk. */
export function nameAt(tables: ChunkTables, offset: number): string {
  let name = tables.names.get(offset);
  if (name === undefined) {
    need(offset, 8, tables.bytes.length, 'name');
    const units = tables.view.getUint16(offset + 6, true);
    need(offset + 8, units * 2, tables.bytes.length, 'name');
    name = decodeUtf16(tables.bytes, offset + 8, units);
    tables.names.set(offset, name);
  }
  return name;
}

/** The template definition at `offset`, parsed on first use and cached for the chunk. */
function templateAt(tables: ChunkTables, offset: number): TemplateDefinition {
  const cached = tables.templates.get(offset);
  if (cached) return cached;
  if (tables.parsing.has(offset)) {
    throw new EvtxFormatError(offset, 'template definition refers to itself');
  }
  need(offset, 24, tables.bytes.length, 'template definition header');
  const dataSize = tables.view.getUint32(offset + 20, true);
  tables.parsing.add(offset);
  try {
    const nodes = parseFragment(tables, offset + 24, offset + 24 + dataSize, true);
    const template: TemplateDefinition = { offset, nodes };
    tables.templates.set(offset, template);
    return template;
  } finally {
    tables.parsing.delete(offset);
  }
}

const NO_SLOTS: readonly number[] = [];

export function xmlElement(name: string, attrs: readonly XmlAttribute[], content: readonly Content[]): XmlElement {
  const role = name === 'Data' ? ROLE_DATA : name === 'EventData' || name === 'UserData' ? ROLE_CONTAINER : ROLE_OTHER;
  return { kind: 'element', name, attrs, content, slots: substitutionSlots(content, attrs), role };
}

function substitutionSlots(content: readonly Content[], attrs: readonly XmlAttribute[]): readonly number[] {
  let slots = addSlots(content, undefined);
  for (let i = 0; i < attrs.length; i++) slots = addSlots(attrs[i]!.value, slots);
  return slots ?? NO_SLOTS;
}

function addSlots(list: readonly Content[], slots: number[] | undefined): number[] | undefined {
  for (let i = 0; i < list.length; i++) {
    const node = list[i]!;
    if (typeof node !== 'string' && node.kind === 'substitution') (slots ??= []).push(node.index);
  }
  return slots;
}
