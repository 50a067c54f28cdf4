import { chmodSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Files only their owner may read (the pairing token, the paired devices): written 0600 through a
 * temporary sibling and a rename (a crash leaves the old file or the new one), and checked when read.
 * Synchronous on purpose: they are tiny, written only when a device pairs or is revoked, and two
 * overlapping asynchronous writes would race on the temporary file.
 *
 * Windows has no POSIX modes (Node maps them to the read-only bit); there the folder's ACL protects
 * the files, so the mode checks below are POSIX only.
 */

const POSIX = process.platform !== 'win32';

export function writePrivateFileSync(path: string, data: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  rmSync(temp, { force: true }); // a leftover from a crash would keep its old mode
  writeFileSync(temp, data, { mode: 0o600, flag: 'wx' });
  renameSync(temp, path);
}

/** The permission bits other users have on `path` (0 when only the owner has any, or on Windows). */
export function othersAccess(path: string): number {
  if (!POSIX) return 0;
  return statSync(path).mode & 0o077;
}

/** Takes group and other permissions away from a file this process owns. */
export function makePrivate(path: string): void {
  if (POSIX) chmodSync(path, 0o600);
}

/** `0644`-style text for messages. */
export function modeText(path: string): string {
  return `0${(statSync(path).mode & 0o777).toString(8)}`;
}

/** Changes whenever the file is replaced or written (a rename gives a new inode); 'missing' when absent. */
export function fileStamp(path: string): string {
  try {
    const info = statSync(path);
    return `${info.mtimeMs}:${info.size}:${info.ino}`;
  } catch {
    return 'missing';
  }
}
