import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Writes a whole file through a temporary sibling and a rename, so a crash leaves either the old file or
 * the new one, never half of one. Creates the folder when missing.
 */
export async function writeFileAtomic(path: string, data: string, options: { mode?: number } = {}): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, data, options.mode === undefined ? undefined : { mode: options.mode });
  await rename(temp, path);
}
