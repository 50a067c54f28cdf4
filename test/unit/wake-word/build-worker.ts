import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/**
 * Builds main/wake-word/wake-word-worker.ts the way scripts/build.mjs does (its own ESM entry, bundled,
 * node_modules external) into `<dir>/main/wake-word/wake-word-worker.js`, the same layout as out/.
 * Worker threads cannot run TypeScript source under vitest, so the worker tests run this output. It is
 * written under the project's `.cache/` (ignored by git) so that onnxruntime-node, zod, pino and the
 * models resolve from the project's node_modules.
 */
export async function buildWakeWordWorker(): Promise<{ dir: string; entry: URL; cleanup: () => Promise<void> }> {
  const root = path.resolve('.cache');
  await mkdir(root, { recursive: true });
  const dir = await mkdtemp(path.join(root, 'test-wake-word-worker-'));
  const outfile = path.join(dir, 'main', 'wake-word', 'wake-word-worker.js');
  await build({
    entryPoints: [path.resolve('main/wake-word/wake-word-worker.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'silent',
  });
  return { dir, entry: pathToFileURL(outfile), cleanup: () => rm(dir, { recursive: true, force: true }) };
}
