/**
 * A Sigma string value as a sequence of parts: literal text, `*` (any run), `?` (exactly one
 * character) and, after `windash`, a set of interchangeable characters. Modifiers rewrite parts;
 * the compiler and the reference interpreter both read them.
 */

export type PatternPart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'anyRun' }
  | { readonly kind: 'anyOne' }
  | { readonly kind: 'oneOf'; readonly chars: string };

export type Pattern = readonly PatternPart[];

/**
 * Reads a rule value per the spec: `*` and `?` are wildcards, `\*` `\?` `\\` escape them, and a
 * backslash before anything else is a literal backslash (so Windows paths need no doubling).
 */
export function parsePattern(value: string): Pattern {
  const parts: PatternPart[] = [];
  // Literal runs are sliced from the value, not built a character at a time: `+=` per character
  // leaves a rope of one-character strings (32 bytes each) in every compiled rule's memory.
  let text = '';
  let runStart = 0;
  const flush = (end: number): void => {
    text += value.slice(runStart, end);
    if (text !== '') parts.push({ kind: 'text', text });
    text = '';
  };
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 92 /* \\ */) {
      const next = value[i + 1];
      if (next === '*' || next === '?' || next === '\\') {
        // The escaped character stands for itself: keep the run up to the backslash, then it.
        text += value.slice(runStart, i) + next;
        i++;
        runStart = i + 1;
      }
    } else if (c === 42 /* * */) {
      flush(i);
      runStart = i + 1;
      if (parts.at(-1)?.kind !== 'anyRun') parts.push({ kind: 'anyRun' });
    } else if (c === 63 /* ? */) {
      flush(i);
      runStart = i + 1;
      parts.push({ kind: 'anyOne' });
    }
  }
  flush(value.length);
  return exactSize(parts);
}

/** A pattern of one literal text, for values that are not read as wildcards (encodings, fieldref). */
export function literalPattern(text: string): Pattern {
  return text === '' ? [] : [{ kind: 'text', text }];
}

/** Joins neighbouring texts and collapses `**`, so equal patterns have one shape. */
export function normalisePattern(parts: Pattern): Pattern {
  const out: PatternPart[] = [];
  for (const part of parts) {
    const last = out.at(-1);
    if (part.kind === 'text') {
      if (part.text === '') continue;
      if (last?.kind === 'text') out[out.length - 1] = { kind: 'text', text: last.text + part.text };
      else out.push(part);
    } else if (part.kind === 'anyRun') {
      if (last?.kind !== 'anyRun') out.push(part);
    } else {
      out.push(part);
    }
  }
  return exactSize(out);
}

/**
 * A pushed-to array keeps spare capacity (17 slots after the first push); patterns live as long
 * as the rules, tens of thousands of them, so each is kept at its exact size.
 */
function exactSize(parts: PatternPart[]): Pattern {
  return parts.slice();
}

/** True when the pattern is only literal text (no wildcard, no character set). */
export function isPlainText(parts: Pattern): boolean {
  return parts.every((p) => p.kind === 'text');
}

export function patternText(parts: Pattern): string {
  return parts.map((p) => (p.kind === 'text' ? p.text : '')).join('');
}

/** Shows a pattern back in Sigma notation, for explanations and error messages. */
export function showPattern(parts: Pattern): string {
  return parts
    .map((p) => {
      switch (p.kind) {
        case 'text':
          return p.text.replace(/[*?]/g, (m) => `\\${m}`);
        case 'anyRun':
          return '*';
        case 'anyOne':
          return '?';
        case 'oneOf':
          return `[${p.chars}]`;
      }
    })
    .join('');
}

const REGEX_SPECIAL = /[.*+?^${}()|[\]\\/]/g;

/** An anchored regular expression source for the whole pattern (`s` flag expected). */
export function patternRegexSource(parts: Pattern): string {
  let source = '^';
  for (const part of parts) {
    switch (part.kind) {
      case 'text':
        source += part.text.replace(REGEX_SPECIAL, '\\$&');
        break;
      case 'anyRun':
        source += '.*';
        break;
      case 'anyOne':
        source += '.';
        break;
      case 'oneOf':
        source += `[${part.chars.replace(REGEX_SPECIAL, '\\$&').replace(/-/g, '\\-')}]`;
        break;
    }
  }
  return source + '$';
}
