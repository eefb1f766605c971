/**
 * Case-insensitive matching, defined once: each UTF-16 code unit is replaced by its lower case
 * when that is one code unit (so lengths never change). A table makes folding a lookup, which
 * lets the compiled matchers compare without building lowercased copies of event values.
 */
const FOLD = new Uint16Array(0x10000);
for (let c = 0; c < 0x10000; c++) {
  const lower = String.fromCharCode(c).toLowerCase();
  FOLD[c] = lower.length === 1 ? lower.charCodeAt(0) : c;
}

export function foldCode(code: number): number {
  return FOLD[code]!;
}

export function foldString(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += String.fromCharCode(FOLD[text.charCodeAt(i)]!);
  return out;
}
