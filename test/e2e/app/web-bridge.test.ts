/**
 * Web mode against a real WebSocket: the built renderer, served with no `window.assistant`, talks to a
 * small in-test server that speaks the /api/ws wire format (no engine behind it): fetch-then-subscribe,
 * invokes and their results, events, the pairing token dropped from the address bar, the audio socket
 * and `audio:ready`, and reconnecting with a banner and a fresh `state:get` after the socket drops; a
 * page the server no longer takes (401, as for an unpaired device) says how to pair again.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { PublicSettings } from '../../../preload/contract/channels.js';
import { defaultSettings } from '../../../preload/contract/settings-schema.js';
import type { AssistantFullState } from '../../../preload/contract/types.js';
import { launchChromium, type LaunchedChromium } from '../../helpers/chromium.js';
import { defaultStatus } from '../../fakes/fake-assistant-api.js';
import { HearthPage } from '../pages/hearth-page.js';
import { collectProblems } from '../pages/page-problems.js';
import { BUILT_RENDERER_DIR, serveRenderer, type StaticServer } from '../pages/renderer-server.js';

type Frame = { type: string; id?: number; channel?: string; args?: unknown[] };

/** The server side of /api/ws and /api/audio, scripted by the test. */
class WireServer {
  readonly api = new WebSocketServer({ noServer: true });
  readonly audio = new WebSocketServer({ noServer: true });
  readonly frames: Frame[] = [];
  audioConnections = 0;
  apiConnections = 0;
  down = false;
  /** Refuse sockets and /health with 401, as web mode does for a device that is no longer paired. */
  unpaired = false;
  healthRequests = 0;
  apiUpgrades = 0;
  upgradeCookies: Array<string | undefined> = [];
  state: AssistantFullState = {
    seq: 5,
    status: defaultStatus(),
    transcript: [{ kind: 'message', id: 'a0', role: 'assistant', text: 'Hello from the server.', final: true }],
    entities: [],
    onboarded: true,
  };
  settings: PublicSettings = {
    settings: defaultSettings(),
    secrets: { present: { openai: true, 'home-assistant': false, picovoice: false }, hosts: {}, storage: { encrypted: true } },
    loadIssues: [],
  };
  answers = new Map<string, unknown>();

  onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    this.upgradeCookies.push(request.headers.cookie);
    if (path === '/api/ws') this.apiUpgrades++;
    if (this.down) return void socket.end('HTTP/1.1 503 Service Unavailable\r\n\r\n');
    if (this.unpaired) return void socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
    if (path === '/api/ws') this.api.handleUpgrade(request, socket, head, (ws) => this.#serveApi(ws));
    else if (path === '/api/audio')
      this.audio.handleUpgrade(request, socket, head, () => {
        this.audioConnections++;
      });
    else socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
  };

  /** GET /health: the page's pairing probe (the server itself is up even while `down` refuses sockets). */
  onRequest = (request: IncomingMessage, response: ServerResponse): boolean => {
    if (new URL(request.url ?? '/', 'http://x').pathname !== '/health') return false;
    this.healthRequests++;
    if (this.unpaired) response.writeHead(401, { 'Content-Type': 'text/plain' }).end('Pairing token required');
    else response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end('{"state":"idle"}');
    return true;
  };

  #serveApi(ws: WebSocket): void {
    this.apiConnections++;
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      this.frames.push(frame);
      if (frame.type !== 'invoke') return;
      const result = this.answers.get(frame.channel!) ?? { ok: true, value: this.#value(frame.channel!) };
      ws.send(JSON.stringify({ type: 'result', id: frame.id, result }));
    });
  }

  #value(channel: string): unknown {
    if (channel === 'state:get') return this.state;
    if (channel === 'settings:get') return this.settings;
    return null;
  }

  event(channel: string, payload: unknown): void {
    for (const client of this.api.clients) client.send(JSON.stringify({ type: 'event', channel, payload }));
  }

  invokes(channel: string): Frame[] {
    return this.frames.filter((f) => f.type === 'invoke' && f.channel === channel);
  }

  dropAll(): void {
    for (const client of [...this.api.clients, ...this.audio.clients]) client.terminate();
  }

  close(): void {
    this.dropAll();
    this.api.close();
    this.audio.close();
  }
}

