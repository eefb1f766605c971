/** Consoles and sync tools create zero-byte `prefix/` objects as folders: nothing to scan. */
export function isFolderMarker(key: string, size: number | undefined): boolean {
  return key.endsWith('/') && (size === undefined || size === 0);
}
