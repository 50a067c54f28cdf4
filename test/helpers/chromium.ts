/**
 * Headless Chromium for tests and benches: Debian's `chromium` driven by playwright-core (no downloaded
 * browsers).
 *
 *   const browser = await launchChromium();                       // muted, no audio server needed
 *   const browser = await launchChromium({ audioEnv: vmic.env }); // audible into the PulseAudio null sink
 *
 * `startPlayerPage()` builds on it for the playback tests and the bench: it serves a test page and the
 * esbuild-bundled playback worklet from a Node http server on 127.0.0.1 (with a `default-src 'self'`
 * CSP), and connects the page to a Node-side `RendererPlayer` over a WebSocket, so the whole
 * main → page → worklet path runs.
 *
 * Needs the Debian package `chromium` (apt-get install -y --no-install-recommends chromium).
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { WebSocketServer, type WebSocket } from 'ws';
import { REPO_ROOT } from './repo-root.js';
import { RendererPlayer, webSocketPlayerPort, type RendererPlayerOptions } from '../../main/audio/renderer-player.js';

export const CHROMIUM_EXECUTABLE = process.env.HEARTH_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_DEBIAN_PACKAGE = 'chromium';

/** The flags a headless Chromium needs on a build machine without a GPU, a sandbox or a sound card. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
];

const SCRATCH_ROOT = join(REPO_ROOT, '.cache/chromium');

export function chromiumInstalled(): boolean {
  return existsSync(CHROMIUM_EXECUTABLE);
}

export function assertChromiumInstalled(): void {
  if (!chromiumInstalled()) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_EXECUTABLE}. Install the Debian package: ` +
        `apt-get update && apt-get install -y --no-install-recommends ${CHROMIUM_DEBIAN_PACKAGE}`,
    );
  }
}

export type LaunchChromiumOptions = {
  /**
   * The environment of a PulseAudio daemon (test/helpers/virtual-mic.ts `env`): Chromium plays into it
   * and is launched without Playwright's `--mute-audio`. Without it Chromium is muted and pointed at a
   * missing PulseAudio socket: the audio clock still runs (no sound card needed), nothing is heard.
   */
  audioEnv?: Record<string, string>;
  /** Extra command-line flags. */
  args?: string[];
};

export type LaunchedChromium = Browser & {
  /** Closes the browser and removes its scratch directory. */
  closeAndClean(): Promise<void>;
};

let launches = 0;

