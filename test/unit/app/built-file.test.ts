import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findBuiltFile } from '../../../main/util/built-file.js';

describe('findBuiltFile', () => {
  it('finds a worker built under out/main/<folder>/ from any bundle, preferring app.asar.unpacked', async () => {
    const root = await mkdtemp(join(tmpdir(), 'hearth-built-'));
    const asar = join(root, 'resources', 'app.asar', 'out');
    const unpacked = join(root, 'resources', 'app.asar.unpacked', 'out');
    for (const base of [asar, unpacked]) {
      await mkdir(join(base, 'main', 'wake-word'), { recursive: true });
      await writeFile(join(base, 'main', 'wake-word', 'w.js'), '');
    }
    const fromShell = findBuiltFile(pathToFileURL(join(asar, 'main', 'shell', 'index.js')).href, 'wake-word', 'w.js');
    expect(fromShell).toEqual({ found: join(unpacked, 'main', 'wake-word', 'w.js') });
    const fromBench = findBuiltFile(pathToFileURL(join(root, 'x', 'out', 'bench', 'run.js')).href, 'wake-word', 'w.js');
    expect('tried' in fromBench && fromBench.tried).toHaveLength(4);
  });
});
