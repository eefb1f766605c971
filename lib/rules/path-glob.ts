/**
 * Path globs for rule selection: `*` any run without `/`, `**` any run (across `/`), `?` one
 * character but `/`; everything else literal, case-insensitive (rule trees are shared between
 * Windows and Unix checkouts). Matched by dynamic programming over (pattern, text) positions,
 * so a hostile pattern costs at most pattern x text steps, never exponential backtracking.
 */
type Token = { kind: 'text'; char: string } | { kind: 'star' } | { kind: 'globstar' } | { kind: 'one' };

export function compileGlob(glob: string): (path: string) => boolean {
  const tokens: Token[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      tokens.push({ kind: 'globstar' });
      i++;
      // `**/` also matches no directory at all: `a/**/b` matches `a/b`.
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') tokens.push({ kind: 'star' });
    else if (c === '?') tokens.push({ kind: 'one' });
    else tokens.push({ kind: 'text', char: c.toLowerCase() });
  }
  return (path: string) => matches(tokens, path.replace(/\\/g, '/').toLowerCase());
}

function matches(tokens: readonly Token[], text: string): boolean {
  // reach[j]: the tokens so far can consume exactly text[0..j). One linear sweep per token.
  let reach = new Uint8Array(text.length + 1);
  reach[0] = 1;
  for (const token of tokens) {
    const next = new Uint8Array(text.length + 1);
    let active = false;
    for (let j = 0; j <= text.length; j++) {
      switch (token.kind) {
        case 'text':
          if (reach[j] && text[j] === token.char) next[j + 1] = 1;
          break;
        case 'one':
          if (reach[j] && j < text.length && text[j] !== '/') next[j + 1] = 1;
          break;
        case 'star':
          // From a reached position, every later one up to the next `/`.
          if (reach[j]) active = true;
          if (active) next[j] = 1;
          if (text[j] === '/') active = false;
          break;
        case 'globstar':
          if (reach[j]) active = true;
          if (active) next[j] = 1;
          break;
      }
    }
    reach = next;
  }
  return reach[text.length] === 1;
}