let browser: LaunchedChromium;
let server: StaticServer;
let wire: WireServer;
let problems: string[] = [];

beforeAll(async () => {
  wire = new WireServer();
  server = await serveRenderer(BUILT_RENDERER_DIR, { onUpgrade: wire.onUpgrade, onRequest: wire.onRequest });
  browser = await launchChromium();
});
afterAll(async () => {
  wire?.close();
  await browser?.closeAndClean();
  await server?.close();
});
afterEach(() => {
  wire.unpaired = false;
  expect(problems.filter((p) => !p.includes('WebSocket connection to') && !p.includes('503'))).toEqual([]);
  problems = [];
});

/** Chromium logs the refused /health probe; that is expected while the page is unpaired. */
const withoutRefusedProbes = (list: string[]) => list.filter((p) => !p.includes('the server responded with a status of 401'));

describe('web mode over a real WebSocket', () => {
  it('fetches the state, sends invokes in the wire format, follows events, and reconnects after a drop', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    const page = await context.newPage();
    problems = collectProblems(page);
    await context.addCookies([{ name: 'hearth_pairing', value: 'paired', url: server.baseUrl }]);
    await page.goto(`${server.baseUrl}/?token=pairing-token-0123456789`);
    const hearth = new HearthPage(page);
    await hearth.waitUntilReady();

    // No preload: the page is in web mode, and the token is gone from the address bar.
    await expect(page.evaluate(() => 'assistant' in globalThis)).resolves.toBe(false);
    expect(new URL(page.url()).searchParams.has('token')).toBe(false);
    await hearth.conversation.waitForAssistant('Hello from the server.');
    expect(wire.invokes('state:get')).toHaveLength(1);
    expect(wire.invokes('settings:get')).toHaveLength(1);
    // The browser sends the pairing cookie with the upgrade (the server's HttpOnly cookie in real life).
    expect(wire.upgradeCookies[0]).toContain('hearth_pairing=paired');

    // Invokes go out exactly as the server reads them, and their results come back.
    await hearth.conversation.send('Turn on the hall light');
    await expect.poll(() => wire.invokes('conversation:send-text')).toHaveLength(1);
    const sent = wire.invokes('conversation:send-text')[0]!;
    expect(sent).toEqual({
      type: 'invoke',
      id: expect.any(Number),
      channel: 'conversation:send-text',
      args: [{ text: 'Turn on the hall light' }],
    });
    // The box clears when the invoke's result reaches the page, a moment after the server saw it.
    await expect.poll(() => hearth.conversation.input.inputValue()).toBe('');

    // An error result is an IpcError in the page: shown in the banner, the typed text kept.
    wire.answers.set('conversation:send-text', {
      ok: false,
      error: {
        name: 'OpenAIRealtimeError',
        source: 'openai',
        category: 'quota',
        permanent: true,
        message: 'You exceeded your current quota.',
      },
    });
    await hearth.conversation.send('Again');
    await hearth.banner('OpenAI: quota exhausted').waitFor();
    await expect(hearth.conversation.input.inputValue()).resolves.toBe('Again');

    // Events: newer than the snapshot are applied, older ignored.
    wire.event('transcript:changed', { seq: 4, items: [] });
    wire.event('transcript:changed', {
      seq: 6,
      items: [...wire.state.transcript, { kind: 'message', id: 'a1', role: 'assistant', text: 'The hall light is on.', final: true }],
    });
    await hearth.conversation.waitForAssistant('The hall light is on.');
    wire.event('status:changed', { seq: 7, status: { ...defaultStatus(), state: { kind: 'conversing', phase: 'thinking' } } });
    await expect.poll(() => hearth.stateTitle()).toBe('Thinking');

    // Audio: the page opened /api/audio and said it can play (Chromium runs with the autoplay flag).
    await expect.poll(() => wire.audioConnections).toBe(1);
    await expect
      .poll(() => wire.frames.filter((f) => f.type === 'send'))
      .toEqual([{ type: 'send', channel: 'audio:ready', args: [{ sampleRate: 24_000 }] }]);

    // The socket drops and the server is away for a while: a banner; then back: a fresh state:get.
    wire.down = true;
    wire.state = {
      ...wire.state,
      seq: 2, // main restarted: seq starts again
      transcript: [{ kind: 'message', id: 'b0', role: 'assistant', text: 'Back after a restart.', final: true }],
      status: defaultStatus(),
    };
    wire.dropAll();
    await hearth.banner('Connection to Hearth lost').waitFor();
    await expect(hearth.banner('Connection to Hearth lost').getAttribute('role')).resolves.toBe('alert');
    wire.down = false;
    await hearth.banner('Connection to Hearth lost').waitFor({ state: 'detached', timeout: 15_000 });
    await hearth.conversation.waitForAssistant('Back after a restart.');
    expect(wire.invokes('state:get')).toHaveLength(2);
    expect(wire.invokes('settings:get')).toHaveLength(2);
    await expect(hearth.conversation.messages('assistant').allTextContents()).resolves.toEqual(['Back after a restart.']);
    // Events after the new snapshot apply even though their seq is lower than before the restart.
    wire.event('status:changed', { seq: 3, status: { ...defaultStatus(), muted: true } });
    await expect.poll(() => hearth.stateTitle()).toBe('Microphone muted');
    // The audio socket came back too, and the page said again that it can play.
    await expect.poll(() => wire.audioConnections, { timeout: 15_000 }).toBe(2);
    await expect.poll(() => wire.frames.filter((f) => f.type === 'send').length).toBeGreaterThanOrEqual(2);
    await context.close();
  });

  it('tells a kiosk whose device was unpaired how to pair again, instead of "reconnecting", and recovers once paired', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    const page = await context.newPage();
    problems = collectProblems(page);
    await context.addCookies([{ name: 'hearth_session', value: 'paired', url: server.baseUrl }]);
    await page.goto(`${server.baseUrl}/?kiosk=1`);
    const hearth = new HearthPage(page);
    await hearth.kiosk.root.waitFor();
    await expect.poll(() => wire.api.clients.size).toBe(1);
    const snapshots = wire.invokes('state:get').length;
    const probes = wire.healthRequests;
    const upgrades = wire.apiUpgrades;

    // The device is revoked: the server closes the page's sockets and refuses them from now on.
    wire.unpaired = true;
    wire.dropAll();
    const unpaired = hearth.banner('This screen is no longer paired with Hearth');
    await unpaired.waitFor();
    await expect(unpaired.getAttribute('role')).resolves.toBe('alert');
    await expect(unpaired.innerText()).resolves.toContain('open the pairing address (the one with ?token=…) on this screen');
    await expect(hearth.banner('Connection to Hearth lost').count()).resolves.toBe(0);
    await expect(hearth.kiosk.root.isVisible()).resolves.toBe(true);
    // At most one probe per failed socket (the drop, then each refused retry).
    const failedSockets = 1 + (wire.apiUpgrades - upgrades);
    expect(wire.healthRequests - probes).toBeGreaterThanOrEqual(1);
    expect(wire.healthRequests - probes).toBeLessThanOrEqual(failedSockets);

    // Paired again (in another tab, which shares the cookie): the next retry opens, the banner goes and
    // the state is fetched afresh. The retry comes 12 to 18 s after the last refusal.
    wire.unpaired = false;
    await unpaired.waitFor({ state: 'detached', timeout: 45_000 });
    await expect.poll(() => wire.invokes('state:get').length).toBe(snapshots + 1);
    await expect(hearth.banner('Connection to Hearth lost').count()).resolves.toBe(0);
    await hearth.kiosk.root.waitFor();
    problems = withoutRefusedProbes(problems);
    await context.close();
  }, 90_000);

  it('a page refused from its very first socket says so over the splash (in French here)', async () => {
    wire.unpaired = true;
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'fr-FR' });
    const page = await context.newPage();
    problems = collectProblems(page);
    await page.goto(`${server.baseUrl}/`);
    const hearth = new HearthPage(page);
    const unpaired = hearth.banner('Cet écran n’est plus associé à Hearth');
    await unpaired.waitFor();
    await expect(page.locator('.splash').isVisible()).resolves.toBe(true);
    await expect(unpaired.innerText()).resolves.toContain('?token=');
    problems = withoutRefusedProbes(problems);
    await context.close();
  });
});
