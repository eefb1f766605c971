/**
 * A query that cannot be parsed or compiled. Carries the 0-based offset into the query text so
 * the rule loader can say "line 3, column 12" and quote the spot.
 */
export class EqlError extends Error {
  readonly offset: number;
  readonly reason: string;

  constructor(reason: string, offset: number) {
    super(`${reason} (at offset ${offset})`);
    this.name = 'EqlError';
    this.reason = reason;
    this.offset = offset;
  }
}

/** 1-based line and column of `offset` in `text`, and the line itself, for error messages. */
export function locate(text: string, offset: number): { line: number; column: number; lineText: string } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = text.indexOf('\n', offset);
  return {
    line,
    column: offset - lineStart + 1,
    lineText: text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd),
  };
}
