/**
 * A small, strict XML element reader for one Windows `<Event>`: elements, attributes, text,
 * CDATA, comments, entity and character references. No DTDs (nothing to expand, nothing to
 * attack). Namespace prefixes are dropped from names, as Event XML uses one default namespace.
 * It exists because a general parser read Event XML at ~10 MB/s; this one is several times faster.
 * Nesting is bounded (`maxDepth`): the element walk is iterative, but what reads the tree after
 * it recurses.
 */
import { nameMap } from './record.ts';

export interface XmlNode {
  readonly name: string;
  readonly attributes: Record<string, string>;
  readonly children: XmlNode[];
  text: string;
}

export class XmlSyntaxError extends Error {
  constructor(offset: number, reason: string) {
    super(`${reason} (at character ${offset} of the element)`);
    this.name = 'XmlSyntaxError';
  }
}

export function parseXmlElement(xml: string, maxDepth: number): XmlNode {
  const stack: XmlNode[] = [];
  let root: XmlNode | undefined;
  let pos = 0;
  for (;;) {
    const lt = xml.indexOf('<', pos);
    const textEnd = lt < 0 ? xml.length : lt;
    if (textEnd > pos) addText(stack, root, xml.slice(pos, textEnd), pos, true);
    if (lt < 0) break;
    const next = xml.charCodeAt(lt + 1);
    if (next === 0x2f /* / */) {
      const gt = indexOrThrow(xml, '>', lt, 'unterminated closing tag');
      const name = localName(xml.slice(lt + 2, gt).trim());
      const open = stack.pop();
      if (!open) throw new XmlSyntaxError(lt, `</${name}> closes nothing`);
      if (open.name !== name) throw new XmlSyntaxError(lt, `</${name}> does not close <${open.name}>`);
      if (stack.length === 0) root = open;
      pos = gt + 1;
    } else if (next === 0x21 /* ! */) {
      if (xml.startsWith('<!--', lt)) {
        pos = indexOrThrow(xml, '-->', lt + 4, 'unterminated comment') + 3;
      } else if (xml.startsWith('<![CDATA[', lt)) {
        const end = indexOrThrow(xml, ']]>', lt + 9, 'unterminated CDATA section');
        addText(stack, root, xml.slice(lt + 9, end), lt, false);
        pos = end + 3;
      } else {
        throw new XmlSyntaxError(lt, 'DOCTYPE and other declarations are not accepted in Event XML');
      }
    } else if (next === 0x3f /* ? */) {
      pos = indexOrThrow(xml, '?>', lt + 2, 'unterminated processing instruction') + 2;
    } else {
      if (root) throw new XmlSyntaxError(lt, 'a second element after the root element');
      if (stack.length >= maxDepth) throw new XmlSyntaxError(lt, `elements nested deeper than maxNestingDepth (${maxDepth} levels)`);
      const tag = openTag(xml, lt, stack);
      if (tag.selfClosed && stack.length === 0) root = tag.node;
      pos = tag.next;
    }
  }
  const unclosed = stack[stack.length - 1];
  if (unclosed) throw new XmlSyntaxError(xml.length, `<${unclosed.name}> is not closed`);
  if (!root) throw new XmlSyntaxError(0, 'no element');
  return root;
}

/** Reads `<name attr="v" ...>` (pushed on the stack) or `<name .../>` at `lt`. */
function openTag(xml: string, lt: number, stack: XmlNode[]): { node: XmlNode; next: number; selfClosed: boolean } {
  let i = lt + 1;
  const nameStart = i;
  while (i < xml.length && !isNameEnd(xml.charCodeAt(i))) i++;
  if (i === nameStart) throw new XmlSyntaxError(lt, "'<' not followed by an element name");
  const node: XmlNode = { name: localName(xml.slice(nameStart, i)), attributes: nameMap<string>(), children: [], text: '' };
  const parent = stack[stack.length - 1];
  if (parent) parent.children.push(node);
  for (;;) {
    while (isSpace(xml.charCodeAt(i))) i++;
    const c = xml.charCodeAt(i);
    if (c === 0x3e /* > */) {
      stack.push(node);
      return { node, next: i + 1, selfClosed: false };
    }
    if (c === 0x2f /* / */ && xml.charCodeAt(i + 1) === 0x3e) return { node, next: i + 2, selfClosed: true };
    if (Number.isNaN(c)) throw new XmlSyntaxError(lt, `unterminated <${node.name}> tag`);
    const eq = xml.indexOf('=', i);
    if (eq < 0) throw new XmlSyntaxError(i, `attribute without a value in <${node.name}>`);
    const attrName = xml.slice(i, eq).trim();
    if (attrName === '' || /[\s<>"'/]/.test(attrName)) throw new XmlSyntaxError(i, `bad attribute name in <${node.name}>`);
    let q = eq + 1;
    while (isSpace(xml.charCodeAt(q))) q++;
    const quote = xml[q];
    if (quote !== '"' && quote !== "'") throw new XmlSyntaxError(q, `attribute ${attrName} value is not quoted`);
    const end = xml.indexOf(quote, q + 1);
    if (end < 0) throw new XmlSyntaxError(q, `attribute ${attrName} value is not terminated`);
    const value = xml.slice(q + 1, end);
    if (value.includes('<')) throw new XmlSyntaxError(q, `'<' inside attribute ${attrName}`);
    const key = localName(attrName);
    if (Object.hasOwn(node.attributes, key)) throw new XmlSyntaxError(i, `attribute ${key} repeated in <${node.name}>`);
    node.attributes[key] = decodeEntities(value);
    i = end + 1;
  }
}

function addText(stack: XmlNode[], root: XmlNode | undefined, text: string, at: number, decode: boolean): void {
  const open = stack[stack.length - 1];
  if (open) {
    open.text += decode ? decodeEntities(text) : text;
    return;
  }
  if (text.trim() !== '') throw new XmlSyntaxError(at, root ? 'text after the root element' : 'text before the root element');
}

function indexOrThrow(xml: string, token: string, from: number, reason: string): number {
  const i = xml.indexOf(token, from);
  if (i < 0) throw new XmlSyntaxError(from, reason);
  return i;
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isNameEnd(c: number): boolean {
  return isSpace(c) || c === 0x3e || c === 0x2f || Number.isNaN(c);
}

const ENTITY = /&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g;
/** XML's five predefined entities: the only ones Event XML (no DTD) and BinXML can name. */
export const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const NAMED = PREDEFINED_ENTITIES;

export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (whole, name: string) => {
    if (name[0] !== '#') return NAMED[name] ?? whole;
    const code = name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}
