/** Small rule trees and pack configurations written to a temporary directory, for the pack tests. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface TempTree {
  readonly dir: string;
  write(path: string, text: string): string;
  remove(): void;
}

export function tempTree(files: Record<string, string> = {}): TempTree {
  const dir = mkdtempSync(join(tmpdir(), 'winsift-packs-'));
  const tree: TempTree = {
    dir,
    write(path, text) {
      const full = join(dir, path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, text);
      return full;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  for (const [path, text] of Object.entries(files)) tree.write(path, text);
  return tree;
}

/** A Sigma rule on BITS 16403 whose RemoteName contains `needle`. */
export function bitsRule(id: string, needle: string, extra: { level?: string; status?: string; tags?: string[]; title?: string } = {}): string {
  return `title: ${extra.title ?? `BITS download from ${needle}`}
id: ${id}
status: ${extra.status ?? 'test'}
level: ${extra.level ?? 'high'}
author: winsift tests
${extra.tags ? `tags:\n${extra.tags.map((t) => `  - ${t}`).join('\n')}\n` : ''}logsource:
  product: windows
  service: bits-client
detection:
  selection:
    EventID: 16403
    RemoteName|contains: '${needle}'
  condition: selection
`;
}
