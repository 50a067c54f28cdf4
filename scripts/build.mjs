// Builds the main-process entries with esbuild into out/. Dependencies stay external (node_modules),
// so native addons and WASM load exactly as they are installed.
import { build } from 'esbuild';
import { buildShell } from './build-shell.mjs';
import { buildRenderer } from './build-renderer.mjs';
import { copyFileSync, mkdirSync } from 'node:fs';

const quiet = process.argv.includes('--quiet');
const started = performance.now();

const nodeEntries = {
  'main/headless/cli': 'main/headless/cli.ts',
  'main/web/cli': 'main/web/cli.ts',
  'bench/run': 'bench/run.ts',
  'bench/idle-probe': 'bench/idle-probe.ts',
  'bench/eval/cli': 'bench/eval/cli.ts',
  'bench/echo-cli': 'bench/echo-cli.ts',
};

const nodeOptions = {
  outdir: 'out',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  outExtension: { '.js': '.js' },
  logLevel: quiet ? 'warning' : 'info',
};

await build({ ...nodeOptions, entryPoints: nodeEntries, packages: 'external', external: ['electron'] });

// The wake-word worker runs from app.asar.unpacked in a packaged app, where Node resolves packages
// from the unpacked folder only: its plain JavaScript dependencies (zod, pino, rotating-file-stream)
// are bundled into it, and only the native engines stay external (they are unpacked themselves).
await build({
  ...nodeOptions,
  entryPoints: { 'main/wake-word/wake-word-worker': 'main/wake-word/wake-word-worker.ts' },
  external: ['electron', 'onnxruntime-node', 'onnxruntime-node/*', '@picovoice/*'],
  // pino is CommonJS: its require() calls of Node built-ins need a real require inside an ES module.
  banner: {
    js: "import { createRequire as __hearthCreateRequire } from 'node:module'; const require = __hearthCreateRequire(import.meta.url);",
  },
});

// The echo canceller's worker, bundled the same way. WebRTC AEC3 (@ennuicastr/webrtcaec3.js) stays
// external: the Emscripten module reads its .wasm next to its own .js by path (unpacked as well).
await build({
  ...nodeOptions,
  entryPoints: { 'main/audio/echo/echo-worker': 'main/audio/echo/echo-worker.ts' },
  external: ['electron', '@ennuicastr/webrtcaec3.js'],
  banner: {
    js: "import { createRequire as __hearthCreateRequire } from 'node:module'; const require = __hearthCreateRequire(import.meta.url);",
  },
});

// The renderer (out/renderer: index.html, CSS, main.js and the playback worklet as its own file).
await buildRenderer({ quiet });

// The Electron shell (main/shell → out/main/shell/index.js), its preload and the tray/window images.
await buildShell({ quiet });

// Worker and helper-process files that run unbundled, exactly as written.
for (const file of ['main/audio/pv-recorder-worker.cjs', 'main/push-to-talk/uiohook-host.cjs']) {
  mkdirSync(`out/${file.slice(0, file.lastIndexOf('/'))}`, { recursive: true });
  copyFileSync(file, `out/${file}`);
}

if (!quiet) console.log(`built in ${Math.round(performance.now() - started)} ms`);
