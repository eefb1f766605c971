/**
 * A Node older than 22 on this machine, for the version message: the system's /usr/bin/node, or
 * any `node` on PATH (the Node 24 that runs the tests is put first on PATH, the machine's own is
 * usually behind it). Undefined when there is none: those tests skip, saying so.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export function findOldNode(): { path: string; version: string } | undefined {
  const candidates = ['/usr/bin/node', '/usr/local/bin/node', ...(process.env['PATH'] ?? '').split(delimiter).map((d) => join(d, 'node'))];
  for (const path of new Set(candidates)) {
    if (!existsSync(path)) continue;
    try {
      const version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
      if (Number(version.replace(/^v/, '').split('.')[0]) < 22) return { path, version };
    } catch {
      // not runnable: try the next
    }
  }
  return undefined;
}
