/**
 * Web mode under hostile clients, with real sockets against the real server (and the real engine
 * behind it): unpaired, slow, many and malformed clients. Limits and deadlines are configured small so
 * that they act quickly; timing checks are only "closed before the deadline plus a generous margin",
 * never "closed at".
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AssistantApp } from '../../main/app/assistant-app.js';
import { startQuietApp } from '../helpers/quiet-app.js';
import { DeviceSessions } from '../../main/web/device-sessions.js';
import { generatePairingToken } from '../../main/web/token-file.js';
import { startWebServer, type WebServer, type WebServerOptions } from '../../main/web/web-server.js';
import { closedWithin, httpRequest, openRaw, sessionCookieOf, type RawConnection } from '../helpers/raw-client.js';
import { eventually } from '../helpers/wait.js';

/** Small limits, so each defence acts within a second or two. */
const LIMITS = {
  unauthenticatedMs: 400,
  headersTimeoutMs: 1_000,
  requestTimeoutMs: 2_000,
  keepAliveTimeoutMs: 500,
  pingIntervalMs: 1_000,
  maxConnections: 48,
  maxUnauthenticated: 40,
  perAddress: 8,
  failures: { perAddress: 3, global: 6, windowMs: 60_000 },
};
/** Added to every deadline: the machine may be loaded, and these checks must not flake. */
const MARGIN_MS = 5_000;

let dir: string;
let app: AssistantApp;
let token: string;
const servers: WebServer[] = [];
const raws: RawConnection[] = [];

async function serve(options: Partial<WebServerOptions> = {}): Promise<WebServer> {
  const web = await startWebServer({ app, staticDir: join(dir, 'renderer'), token, limits: LIMITS, ...options });
  servers.push(web);
  return web;
}

async function raw(web: WebServer, localAddress?: string): Promise<RawConnection> {
  const connection = await openRaw(web.port, localAddress);
  raws.push(connection);
  return connection;
}

async function pair(web: WebServer, localAddress = '127.0.0.1'): Promise<string> {
  const reply = await httpRequest(web.port, `/?token=${token}`, { localAddress, headers: { Host: `127.0.0.1:${web.port}` } });
  expect(reply.status).toBe(303);
  return sessionCookieOf(reply);
}

const get = (web: WebServer, path: string, options: { cookie?: string; localAddress?: string; headers?: Record<string, string> } = {}) =>
  httpRequest(web.port, path, {
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    headers: { Host: `127.0.0.1:${web.port}`, ...(options.cookie ? { Cookie: options.cookie } : {}), ...options.headers },
  });

