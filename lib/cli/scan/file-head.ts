/**
 * A file's first bytes, read synchronously, for the decisions made before a scan opens it
 * (is it a raw `.evtx`, is it compressed). Undefined when it cannot be opened: the scan's own
 * open then says why, as for any file.
 */
import { closeSync, openSync, readSync } from 'node:fs';

export function readFileHead(path: string, bytes: number): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const head = Buffer.alloc(bytes);
    return head.subarray(0, readSync(fd, head, 0, bytes, 0));
  } finally {
    closeSync(fd);
  }
}
