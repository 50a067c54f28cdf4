import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { ConfigError } from '../util/errors.js';
import { createLogger } from '../util/logger.js';
import type { AssistantApp } from '../app/assistant-app.js';
import { clientAddress } from './client-address.js';
import { ConnectionGuard, type ConnectionStats } from './connection-guard.js';
import { DeviceSessions } from './device-sessions.js';
import { FailureLimiter } from './failure-limiter.js';
import { localAddressWithoutToken } from './local-redirect.js';
import { PairingGuard } from './pairing-guard.js';
import { SocketLiveness } from './socket-liveness.js';
import { serveStatic } from './static-files.js';
import { assertStrongToken } from './token-file.js';
import { webLimits } from './web-limits.js';
import { serveApi, serveAudio } from './web-sockets.js';

const log = createLogger('web');

export type WebServerOptions = {
  app: AssistantApp;
  /** Default 127.0.0.1. */
  host?: string;
  port?: number;
  /**
   * The pairing token, required on every address, loopback included (any local process could
   * otherwise drive the app). A function is asked again on every check: a token file rotated while
   * web mode runs takes effect at once.
   */
  token: string | (() => string);
  /** The paired devices (a file, so pairings survive a restart); in memory when absent. */
  devices?: DeviceSessions;
  /**
   * Hearth is served over https by a reverse proxy in front of it: cookies get `Secure`, the client
   * address for the wrong-attempt limit is the last X-Forwarded-For entry (the proxy's own), and the
   * Host header (the proxy's business) is not checked. Off by default: X-Forwarded-* is then ignored.
   */
  behindHttpsProxy?: boolean;
  limits?: Parameters<typeof webLimits>[0];
  /** The built renderer (out/renderer). */
  staticDir: string;
};

export type WebServerStats = {
  connections: ConnectionStats;
  pairing: PairingGuard['stats'];
  webSockets: { open: number; terminated: number };
};