function openSocket(web: WebServer, path: string, cookie: string, options: { autoPong?: boolean } = {}): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${web.port}${path}`, { headers: { Cookie: cookie }, autoPong: options.autoPong ?? true });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

const wsClosedWithin = (ws: WebSocket, withinMs: number) =>
  ws.readyState === ws.CLOSED
    ? Promise.resolve()
    : new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`socket still open after ${withinMs} ms`)), withinMs);
        ws.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-web-security-'));
  await mkdir(join(dir, 'config'), { recursive: true });
  await mkdir(join(dir, 'renderer', 'inside'), { recursive: true });
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>Hearth</title>');
  await writeFile(join(dir, 'renderer', 'inside', 'app.js'), 'console.log(1)');
  await writeFile(join(dir, 'outside-secret.txt'), 'the secret outside the renderer');
  await symlink(join(dir, 'outside-secret.txt'), join(dir, 'renderer', 'leak.txt'));
  await symlink(join(dir, 'renderer', 'inside'), join(dir, 'renderer', 'linked'));
  app = await startQuietApp(dir);
});

afterEach(async () => {
  token = generatePairingToken();
  for (const connection of raws.splice(0)) connection.socket.destroy();
  for (const web of servers.splice(0)) await web.close();
});

afterAll(async () => {
  await app?.shutdown();
  if (dir) await rm(dir, { recursive: true, force: true });
});

token = generatePairingToken();

describe('web mode security: unpaired and slow clients', () => {
  it('closes idle connections that never authenticate by the deadline', async () => {
    const web = await serve();
    const idle = await Promise.all(Array.from({ length: 6 }, () => raw(web, '127.0.0.2')));
    for (const connection of idle) await closedWithin(connection, LIMITS.unauthenticatedMs + MARGIN_MS);
    expect(web.stats().connections.closedUnauthenticated).toBe(6);
  });

  it('closes a client dribbling its headers a byte at a time (slowloris)', async () => {
    const web = await serve();
    const slow = await raw(web, '127.0.0.2');
    slow.socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${web.port}\r\n`);
    const dribble = setInterval(() => !slow.isClosed() && slow.socket.write('X'), 50);
    try {
      await closedWithin(slow, LIMITS.headersTimeoutMs + MARGIN_MS);
    } finally {
      clearInterval(dribble);
    }
  });

  it('closes upgrades that never complete, and refused upgrades the client keeps open', async () => {
    const web = await serve();
    const partial = await raw(web, '127.0.0.2');
    partial.socket.write(`GET /api/ws HTTP/1.1\r\nHost: 127.0.0.1:${web.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`);
    const refused = await raw(web, '127.0.0.2');
    refused.socket.allowHalfOpen = true;
    refused.socket.write(
      `GET /api/ws HTTP/1.1\r\nHost: 127.0.0.1:${web.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    await closedWithin(partial, LIMITS.unauthenticatedMs + MARGIN_MS);
    await eventually(refused.received, (text) => text.length > 0, MARGIN_MS, 20);
    expect(refused.received()).toMatch(/^HTTP\/1\.1 401 Unauthorized/);
    // The client never closes its half: the server lets go of the connection by the deadline anyway.
    await eventually(
      () => web.stats().connections.open,
      (open) => open === 0,
      LIMITS.unauthenticatedMs + MARGIN_MS,
      20,
    );
    expect(web.stats().connections.closedUnauthenticated).toBe(2);
  });

  it('keeps paired connections past the deadline: kept-alive HTTP until its idle timeout, WebSockets while they answer pings', async () => {
    const web = await serve();
    const cookie = await pair(web);
    const ws = await openSocket(web, '/api/ws', cookie);
    const keptAlive = await raw(web);
    keptAlive.socket.write(`GET /health HTTP/1.1\r\nHost: 127.0.0.1:${web.port}\r\nCookie: ${cookie}\r\n\r\n`);
    await eventually(keptAlive.received, (text) => text.includes('"state"'), MARGIN_MS, 20);
    await sleep(3 * LIMITS.unauthenticatedMs + 2 * LIMITS.pingIntervalMs);
    expect(ws.readyState).toBe(ws.OPEN);
    // The idle kept-alive connection ends by its own timeout, not the unauthenticated deadline.
    await closedWithin(keptAlive, LIMITS.keepAliveTimeoutMs + MARGIN_MS);
    expect(web.stats().connections.closedUnauthenticated).toBe(0);
    ws.close();
  });

  it('terminates a WebSocket whose peer stops answering pings', async () => {
    const web = await serve();
    const ws = await openSocket(web, '/api/ws', await pair(web), { autoPong: false });
    await wsClosedWithin(ws, 2 * LIMITS.pingIntervalMs + MARGIN_MS);
    expect(web.stats().webSockets.terminated).toBeGreaterThanOrEqual(1);
  });
});

describe('web mode security: many clients', () => {
  it('caps connections per address, and a client from another address is served meanwhile', async () => {
    const web = await serve({ limits: { ...LIMITS, unauthenticatedMs: 30_000 } });
    const cookie = await pair(web);
    const flood = await Promise.all(Array.from({ length: LIMITS.perAddress + 5 }, () => raw(web, '127.0.0.3')));
    await eventually(
      () => flood.filter((c) => c.isClosed()).length,
      (closed) => closed === 5,
      MARGIN_MS,
      20,
    );
    expect(web.stats().connections.refusedPerAddress).toBe(5);
    expect((await get(web, '/health', { cookie })).status).toBe(200);
  });

  it('caps connections for everyone together, and frees them at the deadline', async () => {
    // A longer deadline here: none of the flood may be freed before all of it has connected. And no
    // eviction (its cap above the global one), to see server.maxConnections itself act.
    const deadlineMs = 3_000;
    const web = await serve({ limits: { ...LIMITS, unauthenticatedMs: deadlineMs, maxUnauthenticated: 1_000 } });
    const cookie = await pair(web);
    const addresses = Array.from({ length: 7 }, (_, i) => `127.0.1.${i + 1}`);
    const flood = (
      await Promise.all(addresses.map((a) => Promise.all(Array.from({ length: LIMITS.perAddress }, () => raw(web, a)))))
    ).flat();
    await eventually(
      () => web.stats().connections.refusedAtCapacity,
      (refused) => refused >= 7 * LIMITS.perAddress - LIMITS.maxConnections,
      MARGIN_MS,
      20,
    );
    for (const connection of flood) await closedWithin(connection, deadlineMs + MARGIN_MS);
    expect((await get(web, '/health', { cookie })).status).toBe(200);
  });

  it('at the cap for unauthenticated connections a new one closes the oldest: a browser gets in during a flood from many addresses', async () => {
    const web = await serve({ limits: { ...LIMITS, maxUnauthenticated: 10, unauthenticatedMs: 30_000 } });
    const cookie = await pair(web);
    const flood: RawConnection[] = [];
    for (let i = 0; i < 20; i++) flood.push(await raw(web, `127.0.2.${i + 1}`)); // one by one: their age is known
    await eventually(
      () => flood.filter((c) => c.isClosed()).length,
      (closed) => closed === 10,
      MARGIN_MS,
      20,
    );
    expect(flood.map((c) => c.isClosed())).toEqual([...Array(10).fill(true), ...Array(10).fill(false)]);
    // A new connection (the paired client's) closes the oldest idle one and is served.
    expect((await get(web, '/health', { cookie })).status).toBe(200);
    await eventually(() => flood[10]!.isClosed(), Boolean, MARGIN_MS, 20);
    expect(web.stats().connections).toMatchObject({ evictedUnauthenticated: 11, refusedAtCapacity: 0 });
  });

  it('limits wrong tokens per address and for everyone, yet never refuses the right token or a paired cookie', async () => {
    const web = await serve();
    const cookie = await pair(web, '127.0.0.4');
    const wrong = async (address: string) => (await get(web, '/?token=wrong-guess', { localAddress: address })).status;
    expect([await wrong('127.0.0.4'), await wrong('127.0.0.4'), await wrong('127.0.0.4')]).toEqual([401, 401, 401]);
    const limited = await get(web, '/?token=wrong-guess', { localAddress: '127.0.0.4' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await get(web, `/?token=${token}`, { localAddress: '127.0.0.4' })).status).toBe(303);
    expect((await get(web, '/health', { localAddress: '127.0.0.4', cookie })).status).toBe(200);
    // Three more from elsewhere spend the global budget of six: a new address is limited at once.
    expect([await wrong('127.0.0.5'), await wrong('127.0.0.6'), await wrong('127.0.0.7')]).toEqual([401, 401, 401]);
    expect(await wrong('127.0.0.8')).toBe(429);
    expect((await get(web, `/?token=${token}`, { localAddress: '127.0.0.8' })).status).toBe(303);
    expect(web.stats().pairing).toMatchObject({ wrongAttempts: 6, limitedAttempts: 2 });
  });
});

describe('web mode security: malformed clients', () => {
  it('answers garbage, oversized headers and impossible targets with one status and a closed connection, and stays up', async () => {
    const web = await serve();
    const cases: Array<[string, RegExp]> = [
      ['\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not http at all\r\n\r\n', /^HTTP\/1\.1 400/],
      [`GET / HTTP/1.1\r\nHost: 127.0.0.1:${web.port}\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, /^HTTP\/1\.1 431/],
      [`GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:${web.port}\r\n\r\n`, /^HTTP\/1\.1 (400|401)/],
      [`GET / HTTP/1.1\r\nHost: 127.0.0.1:${web.port}\r\nContent-Length: -5\r\n\r\n`, /^HTTP\/1\.1 400/],
    ];
    for (const [request, status] of cases) {
      const connection = await raw(web, '127.0.0.9');
      connection.socket.write(request, 'latin1');
      await closedWithin(connection, LIMITS.unauthenticatedMs + MARGIN_MS);
      expect(connection.received()).toMatch(status);
    }
    const cookie = await pair(web);
    expect((await get(web, '/health', { cookie })).status).toBe(200);
  });

  it('a paired socket sending nonsense (null, non-JSON, binary, unknown types) does not take the server down', async () => {
    const web = await serve();
    const ws = await openSocket(web, '/api/ws', await pair(web));
    for (const frame of ['null', '42', '"text"', '{"type":"invoke","id":1,"channel":{}}', '{', '[]']) ws.send(frame);
    ws.send(Buffer.from([0, 1, 2]));
    const answer = new Promise<{ id: number; result: { ok: boolean } }>((resolve) =>
      ws.on('message', (data) => {
        const message = JSON.parse(String(data));
        if (message.type === 'result' && message.id === 2) resolve(message);
      }),
    );
    ws.send(JSON.stringify({ type: 'invoke', id: 2, channel: 'state:get', args: [] }));
    expect((await answer).result.ok).toBe(true);
    ws.close();
  });
});

