import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AssistantApp } from '../../main/app/assistant-app.js';
import { startQuietApp } from '../helpers/quiet-app.js';
import { mulberry32 } from '../../main/util/seeded-random.js';
import { createFakeRealtimeServer, type FakeRealtimeServer } from '../servers/fake-realtime-server.js';
import { startHomeAssistant, type HomeAssistantInstance } from '../servers/home-assistant-core.js';
import { startCredentialTrap, type CredentialTrap } from '../helpers/credential-trap.js';
import { eventually } from '../helpers/wait.js';

/**
 * Keys and tokens are bound to the server they were entered for, atomically: however settings
 * changes, conversation starts, key checks and connection tests interleave, no secret reaches
 * another server. The other server is a trap that records every bearer key and Home Assistant token
 * it is sent; the right servers are the fake Realtime service and a real Home Assistant.
 */

const ENV_KEY = 'sk-env-key-for-the-first-server';
const STORED_KEY = 'sk-stored-key-for-the-first-server';

let dir: string;
let realtime: FakeRealtimeServer;
let trap: CredentialTrap;
let ha: HomeAssistantInstance;
let app: AssistantApp | undefined;

beforeAll(async () => {
  realtime = await createFakeRealtimeServer({ apiKeys: [ENV_KEY, STORED_KEY] });
  trap = await startCredentialTrap();
  ha = await startHomeAssistant();
}, 300_000);

afterAll(async () => {
  await realtime?.close();
  await trap?.close();
  await ha?.stop();
}, 60_000);

afterEach(async () => {
  await app?.shutdown();
  app = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  trap.handshakes.length = 0;
  trap.haTokens.length = 0;
});

async function startApp(settings: Record<string, unknown>, env: Record<string, string> = { OPENAI_API_KEY: ENV_KEY }) {
  dir = await mkdtemp(join(tmpdir(), 'hearth-bound-'));
  await mkdir(join(dir, 'config'), { recursive: true });
  await writeFile(join(dir, 'config', 'settings.json'), JSON.stringify(settings));
  app = await startQuietApp(dir, { env });
  return app;
}

async function invoke(channel: string, ...args: unknown[]): Promise<any> {
  const result = await app!.invoke(channel, args);
  if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
  return result.value;
}