/** Launches Debian's Chromium headless, with HOME and TMPDIR in a scratch directory under .cache/. */
export async function launchChromium(options: LaunchChromiumOptions = {}): Promise<LaunchedChromium> {
  assertChromiumInstalled();
  const scratch = join(SCRATCH_ROOT, `${process.pid}-${++launches}`);
  mkdirSync(join(scratch, 'home'), { recursive: true });
  mkdirSync(join(scratch, 'tmp'), { recursive: true });
  const audible = options.audioEnv !== undefined;
  const env: Record<string, string> = {
    ...stringEnv(process.env),
    HOME: join(scratch, 'home'),
    XDG_CONFIG_HOME: join(scratch, 'home/.config'),
    XDG_CACHE_HOME: join(scratch, 'home/.cache'),
    PULSE_SERVER: `unix:${join(scratch, 'no-pulse')}`,
    ...options.audioEnv,
    TMPDIR: join(scratch, 'tmp'),
  };
  const browser = await chromium.launch({
    executablePath: CHROMIUM_EXECUTABLE,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
    env,
    ...(audible ? { ignoreDefaultArgs: ['--mute-audio'] } : {}),
  });
  return Object.assign(browser, {
    closeAndClean: async () => {
      await browser.close();
      rmSync(scratch, { recursive: true, force: true });
    },
  });
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Bundles

/** Files of the playback test page, bundled by esbuild (see the lead's scripts/build.mjs for the app). */
export const PLAYER_PAGE_SOURCES = {
  '/page.js': 'test/e2e/browser/page/player-page.ts',
  '/pcm-player.worklet.js': 'renderer/audio/pcm-player.worklet.ts',
  '/output-tap.worklet.js': 'test/e2e/browser/page/output-tap.worklet.ts',
} as const;

let bundles: Promise<Map<string, string>> | undefined;

/** Bundles each source into one self-contained ES module (in memory), once per process. */
export function bundlePlayerPage(): Promise<Map<string, string>> {
  bundles ??= (async () => {
    const out = new Map<string, string>();
    for (const [url, source] of Object.entries(PLAYER_PAGE_SOURCES)) {
      const result = await build({
        entryPoints: [join(REPO_ROOT, source)],
        bundle: true,
        write: false,
        format: 'esm',
        platform: 'browser',
        target: 'es2022',
        sourcemap: 'inline',
        logLevel: 'warning',
      });
      out.set(url, result.outputFiles[0]!.text);
    }
    return out;
  })();
  return bundles;
}

// ---------------------------------------------------------------------------------------------------
// The playback page

export type PlayerPageOptions = {
  /** A browser to open the page in (left open by `close()`); by default one is launched. */
  browser?: Browser;
  /** Passed to `launchChromium` when the harness launches the browser. */
  launch?: LaunchChromiumOptions;
  /**
   * 'relay': the page posts the socket's messages to `node.port` (web mode). 'port': the page attaches
   * one end of a MessageChannel to the worklet and relays the socket to the other end, which is how
   * Electron's MessagePortMain reaches the worklet (the worklet's replies then bypass `node.port`).
   */
  mode?: 'relay' | 'port';
  /** The worklet's processorOptions. */
  prebufferMs?: number;
  ringSeconds?: number;
  /** Record everything the player outputs, sample-exact, with a pass-through worklet. */
  tap?: boolean;
  player?: RendererPlayerOptions;
};

export type TapRecording = {
  /** Context frame of `samples[0]`. */
  startFrame: number;
  /** The player's output as Int16 (exactly the samples sent, or 0). */
  samples: Int16Array;
};

export type PlayerPage = {
  browser: Browser;
  page: Page;
  player: RendererPlayer;
  baseUrl: string;
  /** AudioContext facts after warm-up. */
  context: { sampleRate: number; baseLatency: number; state: string };
  /** Uncaught page errors, console errors and CSP violations seen so far. */
  problems: string[];
  tap(): Promise<TapRecording>;
  /** `WorkletPlayer.outputLatencyMs()`: render → device presentation, from getOutputTimestamp. */
  outputLatencyMs(): Promise<number | null>;
  close(): Promise<void>;
};

const PAGE_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>Hearth playback test page</title>
<script type="module" src="/page.js"></script></head><body></body></html>`;
const CSP = "default-src 'self'";

/** Serves the playback page, opens it, and returns a RendererPlayer wired to its worklet. */
export async function startPlayerPage(options: PlayerPageOptions = {}): Promise<PlayerPage> {
  const files = await bundlePlayerPage();
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    const body = path === '/' ? PAGE_HTML : files.get(path);
    if (body === undefined) {
      response.writeHead(404, { 'Content-Security-Policy': CSP }).end();
      return;
    }
    response
      .writeHead(200, {
        'Content-Type': path === '/' ? 'text/html; charset=utf-8' : 'text/javascript; charset=utf-8',
        'Content-Security-Policy': CSP,
        'Cache-Control': 'no-store',
      })
      .end(body);
  });
  const sockets = new WebSocketServer({ server, path: '/player' });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const connected = new Promise<WebSocket>((resolveSocket) => sockets.once('connection', resolveSocket));

  const ownBrowser = options.browser === undefined;
  const browser = options.browser ?? (await launchChromium(options.launch));
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console.error: ${message.text()}`);
  });
  const cleanup = async () => {
    await page.close().catch(() => {});
    if (ownBrowser) await (browser as LaunchedChromium).closeAndClean().catch(() => {});
    for (const client of sockets.clients) client.terminate();
    sockets.close();
    await closeServer(server);
  };
  try {
    await page.goto(`${baseUrl}/`);
    await page.waitForFunction(() => (globalThis as any).hearthPlayerPage !== undefined);
    const start = page.evaluate((args) => (globalThis as any).hearthPlayerPage.start(args), {
      mode: options.mode ?? 'relay',
      prebufferMs: options.prebufferMs,
      ringSeconds: options.ringSeconds,
      tap: options.tap ?? false,
      socketUrl: `ws://127.0.0.1:${port}/player`,
    }) as Promise<PlayerPage['context']>;
    const socket = await Promise.race([connected, start.then(() => connected)]);
    const player = new RendererPlayer(webSocketPlayerPort(socket), options.player);
    const context = await start;
    return {
      browser,
      page,
      player,
      baseUrl,
      context,
      problems,
      tap: async () => {
        const dump = (await page.evaluate(() => (globalThis as any).hearthPlayerPage.tap())) as { startFrame: number; base64: string };
        const bytes = Buffer.from(dump.base64, 'base64');
        return { startFrame: dump.startFrame, samples: new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2) };
      },
      outputLatencyMs: () => page.evaluate(() => (globalThis as any).hearthPlayerPage.outputLatencyMs()) as Promise<number | null>,
      close: async () => {
        await player.close();
        await cleanup();
      },
    };
  } catch (error) {
    await cleanup();
    throw new Error(`the playback page did not start: ${(error as Error).message}\n${problems.join('\n')}`, { cause: error });
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolveClose) => {
    server.closeAllConnections();
    server.close(() => resolveClose());
  });
}