describe('web mode security: pairing', () => {
  it('never redirects to another host after pairing', async () => {
    const web = await serve();
    for (const target of ['/.//evil.example/', '/.///evil.example/', '/./\\evil.example/']) {
      const reply = await get(web, `${target}?token=${token}`);
      expect(reply.status).toBe(303);
      const location = String(reply.headers.location);
      expect(location).toMatch(/^\/(?![/\\])/);
      expect(new URL(location, `http://127.0.0.1:${web.port}`).host).toBe(`127.0.0.1:${web.port}`);
    }
  });

  it('does not follow symbolic links out of the renderer folder (links inside it are fine)', async () => {
    const web = await serve();
    const cookie = await pair(web);
    const leak = await get(web, '/leak.txt', { cookie });
    expect([403, 404]).toContain(leak.status);
    expect(leak.body).not.toContain('secret');
    expect((await get(web, '/linked/app.js', { cookie })).status).toBe(200);
  });

  it('behind an https proxy: Secure cookies, and the wrong-token limit per forwarded client address', async () => {
    const web = await serve({ behindHttpsProxy: true });
    const reply = await get(web, `/?token=${token}`, { headers: { Host: 'hearth.example.org' } });
    expect(reply.headers['set-cookie']).toEqual(
      expect.arrayContaining([expect.stringMatching(/^hearth_session=.*; HttpOnly; SameSite=Strict; Path=\/; Secure/)]),
    );
    const wrong = async (client: string) => (await get(web, '/?token=wrong', { headers: { 'X-Forwarded-For': client } })).status;
    expect([await wrong('203.0.113.1'), await wrong('203.0.113.1'), await wrong('203.0.113.1'), await wrong('203.0.113.1')]).toEqual([
      401, 401, 401, 429,
    ]);
    expect(await wrong('203.0.113.2')).toBe(401);
    const plain = await serve();
    expect((await get(plain, `/?token=${token}`)).headers['set-cookie']).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/Secure/)]),
    );
  });

  it('unpairing a device closes its open sockets and refuses its cookie (and tells the browser to drop it); others stay', async () => {
    const devices = DeviceSessions.inMemory();
    const web = await serve({ devices });
    const kept = await pair(web);
    const revoked = await pair(web);
    const keptSocket = await openSocket(web, '/api/ws', kept);
    const revokedSocket = await openSocket(web, '/api/audio', revoked);
    const [, second] = devices.list();
    expect(devices.revoke(second!.id)).toBe(true);
    await wsClosedWithin(revokedSocket, LIMITS.pingIntervalMs + MARGIN_MS);
    const refused = await get(web, '/health', { cookie: revoked });
    expect(refused.status).toBe(401);
    expect(refused.headers['set-cookie']).toEqual([expect.stringMatching(/^hearth_session=; .*Max-Age=0$/)]);
    await expect(openSocket(web, '/api/ws', revoked)).rejects.toThrow(/401/);
    expect(keptSocket.readyState).toBe(keptSocket.OPEN);
    expect((await get(web, '/health', { cookie: kept })).status).toBe(200);
    keptSocket.close();
  });

  it('pairings survive a restart; a new token unpairs every device, at once for a running server', async () => {
    const file = join(dir, 'config', 'web-devices.json');
    let current = token;
    const first = await serve({ devices: DeviceSessions.open(file), token: () => current });
    const cookie = await pair(first);
    await first.close();
    const second = await serve({ devices: DeviceSessions.open(file), token: () => current });
    expect((await get(second, '/health', { cookie })).status).toBe(200);
    const ws = await openSocket(second, '/api/ws', cookie);
    const old = current;
    current = generatePairingToken(); // as --rotate-token does to the token file
    expect((await get(second, '/health', { cookie })).status).toBe(401);
    expect((await get(second, `/?token=${old}`)).status).toBe(401);
    await wsClosedWithin(ws, LIMITS.pingIntervalMs + MARGIN_MS);
    expect((await get(second, `/?token=${current}`)).status).toBe(303);
  });

  it('sockets need a session cookie: the token in a socket address pairs nothing', async () => {
    const web = await serve();
    const ws = new WebSocket(`ws://127.0.0.1:${web.port}/api/ws?token=${token}`);
    const status = await new Promise<number>((resolve) => ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(401);
  });
});
