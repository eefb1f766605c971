/**
 * What a scan reads: the files named, and the files under the directories named (recursively, in
 * a stable order). Nothing is skipped without being counted: hidden entries (names starting with
 * `.`), entries `--include/--exclude` leave out, and entries that are not regular files are each
 * counted for the summary. Files named on the command line are always scanned.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, join, matchesGlob, relative } from 'node:path';

export interface InputFile {
  readonly path: string;
  /** Found by walking a directory (so it may be a README, not a log: sniffed before scanning). */
  readonly fromDirectory: boolean;
  /** Bytes on disk; undefined for stdin. */
  readonly size?: number;
}

export interface InputPlan {
  readonly files: readonly InputFile[];
  /** Hidden files and directories under the directories named, not entered. */
  readonly hidden: number;
  /** Files left out by --include / --exclude. */
  readonly excluded: number;
  /** Sockets, FIFOs, devices, dangling links under the directories named. */
  readonly notRegular: number;
  /** Paths that could not be listed or do not exist, with the reason: bad input, scan goes on. */
  readonly problems: readonly { readonly path: string; readonly reason: string }[];
}

export interface InputFilter {
  /** Globs a file must match (any) when given: `*.evtx`, `**\/Security*.json`. */
  readonly include: readonly string[];
  readonly exclude: readonly string[];
}

export function planInputs(paths: readonly string[], filter: InputFilter = { include: [], exclude: [] }): InputPlan {
  const files: InputFile[] = [];
  const problems: { path: string; reason: string }[] = [];
  let hidden = 0;
  let excluded = 0;
  let notRegular = 0;
  const visited = new Set<string>();

  const walk = (root: string, dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (error) {
      problems.push({ path: dir, reason: reasonOf(error) });
      return;
    }
    for (const name of names) {
      if (name.startsWith('.')) {
        hidden++;
        continue;
      }
      const path = join(dir, name);
      const stat = statSync(path, { throwIfNoEntry: false });
      if (stat?.isDirectory()) {
        // A link back up the tree must not walk forever.
        const id = `${stat.dev}:${stat.ino}`;
        if (visited.has(id)) continue;
        visited.add(id);
        walk(root, path);
      } else if (!stat?.isFile()) {
        notRegular++;
      } else if (!selected(relative(root, path), filter)) {
        excluded++;
      } else {
        files.push({ path, fromDirectory: true, size: stat.size });
      }
    }
  };

  for (const path of paths) {
    if (path === '-') {
      files.push({ path, fromDirectory: false });
      continue;
    }
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) {
      problems.push({ path, reason: 'no such file or directory (ENOENT)' });
    } else if (stat.isDirectory()) {
      visited.add(`${stat.dev}:${stat.ino}`);
      walk(path, path);
    } else {
      files.push({ path, fromDirectory: false, size: stat.size });
    }
  }
  return { files, hidden, excluded, notRegular, problems };
}

/** A pattern with a `/` matches the path under the directory named; one without, the file name. */
export function selected(relativePath: string, filter: InputFilter): boolean {
  const matches = (pattern: string) =>
    pattern.includes('/') ? matchesGlob(relativePath, pattern) : matchesGlob(basename(relativePath), pattern);
  if (filter.include.length > 0 && !filter.include.some(matches)) return false;
  return !filter.exclude.some(matches);
}

function reasonOf(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code === 'EACCES' ? 'permission denied' : (e.code ?? e.message);
}
