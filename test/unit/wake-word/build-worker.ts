import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The wake-word worker exactly as the app ships it: out/main/wake-word/wake-word-worker.js, built by
 * scripts/build.mjs (vitest's global setup runs it once per run). Worker threads cannot run TypeScript
 * source under vitest, so the worker tests run this file: the same bundle, banner and externals the
 * packaged app has.
 */
export async function buildWakeWordWorker(): Promise<{ dir: string; entry: URL; cleanup: () => Promise<void> }> {
  const dir = path.resolve('out');
  const file = path.join(dir, 'main', 'wake-word', 'wake-word-worker.js');
  if (!existsSync(file)) throw new Error(`${file} is missing: run node scripts/build.mjs (vitest's global setup does)`);
  return { dir, entry: pathToFileURL(file), cleanup: async () => undefined };
}
