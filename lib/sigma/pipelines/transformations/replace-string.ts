/**
 * `replace_string`: every match of `regex` (linear-time RE2 syntax) in a string value is replaced
 * by `replacement` (`\1` or `\g<1>` name groups, as Python writes them). `skip_special: true`
 * replaces only inside the literal runs between wildcards, and a `*` or `?` the replacement adds
 * stays literal unless `interpret_special: true`.
 */
import { RE2JS } from 're2js';
import { bool, str } from '../params.ts';
import { editStringValues } from './string-values.ts';
import type { TransformationType } from './transformation-type.ts';

/** Python's replacement syntax in re2js's JS mode: `\1`/`\g<1>` -> `$1`, a literal `$` doubled. */
function jsReplacement(python: string): string {
  return python.replace(/\$/g, '$$$$').replace(/\\g<(\d+)>|\\(\d)|\\\\/g, (m, g1: string | undefined, g2: string | undefined) => (g1 ?? g2 ? `$${g1 ?? g2}` : '\\'));
}

/** A value as written split into literal runs and wildcards (`*`, `?`, unescaped). */
function splitSpecial(value: string): Array<{ literal: boolean; text: string }> {
  const parts: Array<{ literal: boolean; text: string }> = [];
  let text = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && (value[i + 1] === '*' || value[i + 1] === '?' || value[i + 1] === '\\')) {
      text += c + value[i + 1];
      i++;
    } else if (c === '*' || c === '?') {
      if (text) parts.push({ literal: true, text });
      text = '';
      parts.push({ literal: false, text: c });
    } else {
      text += c;
    }
  }
  if (text) parts.push({ literal: true, text });
  return parts;
}

export const replaceString: TransformationType = {
  name: 'replace_string',
  params: { required: ['regex', 'replacement'], optional: ['skip_special', 'interpret_special'] },
  make(p) {
    let re: RE2JS;
    try {
      re = RE2JS.compile(str(p, 'regex'));
    } catch (error) {
      throw `'regex' is not a regular expression: ${(error as Error).message}`;
    }
    const replacementValue = p['replacement'];
    if (typeof replacementValue !== 'string') throw `'replacement' must be a string`;
    const replacement = jsReplacement(replacementValue);
    const skipSpecial = bool(p, 'skip_special', false);
    const interpret = bool(p, 'interpret_special', false);
    const replace = (text: string): string => re.matcher(text).replaceAll(replacement);
    const escape = (text: string): string => (interpret ? text : text.replace(/(?<!\\)([*?])/g, '\\$1'));
    return {
      type: 'replace_string',
      apply: (version, ctx) =>
        editStringValues(version, ctx, `replaced /${str(p, 'regex')}/`, (value) => {
          const next = skipSpecial
            ? splitSpecial(value).map((part) => (part.literal ? escape(replace(part.text)) : part.text)).join('')
            : replace(value);
          return next === value ? undefined : [next];
        }),
    };
  },
};
