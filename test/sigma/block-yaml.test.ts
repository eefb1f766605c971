/**
 * The fast block-YAML reader must give exactly what `yaml` gives (values and document lines)
 * whenever it answers, and decline everything else. Checked on hand-written constructs, on every
 * SigmaHQ rule, and on generated documents (yaml's own block output, then mutated lines).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { readBlockYaml } from '../../lib/sigma/block-yaml.ts';
import { readDocuments } from '../../lib/sigma/documents.ts';
import { describeShared, sharedPath } from '../support/shared-corpus.ts';

/** What `yaml` reads: each document's JS value and start line, or undefined if any has an error. */
function reference(text: string): { body: unknown; line: number }[] | undefined {
  const docs = parseAllDocuments(text, { uniqueKeys: true });
  if (docs.some((d) => d.errors.length > 0)) return undefined;
  return docs.map((d) => {
    const offset = d.range?.[0] ?? 0;
    let line = 1;
    for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
    return { body: d.toJS({ maxAliasCount: 100 }), line };
  });
}

/** When the fast reader answers, its answer is yaml's. Returns whether it answered. */
function agrees(text: string): boolean {
  const fast = readBlockYaml(text);
  if (fast === undefined) return false;
  expect(fast.map((d) => ({ body: d.body, line: d.line }))).toStrictEqual(reference(text));
  return true;
}

describe('readBlockYaml', () => {
  const answered: Record<string, string> = {
    'scalars of the core schema': 'a: 1\nb: -2\nc: 0x1F\nd: 0o17\ne: 1.5\nf: .5e3\ng: .inf\nh: -.Inf\ni: .NaN\nj: ~\nk: null\nl: True\nm: FALSE\nn: no\no: 1.2.3\np: 007\nq:\n',
    'quoted scalars and escapes': `a: 'C:\\Windows\\'\nb: 'it''s'\nc: "tab\\tnl\\n\\x41\\u00e9\\U0001F600 \\"q\\" \\\\"\nd: '' # empty\ne: "a#b" # c\n`,
    'plain scalars with colons and hashes': 'a: http://x:80/y\nb: C:\\a#b\nc: x # comment\nd: -x\ne: ?y\nf: key:value\n',
    'block sequences, compact and nested': 'tags:\n    - a\n    - b\nlist:\n- x\n- y\nnest:\n  - - 1\n    - 2\n  - -\n      - 3\n',
    'sequences of maps': 'selection:\n    - Image|endswith: a.exe\n      CommandLine|contains:\n          - x\n          - y\n    - Image: b\n',
    'literal block scalars and chomping': 'a: |\n  line 1\n\n  # not a comment\n    indented\n\nb: |-\n  strip\n\n\nc: |+\n  keep\n\n\nd: end\n',
    'folded block scalars': 'a: >\n  one\n  two\n\n  three\nb: >-\n  x\n  y\nc: >\n\n  lead\n',
    'flow sequences': "a: []\nb: [1, 'two', \"three\", four five]\nc: {}\n",
    'documents and their lines': '# header\n\ntitle: one\n---\n\ntitle: two\n--- # three\ntitle: three\n---\n',
    'quoted keys and keys with spaces': "'a b': 1\n\"c\": 2\nThreat Name|contains: x\n",
    'comments everywhere': '# top\na: # c\n  # inside\n  b: 1 # x\n  # trailing\n',
  };
  for (const [name, text] of Object.entries(answered)) {
    it(`reads ${name} as yaml does`, () => {
      expect(agrees(text)).toBe(true);
    });
  }

  const declined: Record<string, string> = {
    anchors: 'a: &x 1\nb: *x\n',
    tags: 'a: !!str 1\n',
    'flow maps': 'a: {b: 1}\n',
    'multi-line plain scalars': 'a: one\n  two\n',
    'multi-line quoted scalars': "a: 'one\n  two'\n",
    tabs: 'a:\tb\n',
    'CR line ends': 'a: 1\r\nb: 2\r\n',
    'duplicate keys': 'a: 1\na: 2\n',
    'non-string keys': '1: a\n',
    'a __proto__ key': '__proto__: 1\n',
    directives: '%YAML 1.2\n---\na: 1\n',
    'complex keys': '? a\n: b\n',
    'block scalar indentation indicators': 'a: |2\n   x\n',
    'folded more-indented lines': 'a: >\n  x\n    y\n',
    'value after a sequence dash on a key line': 'a: - b\n',
    'mapping value inside a plain scalar': 'a: b: c\n',
    'nested flow sequences': 'a: [[1]]\n',
    'document end markers': 'a: 1\n...\n',
    'top-level scalars': 'just text\n',
    'misindented content': 'a:\n    b: 1\n  c: 2\n',
  };
  for (const [name, text] of Object.entries(declined)) {
    it(`declines ${name}`, () => {
      expect(readBlockYaml(text)).toBeUndefined();
    });
  }

  it('leaves errors to yaml, which names the line', () => {
    const { documents, problems } = readDocuments('title: a\ntitle: b\n');
    expect(documents).toEqual([]);
    expect(problems).toEqual([{ line: 2, reason: expect.stringMatching(/^YAML: .*unique/i) }]);
  });

  const key = fc.oneof(
    fc.constantFrom('title', 'Image|endswith', 'CommandLine|contains|all', 'a b', 'x:y', '#k', 'true', '1', '-'),
    fc.string({ maxLength: 6 }),
  );
  const scalar = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom('C:\\Windows\\', "it's", 'a: b', 'x #y', '- z', '|', '>', '[a]', '{}', '*', '&', '!x', '%', '@', '`', '~', 'null', 'True', '0x1f', '1e3', '.inf', ' lead', 'trail ', 'multi\nline\n', '\n\nblank\n\n'),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
  );
  const value = fc.letrec<{ node: unknown }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      scalar,
      fc.array(tie('node'), { maxLength: 4 }),
      fc.dictionary(key, tie('node'), { maxKeys: 4 }),
    ),
  })).node;

  it('agrees with yaml on its own block output of generated values', () => {
    let answered = 0;
    fc.assert(
      fc.property(fc.dictionary(key, value, { minKeys: 1, maxKeys: 5 }), fc.constantFrom(2, 4), (doc, indent) => {
        if (agrees(stringify(doc, { indent, lineWidth: 0 }))) answered++;
      }),
      { numRuns: 2000 },
    );
    // Most of yaml's block output is within the subset: the property is not vacuous.
    expect(answered).toBeGreaterThan(1000);
  });

  it('agrees with yaml on mutated lines of a rule', () => {
    const lines = ['title: x', 'tags:', '    - a', '  - b', 'detection:', '    sel:', "        Image|endswith: '\\a.exe'", '        - x', '    condition: sel', 'description: |', '  text', '', '---', '# c', 'k: [a, b]', '  cont', 'v: "q\\tq"', ' - y', 'z: >-', '    f'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...lines), { minLength: 1, maxLength: 12 }), (picked) => {
        agrees(`${picked.join('\n')}\n`);
      }),
      { numRuns: 3000 },
    );
  });
});

describeShared('readBlockYaml on SigmaHQ', () => {
  it('reads nearly every rule, exactly as yaml does', () => {
    const files = ymlFiles(sharedPath('corpus', 'sigma'));
    expect(files.length).toBeGreaterThan(2500);
    let read = 0;
    for (const file of files) if (agrees(readFileSync(file, 'utf8'))) read++;
    expect(read / files.length).toBeGreaterThan(0.99);
  }, 120_000);
});

function ymlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return ymlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}