/** A server that takes the TCP connection, says nothing, and drops it after `ms`: a slow, failing key check. */
async function slowDroppingServer(ms: number): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((socket) => {
    socket.on('error', () => undefined);
    setTimeout(() => socket.destroy(), ms);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { url: `ws://127.0.0.1:${port}/v1/realtime`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('the OpenAI key never reaches another Realtime server', () => {
  it('200 interleaved URL changes and conversation starts: 0 keys at the other server, the right server keeps working', async () => {
    await startApp({ openai: { realtimeUrl: realtime.url } });
    expect(await invoke('secrets:set', { kind: 'openai', value: STORED_KEY })).toMatchObject({ ok: true });
    const random = mulberry32(8);
    const jitter = () => sleep(Math.floor(random() * 8)); // 0–7 ms, as reported
    const connectionsBefore = realtime.connections.length;
    for (let i = 0; i < 200; i++) {
      const target = i % 2 === 0 ? trap.realtimeUrl : realtime.url;
      // Not awaited: the start races the settings update, as two quick clicks would.
      const update = app!.invoke('settings:update', [{ openai: { realtimeUrl: target } }]);
      await jitter();
      const start = app!.invoke('conversation:start', [{ source: 'button' }]);
      await jitter();
      await Promise.all([update, start]);
      if (random() < 0.5) await invoke('conversation:stop');
    }
    await invoke('conversation:stop');
    await invoke('settings:update', { openai: { realtimeUrl: realtime.url } });
    await invoke('conversation:start', { source: 'button' });
    await eventually(
      () => realtime.connections.length,
      (n) => n > connectionsBefore,
      15_000,
    );
    await invoke('conversation:stop');
    await sleep(300); // anything still in flight lands before the check
    expect(trap.secretsReceived()).toEqual([]);
    expect(realtime.connections.length).toBeGreaterThan(connectionsBefore);
  }, 120_000);

  it('OPENAI_API_KEY alone: switching to another server and back never sends it there (only to the server Hearth started with)', async () => {
    await startApp({ openai: { realtimeUrl: realtime.url } });
    const random = mulberry32(30);
    for (let i = 0; i < 60; i++) {
      const update = app!.invoke('settings:update', [{ openai: { realtimeUrl: i % 2 === 0 ? trap.realtimeUrl : realtime.url } }]);
      await sleep(Math.floor(random() * 8));
      await Promise.all([update, app!.invoke('conversation:start', [{ source: 'button' }])]);
      await invoke('conversation:stop');
    }
    await sleep(300);
    expect(trap.secretsReceived()).toEqual([]);
    expect(app!.status().openai).not.toBe('not-configured'); // back on the first server, the key is usable there
  }, 60_000);

  it('a key checked against one server and saved after the address changed stays bound to the server it was checked against', async () => {
    const slow = await slowDroppingServer(400);
    try {
      await startApp({ openai: { realtimeUrl: slow.url } }, {});
      const saving = app!.invoke('secrets:set', [{ kind: 'openai', value: STORED_KEY }]);
      await sleep(50);
      await invoke('settings:update', { openai: { realtimeUrl: trap.realtimeUrl } });
      const saved = await saving;
      expect(saved).toMatchObject({ ok: true, value: { ok: true } });
      const secrets = (saved as { value: { secrets: { present: { openai: boolean }; hosts: { openai?: string } } } }).value.secrets;
      expect(secrets.present.openai).toBe(false);
      expect(secrets.hosts.openai).toBe(new URL(slow.url).host);
      await invoke('conversation:start', { source: 'button' });
      // The conversation cannot start: no key is bound to the server set now.
      await eventually(
        () => app!.status().lastError?.message ?? '',
        (message) => /No OpenAI API key/.test(message),
      );
      await invoke('conversation:stop');
      expect(trap.secretsReceived()).toEqual([]);
      expect(app!.status().openai).not.toBe('connected');
    } finally {
      await slow.close();
    }
  });

  it('the notice names the new server and the one the key is kept for', async () => {
    await startApp({ openai: { realtimeUrl: realtime.url } });
    const errors: Array<{ code?: string; message: string }> = [];
    app!.onEvent((channel, payload) => {
      if (channel === 'app:error') errors.push(payload as { code?: string; message: string });
    });
    await invoke('settings:update', { openai: { realtimeUrl: trap.realtimeUrl } });
    const notice = errors.find((e) => e.code === 'secret_other_server');
    const [newHost, oldHost] = [new URL(trap.realtimeUrl).host, new URL(realtime.url).host];
    expect(notice?.message).toBe(
      `The Realtime server is now ${newHost}: your OpenAI key is only ever sent to ${oldHost}. Enter an OpenAI key for ${newHost} in Settings.`,
    );
  });
});

describe('the Home Assistant token never reaches another server', () => {
  it('a token saved while no Home Assistant address is set is refused, so it cannot go to the first address anyone sets', async () => {
    await startApp({ openai: { realtimeUrl: realtime.url } });
    const saved = await invoke('secrets:set', { kind: 'home-assistant', value: ha.token });
    expect(saved).toEqual({ ok: false, message: expect.stringMatching(/address first/) });
    await invoke('settings:update', { homeAssistant: { url: trap.httpUrl } });
    await sleep(500);
    expect(trap.secretsReceived()).toEqual([]);
  });

  it('a token saved with the address typed next to it is bound to that address, whatever is set afterwards', async () => {
    await startApp({ openai: { realtimeUrl: realtime.url } });
    const saved = await invoke('secrets:set', { kind: 'home-assistant', value: ha.token, url: ha.url });
    expect(saved).toMatchObject({
      ok: true,
      secrets: { present: { 'home-assistant': false }, hosts: { 'home-assistant': new URL(ha.url).host } },
    });
    await invoke('settings:update', { homeAssistant: { url: trap.httpUrl } });
    await sleep(500);
    expect(trap.secretsReceived()).toEqual([]);
    await invoke('settings:update', { homeAssistant: { url: ha.url } });
    await eventually(
      () => app!.status().homeAssistant,
      (health) => health === 'connected',
      20_000,
    );
  }, 60_000);

  it('200 interleaved address changes and connection tests: 0 tokens at the other server', async () => {
    await startApp({ openai: { realtimeUrl: realtime.url }, homeAssistant: { url: ha.url } });
    expect(await invoke('secrets:set', { kind: 'home-assistant', value: ha.token })).toMatchObject({ ok: true });
    const random = mulberry32(11);
    for (let i = 0; i < 200; i++) {
      const target = i % 2 === 0 ? trap.httpUrl : ha.url;
      const update = app!.invoke('settings:update', [{ homeAssistant: { url: target } }]);
      await sleep(Math.floor(random() * 8));
      // "Test connection" without typing a token: the stored one only for its own server.
      const test = app!.invoke('ha:test-connection', [{ url: trap.httpUrl }]);
      await Promise.all([update, test]);
    }
    await invoke('settings:update', { homeAssistant: { url: ha.url } });
    await eventually(
      () => app!.status().homeAssistant,
      (health) => health === 'connected',
      20_000,
    );
    await sleep(300);
    expect(trap.secretsReceived()).toEqual([]);
  }, 120_000);
});
