// Builds the Electron shell into out/ (scripts/build.mjs calls buildShell(); also runnable alone):
//   main/shell/index.ts → out/main/shell/index.js   ESM, node_modules and electron external
//   preload/index.ts    → out/preload/index.cjs     ONE CommonJS file: a sandboxed preload can require
//                                                   nothing but 'electron' (and a few built-ins)
//   build/tray/*.png, build/icons/256x256.png → out/images/ (the tray and window icons read at run time;
//                                                   build/ itself is not packaged)
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Electron 45 runs Chromium 140 and Node 22. */
const ELECTRON_TARGETS = { main: 'node22', preload: 'chrome140' };

/**
 * @param {{ quiet?: boolean }} [options]
 * @returns {Promise<string[]>} the files written
 */
export async function buildShell({ quiet = false } = {}) {
  const logLevel = quiet ? 'warning' : 'info';
  await build({
    absWorkingDir: root,
    entryPoints: { 'main/shell/index': 'main/shell/index.ts' },
    outdir: 'out',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: ELECTRON_TARGETS.main,
    packages: 'external',
    external: ['electron'],
    sourcemap: true,
    logLevel,
  });
  await build({
    absWorkingDir: root,
    entryPoints: { 'preload/index': 'preload/index.ts' },
    outdir: 'out',
    outExtension: { '.js': '.cjs' },
    bundle: true,
    // Everything but electron is bundled in: the sandbox has no module loader for anything else.
    platform: 'node',
    format: 'cjs',
    target: ELECTRON_TARGETS.preload,
    external: ['electron'],
    sourcemap: true,
    logLevel,
  });
  return ['out/main/shell/index.js', 'out/preload/index.cjs', ...copyImages()];
}

function copyImages() {
  const copied = [];
  const trayDir = join(root, 'build/tray');
  mkdirSync(join(root, 'out/images/tray'), { recursive: true });
  for (const file of readdirSync(trayDir).filter((f) => f.endsWith('.png'))) {
    copyFileSync(join(trayDir, file), join(root, 'out/images/tray', file));
    copied.push(`out/images/tray/${file}`);
  }
  copyFileSync(join(root, 'build/icons/256x256.png'), join(root, 'out/images/icon.png'));
  copied.push('out/images/icon.png');
  return copied;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = performance.now();
  const quiet = process.argv.includes('--quiet');
  const built = await buildShell({ quiet });
  if (!quiet) console.log(`shell: ${built.length} files in ${Math.round(performance.now() - started)} ms`);
}
