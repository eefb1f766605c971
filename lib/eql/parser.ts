/**
 * Recursive-descent parser for EQL: single-event queries (`category where condition`) and
 * sequences, following the precedence of Elasticsearch's EQL grammar, loosest first:
 *   or < and < not < comparison / in / : / like / regex < + - < * / % < unary minus < primary.
 * Samples, joins, missing-event stages, lineage and pipes are rejected with a reason instead of
 * being half-run.
 */
import type { ArithmeticOperator, ComparisonOperator, EventQuery, FieldNode, Node, SequenceQuery, SequenceStage, Statement } from './ast.ts';
import { EqlError } from './eql-error.ts';
import { tokenize, type Token } from './lexer.ts';

const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=']);
const PATTERN_KEYWORDS = new Set([':', 'like', 'like~', 'regex', 'regex~']);

/** Whitespace and comments before the first word of a query. */
const LEADING_TRIVIA = /^(?:\s|\/\/[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/;

/** A single-event query; sequences and the rest are refused with the reason. */
export function parseEql(query: string): EventQuery {
  const statement = parseStatement(query);
  if (statement.kind === 'sequence') {
    throw new EqlError('sequence queries are not supported here: expected a single-event query (`category where condition`)', 0);
  }
  return statement;
}

/** A single-event query or a sequence. Samples, joins and pipes are refused with the reason. */
export function parseStatement(query: string): Statement {
  const start = LEADING_TRIVIA.exec(query)?.[0].length ?? 0;
  const word = /^[A-Za-z_]+/.exec(query.slice(start))?.[0].toLowerCase();
  if (word === 'sample' || word === 'join') {
    throw new EqlError(`${word} queries are not supported: winsift evaluates single-event queries and sequences`, start);
  }
  const parser = new Parser(query);
  return word === 'sequence' ? parser.parseSequence() : parser.parseQuery();
}

const DURATION_UNITS_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const MAX_RUNS = 100;

/** Parses a bare condition (no `category where`): handy for tests and for the optimiser's callers. */
export function parseCondition(text: string): Node {
  const parser = new Parser(text);
  const node = parser.parseExpression();
  parser.expectEnd();
  return node;
}

class Parser {
  private readonly source: string;
  private readonly tokens: Token[];
  private position = 0;

  constructor(source: string) {
    this.source = source;
    this.tokens = tokenize(source);
  }

  parseQuery(): EventQuery {
    const query = this.parseEventFilter();
    this.refusePipes();
    this.expectEnd();
    return query;
  }

  private parseEventFilter(): EventQuery {
    const first = this.peek();
    let category: string | null;
    if (this.accept('keyword', 'any')) category = null;
    else if (first.kind === 'identifier' || first.kind === 'string') category = this.next().text;
    else throw this.unexpected('an event category (`process`, `file`, `any`, ...)');
    this.expect('keyword', 'where');
    const condition = this.parseExpression();
    const of = this.peek();
    if (of.kind === 'keyword' && of.text === 'of') {
      throw new EqlError('lineage (`descendant of`, `child of`, `event of`) is Endgame EQL, which Elasticsearch does not run either', of.start);
    }
    return { kind: 'event', category, condition, source: this.source };
  }

  private refusePipes(): void {
    const pipe = this.peek();
    if (pipe.kind === 'operator' && pipe.text === '|') {
      throw new EqlError('pipes (`| head`, `| tail`, ...) are not supported in detection queries', pipe.start);
    }
  }

  /** `sequence [by keys] [with maxspan=N] stage stage... [until stage]`. */
  parseSequence(): SequenceQuery {
    this.expect('keyword', 'sequence');
    const keys = this.accept('keyword', 'by') ? this.parseJoinKeys() : [];
    let maxspanMs: number | null = null;
    if (this.accept('keyword', 'with')) {
      this.expectWord('maxspan');
      this.expect('operator', '=');
      maxspanMs = this.parseDuration();
      const late = this.peek();
      if (late.kind === 'keyword' && late.text === 'by') throw new EqlError('write `sequence by ...` before `with maxspan=...`', late.start);
    }
    const stages: SequenceStage[] = [];
    while (this.peek().kind === 'operator' && (this.peek().text === '[' || this.peek().text === '!')) {
      stages.push(...this.parseStage(keys));
    }
    if (stages.length < 2) throw this.unexpected(stages.length === 0 ? 'a sequence stage `[category where condition]`' : 'a second sequence stage `[...]`');
    const until = this.accept('keyword', 'until') ? (this.parseStage(keys)[0] as SequenceStage) : null;
    for (const stage of [...stages, ...(until === null ? [] : [until])]) {
      if (stage.keys.length !== (stages[0] as SequenceStage).keys.length) {
        throw new EqlError(`every stage needs the same number of join keys (${(stages[0] as SequenceStage).keys.length}), this one has ${stage.keys.length}`, stage.start);
      }
    }
    this.refusePipes();
    this.expectEnd();
    return { kind: 'sequence', stages, until, maxspanMs, source: this.source };
  }

  /** `[category where condition] [by keys] [with runs=N]`, expanded to N stages. */
  private parseStage(sequenceKeys: readonly Node[]): SequenceStage[] {
    const open = this.peek();
    if (open.kind === 'operator' && open.text === '!') {
      throw new EqlError('missing-event stages (`![...]`) are not supported', open.start);
    }
    this.expect('operator', '[');
    const query = this.parseEventFilter();
    this.expect('operator', ']');
    const ownKeys = this.accept('keyword', 'by') ? this.parseJoinKeys() : [];
    let runs = 1;
    if (this.accept('keyword', 'with')) {
      this.expectWord('runs');
      this.expect('operator', '=');
      const count = this.peek();
      if (count.kind !== 'integer' || Number(count.text) < 1 || Number(count.text) > MAX_RUNS) throw this.unexpected(`a run count from 1 to ${MAX_RUNS}`);
      this.next();
      runs = Number(count.text);
    }
    const stage: SequenceStage = { query, keys: [...sequenceKeys, ...ownKeys], start: open.start };
    return new Array<SequenceStage>(runs).fill(stage);
  }

  private parseJoinKeys(): Node[] {
    const keys = [this.parseAdditive()];
    while (this.accept('operator', ',')) keys.push(this.parseAdditive());
    return keys;
  }

  private parseDuration(): number {
    const token = this.peek();
    if (token.kind !== 'duration') throw this.unexpected('a time span such as `30s`, `5m`, `1h`');
    this.next();
    const [, amount, unit] = /^(\d+)(ms|s|m|h|d)$/.exec(token.text) ?? [];
    return Number(amount) * (DURATION_UNITS_MS[unit ?? ''] ?? Number.NaN);
  }

  /** `maxspan`, `runs`: words the grammar reads only in one place, so not reserved. */
  private expectWord(word: string): void {
    const token = this.peek();
    if (token.kind !== 'identifier' || token.text.toLowerCase() !== word) throw this.unexpected(`\`${word}\``);
    this.next();
  }

  expectEnd(): void {
    if (this.peek().kind !== 'eof') throw this.unexpected('the end of the query');
  }

  parseExpression(): Node {
    return this.parseOr();
  }

  private parseOr(): Node {
    let left = this.parseAnd();
    while (this.accept('keyword', 'or')) {
      const right = this.parseAnd();
      left = { type: 'or', operands: [left, right], start: left.start, end: right.end };
    }
    return left;
  }

  private parseAnd(): Node {
    let left = this.parseNot();
    while (this.accept('keyword', 'and')) {
      const right = this.parseNot();
      left = { type: 'and', operands: [left, right], start: left.start, end: right.end };
    }
    return left;
  }

  private parseNot(): Node {
    const token = this.peek();
    if (this.accept('keyword', 'not')) {
      const operand = this.parseNot();
      return { type: 'not', operand, start: token.start, end: operand.end };
    }
    return this.parsePredicate();
  }

  /** A value, optionally followed by one comparison or lookup. Comparisons do not chain. */
  private parsePredicate(): Node {
    const left = this.parseAdditive();
    const token = this.peek();
    let node: Node = left;
    if (token.kind === 'operator' && token.text === '=') {
      throw new EqlError('`=` is not an EQL operator: use `==` or `:`', token.start);
    }
    if (token.kind === 'operator' && COMPARISONS.has(token.text)) {
      this.next();
      const right = this.parseAdditive();
      node = { type: 'comparison', operator: token.text as ComparisonOperator, left, right, start: left.start, end: right.end };
    } else if (token.kind === 'keyword' && token.text === 'not' && this.peekAt(1).kind === 'keyword' && this.peekAt(1).text.startsWith('in')) {
      this.next();
      node = this.parseIn(left, true);
    } else if (token.kind === 'keyword' && (token.text === 'in' || token.text === 'in~')) {
      node = this.parseIn(left, false);
    } else if ((token.kind === 'operator' || token.kind === 'keyword') && PATTERN_KEYWORDS.has(token.text)) {
      node = this.parsePattern(left);
    }
    const after = this.peek();
    if (node !== left && after.kind === 'operator' && COMPARISONS.has(after.text)) {
      throw new EqlError('comparisons cannot be chained: write `a < b and b < c`', after.start);
    }
    return node;
  }

  private parseIn(value: Node, negated: boolean): Node {
    const keyword = this.next();
    this.expect('operator', '(');
    const list: Node[] = [this.parseAdditive()];
    while (this.accept('operator', ',')) list.push(this.parseAdditive());
    const close = this.expect('operator', ')');
    return { type: 'in', value, list, caseInsensitive: keyword.text === 'in~', negated, start: value.start, end: close.end };
  }

  private parsePattern(value: Node): Node {
    const keyword = this.next();
    const patterns: string[] = [];
    const patternStarts: number[] = [];
    const take = (): void => {
      patternStarts.push(this.peek().start);
      patterns.push(this.expectString(keyword.text));
    };
    let end: number;
    if (this.accept('operator', '(')) {
      take();
      while (this.accept('operator', ',')) take();
      end = this.expect('operator', ')').end;
    } else {
      take();
      end = this.tokens[this.position - 1]?.end ?? keyword.end;
    }
    return {
      type: 'pattern',
      kind: keyword.text.startsWith('regex') ? 'regex' : 'wildcard',
      value,
      patterns,
      patternStarts,
      caseInsensitive: keyword.text === ':' || keyword.text.endsWith('~'),
      keyword: keyword.text,
      start: value.start,
      end,
    };
  }

  private expectString(after: string): string {
    const token = this.peek();
    if (token.kind !== 'string') throw this.unexpected(`a string after \`${after}\``);
    this.next();
    return token.text;
  }

  private parseAdditive(): Node {
    let left = this.parseMultiplicative();
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'operator' || (token.text !== '+' && token.text !== '-')) return left;
      this.next();
      const right = this.parseMultiplicative();
      left = { type: 'arithmetic', operator: token.text, left, right, start: left.start, end: right.end };
    }
  }

  private parseMultiplicative(): Node {
    let left = this.parseUnary();
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'operator' || (token.text !== '*' && token.text !== '/' && token.text !== '%')) return left;
      this.next();
      const right = this.parseUnary();
      left = { type: 'arithmetic', operator: token.text as ArithmeticOperator, left, right, start: left.start, end: right.end };
    }
  }

  private parseUnary(): Node {
    const token = this.peek();
    if (this.accept('operator', '-')) {
      const operand = this.parseUnary();
      return { type: 'negate', operand, start: token.start, end: operand.end };
    }
    if (this.accept('operator', '+')) return this.parseUnary();
    return this.parsePrimary();
  }

  private parsePrimary(): Node {
    const token = this.peek();
    switch (token.kind) {
      case 'string':
        this.next();
        return { type: 'literal', value: token.text, float: false, start: token.start, end: token.end };
      case 'integer':
      case 'decimal':
        this.next();
        return { type: 'literal', value: Number(token.text), float: token.kind === 'decimal', start: token.start, end: token.end };
      case 'keyword':
        if (token.text === 'true' || token.text === 'false' || token.text === 'null') {
          this.next();
          const value = token.text === 'null' ? null : token.text === 'true';
          return { type: 'literal', value, float: false, start: token.start, end: token.end };
        }
        throw this.unexpected('a value, field or function');
      case 'tilde-identifier':
        return this.parseCall();
      case 'identifier':
        if (this.peekAt(1).kind === 'operator' && this.peekAt(1).text === '(') return this.parseCall();
        return this.parseField(false);
      case 'operator':
        if (token.text === '?') {
          this.next();
          return this.parseField(true, token.start);
        }
        if (this.accept('operator', '(')) {
          const inner = this.parseExpression();
          const close = this.expect('operator', ')');
          return { ...inner, start: token.start, end: close.end };
        }
        throw this.unexpected('a value, field or function');
      default:
        throw this.unexpected('a value, field or function');
    }
  }

  private parseCall(): Node {
    const name = this.next();
    this.expect('operator', '(');
    const args: Node[] = [];
    if (!this.accept('operator', ')')) {
      args.push(this.parseExpression());
      while (this.accept('operator', ',')) args.push(this.parseExpression());
      this.expect('operator', ')');
    }
    const end = this.tokens[this.position - 1]?.end ?? name.end;
    return { type: 'call', name: name.text, caseInsensitive: name.kind === 'tilde-identifier', args, start: name.start, end };
  }

  private parseField(optional: boolean, start = this.peek().start): FieldNode {
    const first = this.peek();
    if (first.kind !== 'identifier') throw this.unexpected('a field name');
    this.next();
    const path: (string | number)[] = [first.text];
    let end = first.end;
    for (;;) {
      if (this.accept('operator', '.')) {
        // Field segments may collide with keywords: `event.sequence`, `url.with`.
        const segment = this.peek();
        if (segment.kind !== 'identifier' && segment.kind !== 'keyword') throw this.unexpected('a field name after `.`');
        this.next();
        path.push(segment.text);
        end = segment.end;
      } else if (this.isIndex()) {
        this.next();
        path.push(Number(this.next().text));
        end = this.expect('operator', ']').end;
      } else {
        return { type: 'field', path, optional, start, end };
      }
    }
  }

  /** `[0]` after a field is an index; `[process where ...]` after a join key is the next stage. */
  private isIndex(): boolean {
    const open = this.peek();
    return open.kind === 'operator' && open.text === '[' && this.peekAt(1).kind === 'integer' && this.peekAt(2).text === ']';
  }

  private peek(): Token {
    return this.peekAt(0);
  }

  private peekAt(ahead: number): Token {
    return this.tokens[Math.min(this.position + ahead, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.position++;
    return token;
  }

  private accept(kind: Token['kind'], text: string): boolean {
    const token = this.peek();
    if (token.kind !== kind || token.text !== text) return false;
    this.position++;
    return true;
  }

  private expect(kind: Token['kind'], text: string): Token {
    const token = this.peek();
    if (token.kind !== kind || token.text !== text) throw this.unexpected(`\`${text}\``);
    this.position++;
    return token;
  }

  private unexpected(expected: string): EqlError {
    const token = this.peek();
    const found = token.kind === 'eof' ? 'the end of the query' : `\`${this.source.slice(token.start, token.end)}\``;
    return new EqlError(`expected ${expected}, found ${found}`, token.start);
  }
}