export type WebServer = { url: string; port: number; stats(): WebServerStats; close(): Promise<void> };

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * Web mode: the same renderer served over HTTP, with `window.assistant` implemented over a
 * WebSocket (/api/ws) and the assistant's audio on a second one (/api/audio). Every request needs a
 * paired device's session cookie, which the pairing token (once, in the address) gives a browser.
 * WebSocket upgrades must come from our own origin (no cross-site socket hijacking), and on loopback
 * the Host header must name this server (no DNS rebinding). Connections are capped (for everyone and
 * per address) and held to a short deadline until they authenticate; WebSockets are pinged.
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? '127.0.0.1';
  const checkHost = LOOPBACK.has(host) && !options.behindHttpsProxy;
  const tokenOption = options.token as WebServerOptions['token'] | undefined;
  if (tokenOption === undefined || tokenOption === '')
    throw new ConfigError('Web mode needs a pairing token on every address, loopback included.', { code: 'no_token' });
  const token = typeof tokenOption === 'string' ? () => tokenOption : tokenOption;
  assertStrongToken(token(), 'for web mode');
  const limits = webLimits(options.limits);
  const trustProxy = options.behindHttpsProxy === true;
  const guard = new PairingGuard({
    token,
    devices: options.devices ?? DeviceSessions.inMemory(),
    limiter: new FailureLimiter(limits.failures),
    secure: trustProxy,
    clientAddress: (req) => clientAddress(req, trustProxy),
  });
  const connections = new ConnectionGuard(limits);
  const liveness = new SocketLiveness(limits.pingIntervalMs);
  const { app } = options;
  let port = 0;

  const allowedHost = (value: string | undefined): boolean => {
    if (!checkHost) return true; // the pairing protects a network bind; the proxy decides the Host it forwards
    const name = value?.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
    return name !== undefined && LOOPBACK.has(name) && value!.endsWith(`:${port}`);
  };

  const server: Server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // Node checks the two timeouts above only this often (30 s by default).
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
    },
    (req, res) => {
      void handleHttp(req, res).catch((error: unknown) => {
        log.warn({ err: error }, 'web request failed');
        if (!res.headersSent) res.writeHead(500, { Connection: 'close' }).end();
      });
    },
  );
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;
  connections.attach(server);

  /** Refusals close the connection: an unauthenticated client gets nothing to keep alive. */
  const refuse = (res: ServerResponse, status: number, text: string, headers: OutgoingHttpHeaders = {}) =>
    void res.writeHead(status, { 'Content-Type': 'text/plain', Connection: 'close', ...headers }).end(text);

  const redirect = (res: ServerResponse, location: string, cookies: string[] = []) =>
    void res
      .writeHead(303, { Location: location, 'Cache-Control': 'no-store', ...(cookies.length ? { 'Set-Cookie': cookies } : {}) })
      .end();

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!allowedHost(req.headers.host)) return refuse(res, 421, 'Misdirected request');
    const url = parseUrl(req.url);
    if (!url) return refuse(res, 400, 'Bad request');
    const access = guard.check(req, url);
    if (access.kind === 'limited')
      return refuse(res, 429, 'Too many wrong pairing tokens; try again later.', { 'Retry-After': String(access.retryAfterS) });
    if (access.kind === 'denied')
      return refuse(
        res,
        401,
        'Pairing token required: open the address Hearth shows, with ?token=…',
        access.staleCookie ? { 'Set-Cookie': guard.clearCookie() } : {},
      );
    connections.authenticated(req.socket);
    // Pair (a session cookie for this device), or just take the token out of the address bar.
    if (access.kind === 'pair') return redirect(res, localAddressWithoutToken(url), guard.pair(req));
    if (access.dropToken) return redirect(res, localAddressWithoutToken(url));
    if (url.pathname === '/health') {
      const status = app.status();
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(
        JSON.stringify({
          state: status.state.kind,
          ...(status.state.kind === 'conversing' ? { phase: status.state.phase } : {}),
          openai: status.openai,
          homeAssistant: status.homeAssistant,
          muted: status.muted,
          lastError: status.lastError,
        }),
      );
      return;
    }
    await serveStatic(options.staticDir, url.pathname, res);
  }

  const api = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const audio = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    const refuseUpgrade = (status: number, text: string) =>
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    try {
      handleUpgrade(req, socket, head, refuseUpgrade);
    } catch (error) {
      // A malformed request must never take the process down.
      log.warn({ err: error }, 'refused a malformed upgrade');
      refuseUpgrade(400, 'Bad Request');
    }
  });

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, refuseUpgrade: (status: number, text: string) => void): void {
    if (!allowedHost(req.headers.host)) return refuseUpgrade(421, 'Misdirected Request');
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${req.headers.host}` && origin !== `https://${req.headers.host}`)
      return refuseUpgrade(403, 'Forbidden');
    const url = parseUrl(req.url);
    if (!url) return refuseUpgrade(400, 'Bad Request');
    const access = guard.check(req, url);
    if (access.kind === 'limited') return refuseUpgrade(429, 'Too Many Requests');
    // Sockets need a paired device's cookie: a token in a socket's address would pair nothing.
    if (access.kind !== 'ok') return refuseUpgrade(401, 'Unauthorized');
    const serve = url.pathname === '/api/ws' ? serveApi : url.pathname === '/api/audio' ? serveAudio : null;
    if (!serve) return refuseUpgrade(404, 'Not Found');
    connections.authenticated(socket as Socket);
    const { deviceId } = access;
    const wss = serve === serveApi ? api : audio;
    wss.handleUpgrade(req, socket, head, (ws) => {
      liveness.watch(ws, () => guard.isPaired(deviceId));
      serve(ws, app, { deviceId });
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}/`;
  log.info({ url, behindHttpsProxy: trustProxy }, 'web mode listening');
  return {
    url,
    port,
    stats: () => ({
      connections: connections.stats(),
      pairing: { ...guard.stats },
      webSockets: { open: api.clients.size + audio.clients.size, terminated: liveness.terminated },
    }),
    close: async () => {
      liveness.stop();
      for (const client of [...api.clients, ...audio.clients]) client.terminate();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      connections.destroyAll();
      await closed;
    },
  };
}

/** The request target as a URL on this server, or null when it cannot be one. */
function parseUrl(target: string | undefined): URL | null {
  try {
    return new URL(target ?? '/', 'http://localhost');
  } catch {
    return null;
  }
}
