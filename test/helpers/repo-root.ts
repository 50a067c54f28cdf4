/**
 * The project's root directory, for helpers that reach scripts and caches. It walks up to the nearest
 * package.json rather than counting `..`, because the bench bundles these helpers into out/bench, one
 * directory deeper or shallower than their source.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('test helpers: cannot find the project root (no package.json above them)');
    dir = parent;
  }
  return dir;
}

export const REPO_ROOT = findRepoRoot();
