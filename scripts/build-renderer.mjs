// Builds the renderer with esbuild (the Electron preload is scripts/build-shell.mjs's).
//
//   out/renderer/index.html, app.css, icon.svg      copied
//   out/renderer/main.js                              renderer/main.tsx bundled (Preact, zod, the contract)
//   out/renderer/audio/pcm-player.worklet.js          the playback worklet, one self-contained file
//   out/renderer/audio/pcm-capture.worklet.js         the capture worklet (web mode's page microphone)
//
// No inline scripts or styles: the page works under `default-src 'self'`.
//
//   node scripts/build-renderer.mjs [--outdir DIR] [--no-minify] [--quiet]
//   import { buildRenderer } from './build-renderer.mjs';
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const STATIC_FILES = ['index.html', 'app.css', 'icon.svg'];

/**
 * @param {{ outdir?: string; minify?: boolean; quiet?: boolean; sourcemap?: boolean }} [options] minify defaults to true (source maps beside)
 * @returns {Promise<string>} the output folder
 */
export async function buildRenderer(options = {}) {
  const outdir = resolve(ROOT, options.outdir ?? 'out/renderer');
  const logLevel = options.quiet ? 'warning' : 'info';
  const sourcemap = options.sourcemap ?? true;
  mkdirSync(join(outdir, 'audio'), { recursive: true });
  await build({
    entryPoints: { main: join(ROOT, 'renderer/main.tsx') },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    // Electron 45 is Chromium 140; web mode also opens in ordinary browsers.
    target: ['chrome120', 'firefox120', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: options.minify ?? true,
    sourcemap,
    legalComments: 'linked',
    logLevel,
    absWorkingDir: ROOT,
  });
  await build({
    entryPoints: {
      'audio/pcm-player.worklet': join(ROOT, 'renderer/audio/pcm-player.worklet.ts'),
      'audio/pcm-capture.worklet': join(ROOT, 'renderer/audio/pcm-capture.worklet.ts'),
    },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: options.minify ?? true,
    sourcemap,
    logLevel,
    absWorkingDir: ROOT,
  });
  for (const file of STATIC_FILES) copyFileSync(join(ROOT, 'renderer', file), join(outdir, file));
  return outdir;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const value = (flag) => {
    const index = args.indexOf(flag);
    return index >= 0 ? args[index + 1] : undefined;
  };
  const quiet = args.includes('--quiet');
  const minify = !args.includes('--no-minify');
  const started = performance.now();
  await buildRenderer({ outdir: value('--outdir'), quiet, minify });
  if (!quiet) console.log(`renderer built in ${Math.round(performance.now() - started)} ms`);
}
