import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssistantApp } from '../../main/app/assistant-app.js';
import { startQuietApp } from '../helpers/quiet-app.js';
import { generatePairingToken } from '../../main/web/token-file.js';
import { startWebServer, type WebServer } from '../../main/web/web-server.js';
import { createFakeRealtimeServer, type FakeRealtimeServer } from '../servers/fake-realtime-server.js';
import { eventually } from '../helpers/wait.js';

const TOKEN = generatePairingToken();

let dir: string;
let realtime: FakeRealtimeServer;
let app: AssistantApp;
let web: WebServer;

/** A minimal client of the /api/ws wire format. */
async function connectApi(cookie: string, origin?: string) {
  const ws = new WebSocket(`${web.url.replace('http', 'ws')}api/ws`, {
    headers: { Cookie: cookie, ...(origin ? { Origin: origin } : {}) },
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  const events: Array<{ channel: string; payload: any }> = [];
  const pending = new Map<number, (result: any) => void>();
  let ids = 0;
  ws.on('message', (data) => {
    const message = JSON.parse(String(data));
    if (message.type === 'event') events.push(message);
    if (message.type === 'result') pending.get(message.id)?.(message.result);
  });
  const invoke = (channel: string, ...args: unknown[]) =>
    new Promise<any>((resolve) => {
      const id = ++ids;
      pending.set(id, resolve);
      ws.send(JSON.stringify({ type: 'invoke', id, channel, args }));
    });
  const waitForEvent = async (predicate: (e: { channel: string; payload: any }) => boolean, timeoutMs = 8000) =>
    (await eventually(
      () => events.find(predicate),
      (found) => found !== undefined,
      timeoutMs,
      20,
    ))!;
  return { ws, invoke, events, waitForEvent };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-web-'));
  realtime = await createFakeRealtimeServer({
    responder: (ctx) => ({ items: [{ type: 'message', text: `You said: ${ctx.userText ?? ''}`, audioMs: 300 }] }),
  });
  await mkdir(join(dir, 'config'), { recursive: true });
  await writeFile(join(dir, 'config', 'settings.json'), JSON.stringify({ openai: { realtimeUrl: realtime.url } }));
  await mkdir(join(dir, 'renderer'), { recursive: true });
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>Hearth</title>');
  app = await startQuietApp(dir, { env: { OPENAI_API_KEY: 'test-key' } });
  web = await startWebServer({ app, staticDir: join(dir, 'renderer'), host: '127.0.0.1', port: 0, token: TOKEN });
});

afterAll(async () => {
  await web?.close();
  await app?.shutdown();
  await realtime?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The `name=value` of the session cookie a pairing response sets. */
const sessionCookieOf = (response: Response) =>
  response.headers
    .getSetCookie()
    .find((c) => c.startsWith('hearth_session='))!
    .split(';')[0]!;

async function pair(): Promise<string> {
  const response = await fetch(`${web.url}?token=${TOKEN}`, { redirect: 'manual' });
  expect(response.status).toBe(303);
  return sessionCookieOf(response);
}

describe('web mode: pairing and protection', () => {
  it('refuses every request without the pairing token, and pairs with it through an HttpOnly cookie', async () => {
    expect((await fetch(web.url)).status).toBe(401);
    expect((await fetch(`${web.url}health`)).status).toBe(401);
    const redirect = await fetch(`${web.url}?token=${TOKEN}&kiosk=1`, { redirect: 'manual' });
    expect(redirect.status).toBe(303);
    expect(redirect.headers.get('location')).toBe('/?kiosk=1');
    expect(redirect.headers.get('set-cookie')).toMatch(/hearth_session=[\w-]+; HttpOnly; SameSite=Strict/);
    const cookie = sessionCookieOf(redirect);
    expect(cookie).not.toContain(TOKEN); // a per-device session id, not the token
    const page = await fetch(web.url, { headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    const health = await (await fetch(`${web.url}health`, { headers: { Cookie: cookie } })).json();
    expect(health).toMatchObject({ state: 'idle', openai: 'disconnected', homeAssistant: 'not-configured', muted: false });
  });

  it('refuses sockets without pairing, from another origin, or for another host name', async () => {
    await expect(connectApi('')).rejects.toThrow(/401/);
    const cookie = await pair();
    await expect(connectApi(cookie, 'http://evil.example')).rejects.toThrow(/403/);
    // DNS rebinding: a page on another name that resolves to 127.0.0.1 (fetch cannot set Host).
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: web.port, path: '/', headers: { Cookie: cookie, Host: `attacker.example:${web.port}` } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
  });

  it('refuses paths outside the renderer', async () => {
    const cookie = await pair();
    const response = await fetch(`${web.url}..%2f..%2fetc%2fpasswd`, { headers: { Cookie: cookie } });
    expect([403, 404]).toContain(response.status);
  });

  it('rate-limits failed pairing attempts, but never the right token or a paired cookie', async () => {
    const cookie = await pair();
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await fetch(`${web.url}?token=wrong-token-${i}`, { redirect: 'manual' })).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    // Behind a reverse proxy everyone shares this address: valid credentials still pass.
    expect((await fetch(`${web.url}?token=${TOKEN}`, { redirect: 'manual' })).status).toBe(303);
    expect((await fetch(`${web.url}health`, { headers: { Cookie: cookie } })).status).toBe(200);
  });
});

describe('web mode: the window.assistant contract over a WebSocket', () => {
  it('answers state, runs a typed conversation and streams the transcript with increasing seq', async () => {
    const api = await connectApi(await pair());
    const state = await api.invoke('state:get');
    expect(state.ok).toBe(true);
    expect(state.value).toMatchObject({ status: { state: { kind: 'idle' }, openai: 'disconnected' }, transcript: [], entities: [] });
    expect((await api.invoke('conversation:send-text', { text: 'Hello there' })).ok).toBe(true);
    const reply = await api.waitForEvent(
      (e) =>
        e.channel === 'transcript:changed' &&
        e.payload.items.some((i: any) => i.role === 'assistant' && i.final && i.text === 'You said: Hello there'),
    );
    expect(reply.payload.seq).toBeGreaterThan(state.value.seq);
    const seqs = api.events.filter((e) => e.payload?.seq !== undefined).map((e) => e.payload.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(api.events.some((e) => e.channel === 'status:changed' && e.payload.status.openai === 'connected')).toBe(true);
    api.ws.close();
  });

  it('returns invalid requests and settings as data, and keeps valid settings', async () => {
    const api = await connectApi(await pair());
    const bad = await api.invoke('conversation:send-text', { text: '' });
    expect(bad).toMatchObject({ ok: false, error: { category: 'invalid_request' } });
    const unknown = await api.invoke('system:reboot');
    expect(unknown).toMatchObject({ ok: false, error: { message: 'Unknown channel system:reboot.' } });
    const rejected = await api.invoke('settings:update', { openai: { voice: 'robot', speed: 9 } });
    expect(rejected.value.ok).toBe(false);
    expect(rejected.value.issues.map((i: any) => i.path).sort()).toEqual(['openai.speed', 'openai.voice']);
    const accepted = await api.invoke('settings:update', { conversation: { followUpSeconds: 12 } });
    expect(accepted.value).toMatchObject({ ok: true, settings: { settings: { conversation: { followUpSeconds: 12 } } } });
    const settings = await api.invoke('settings:get');
    expect(settings.value.settings.conversation.followUpSeconds).toBe(12);
    expect(JSON.stringify(settings.value)).not.toContain('test-key');
    api.ws.close();
  });

  it('keeps secrets in main: set, reported present, never returned', async () => {
    const api = await connectApi(await pair());
    const picovoice = await api.invoke('secrets:set', { kind: 'picovoice', value: 'not-a-real-access-key' });
    expect(picovoice.value).toMatchObject({ ok: true, secrets: { present: { picovoice: true } } });
    expect(JSON.stringify(picovoice)).not.toContain('not-a-real-access-key');
    const wrongOpenAI = await api.invoke('secrets:set', { kind: 'openai', value: 'sk-wrong-key' });
    expect(wrongOpenAI.value).toMatchObject({ ok: false, message: expect.stringMatching(/refused the API key/) });
    const status = await api.invoke('secrets:delete', { kind: 'picovoice' });
    expect(status.value.present.picovoice).toBe(false);
    api.ws.close();
  });
});

describe('web mode: secrets are bound to their server', () => {
  it('a Realtime URL pointing elsewhere uses neither the stored key nor the environment key; a stored token never goes to another Home Assistant', async () => {
    const api = await connectApi(await pair());
    const health = async () =>
      (await (await fetch(`${web.url}health`, { headers: { Cookie: await pair() } })).json()) as { openai: string };
    expect((await api.invoke('secrets:set', { kind: 'openai', value: 'test-key' })).value).toMatchObject({ ok: true });
    const original = realtime.url;
    const elsewhere = original.replace('127.0.0.1', 'localhost'); // the same server, another origin
    const moved = await api.invoke('settings:update', { openai: { realtimeUrl: elsewhere } });
    expect(moved.value).toMatchObject({ ok: true, settings: { secrets: { present: { openai: false } } } });
    const notice = await api.waitForEvent((e) => e.channel === 'app:error' && e.payload.code === 'secret_other_server');
    expect(notice.payload.message).toMatch(/your OpenAI key is only ever sent to 127\.0\.0\.1/);
    expect((await health()).openai).toBe('not-configured'); // the environment's key stays with the first server
    await api.invoke('settings:update', { openai: { realtimeUrl: original } });
    expect((await health()).openai).not.toBe('not-configured');

    // No Home Assistant address: a token has no server to be bound to, so it is not stored.
    const token = await api.invoke('secrets:set', { kind: 'home-assistant', value: 'stored-ha-token' });
    expect(token.value).toEqual({ ok: false, message: expect.stringMatching(/address first/) });
    const probe = await api.invoke('ha:test-connection', { url: 'http://127.0.0.1:9/' });
    expect(probe.value).toMatchObject({ ok: false, message: expect.stringMatching(/long-lived access token/) });
    api.ws.close();
  });
});

describe('web mode: the audio socket', () => {
  it('becomes the output only once its worklet answers a ping (a page whose sound is suspended plays nothing)', async () => {
    const cookie = await pair();
    const audio = new WebSocket(`${web.url.replace('http', 'ws')}api/audio`, { headers: { Cookie: cookie } });
    const received: Array<{ type: string }> = [];
    audio.on('message', (data, isBinary) => received.push(isBinary ? { type: 'chunk' } : JSON.parse(String(data))));
    await new Promise((resolve, reject) => (audio.once('open', resolve), audio.once('error', reject)));
    const receivedTypes = () => received.map((m) => m.type);
    await eventually(receivedTypes, (types) => types.includes('ping'), 8000, 20);
    const api = await connectApi(cookie);
    const replyTo = async (text: string) => {
      await api.invoke('conversation:send-text', { text });
      await api.waitForEvent(
        (e) =>
          e.channel === 'transcript:changed' &&
          e.payload.items.some((i: any) => i.role === 'assistant' && i.final && i.text === `You said: ${text}`),
      );
    };
    await replyTo('first, unheard');
    expect(received.filter((m) => m.type === 'chunk')).toEqual([]); // it went to the fallback output
    audio.send(JSON.stringify({ type: 'pong', id: 0, frame: 128, wallMs: Date.now() }));
    await new Promise((r) => setTimeout(r, 1500)); // the first reply finishes on the fallback before the switch
    await replyTo('second, heard');
    await eventually(receivedTypes, (types) => types.includes('chunk'), 8000, 20);
    audio.close();
    api.ws.close();
  });
});

describe('web mode: binding', () => {
  it('will not listen without a strong pairing token, on loopback too', async () => {
    for (const host of ['127.0.0.1', '0.0.0.0'])
      await expect(startWebServer({ app, staticDir: dir, host } as Parameters<typeof startWebServer>[0])).rejects.toThrow(
        'Web mode needs a pairing token on every address, loopback included.',
      );
    await expect(startWebServer({ app, staticDir: dir, token: 'short' })).rejects.toThrow(/too easy to guess \(about \d+ bits/);
    await expect(startWebServer({ app, staticDir: dir, token: 'pairing-token-for-tests-0123456789' })).rejects.toThrow(/common word/);
  });
});
