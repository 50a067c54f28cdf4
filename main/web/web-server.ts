import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { ConfigError } from '../util/errors.js';
import { createLogger } from '../util/logger.js';
import { webSocketPlayerPort } from '../audio/renderer-player.js';
import type { AssistantApp } from '../app/assistant-app.js';
import { PairingGuard } from './pairing-guard.js';
import { serveStatic } from './static-files.js';

const log = createLogger('web');

export type WebServerOptions = {
  app: AssistantApp;
  /** Default 127.0.0.1. Anything else requires a pairing token. */
  host?: string;
  port?: number;
  /** Required when not bound to loopback; optional on loopback. */
  token?: string;
  /** The built renderer (out/renderer). */
  staticDir: string;
};

export type WebServer = { url: string; port: number; close(): Promise<void> };

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * Web mode: the same renderer served over HTTP, with `window.assistant` implemented over a
 * WebSocket (/api/ws) and the assistant's audio on a second one (/api/audio). Bound to 127.0.0.1 by
 * default; on any other address every request needs the pairing token, and failed attempts are
 * rate-limited. WebSocket upgrades must come from our own origin (no cross-site socket hijacking),
 * and the Host header must name this server (no DNS rebinding).
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? '127.0.0.1';
  const loopback = LOOPBACK.has(host);
  if (!loopback && !options.token) {
    throw new ConfigError(`Web mode on ${host} listens on the network: set a pairing token (--token, at least 16 characters).`);
  }
  if (options.token !== undefined && options.token.length < 16)
    throw new ConfigError('The pairing token must be at least 16 characters long.');
  const guard = new PairingGuard({ ...(options.token ? { token: options.token } : {}) });
  const { app } = options;
  let port = 0;

  const allowedHost = (value: string | undefined): boolean => {
    if (!loopback) return true; // the token protects a network bind
    const name = value?.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
    return name !== undefined && LOOPBACK.has(name) && value!.endsWith(`:${port}`);
  };

  const server: Server = createServer((req, res) => {
    void handleHttp(req, res).catch((error: unknown) => {
      log.warn({ err: error }, 'web request failed');
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!allowedHost(req.headers.host)) return void res.writeHead(421, { 'Content-Type': 'text/plain' }).end('Misdirected request');
    const url = new URL(req.url ?? '/', 'http://localhost');
    const access = guard.check(req, url);
    if (access.kind === 'limited')
      return void res
        .writeHead(429, { 'Retry-After': String(access.retryAfterS), 'Content-Type': 'text/plain' })
        .end('Too many failed pairing attempts; try again later.');
    if (access.kind === 'denied')
      return void res
        .writeHead(401, { 'Content-Type': 'text/plain' })
        .end('Pairing token required: open the address Hearth shows, with ?token=…');
    if (access.kind === 'paired') {
      // Remember the pairing in a cookie and drop the token from the address bar.
      url.searchParams.delete('token');
      res.writeHead(303, { 'Set-Cookie': guard.cookie(), Location: `${url.pathname}${url.search}` }).end();
      return;
    }
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
    const refuse = (status: number, text: string) => socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\n\r\n`);
    try {
      handleUpgrade(req, socket, head, refuse);
    } catch (error) {
      // A malformed request must never take the process down.
      log.warn({ err: error }, 'refused a malformed upgrade');
      refuse(400, 'Bad Request');
    }
  });

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, refuse: (status: number, text: string) => void): void {
    if (!allowedHost(req.headers.host)) return refuse(421, 'Misdirected Request');
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${req.headers.host}` && origin !== `https://${req.headers.host}`)
      return refuse(403, 'Forbidden');
    const url = new URL(req.url ?? '/', 'http://localhost');
    const access = guard.check(req, url);
    if (access.kind === 'limited') return refuse(429, 'Too Many Requests');
    if (access.kind === 'denied') return refuse(401, 'Unauthorized');
    if (url.pathname === '/api/ws') api.handleUpgrade(req, socket, head, (ws) => serveApi(ws));
    else if (url.pathname === '/api/audio') audio.handleUpgrade(req, socket, head, (ws) => serveAudio(ws));
    else refuse(404, 'Not Found');
  }

  function serveApi(ws: WebSocket): void {
    const off = app.onEvent((channel, payload) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'event', channel, payload }));
    });
    ws.on('close', off);
    ws.on('error', () => undefined);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let message: { type?: unknown; id?: unknown; channel?: unknown; args?: unknown };
      try {
        message = JSON.parse(String(data)) as typeof message;
      } catch {
        return;
      }
      if (message.type !== 'invoke' || typeof message.id !== 'number') return; // sends carry nothing main needs here
      const id = message.id;
      const args = Array.isArray(message.args) ? message.args : [];
      void app.invoke(message.channel, args).then((result) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'result', id, result }));
      });
    });
  }

  /**
   * A page's audio socket becomes the output only once its worklet answers a ping from inside
   * process(): proof that its AudioContext runs. A tab whose sound is still suspended (autoplay) can
   * neither take the voice from the kitchen tablet nor leave the assistant waiting on silence.
   */
  function serveAudio(ws: WebSocket): void {
    const port = webSocketPlayerPort(ws);
    let detach: (() => void) | undefined;
    const ping = () => port.postMessage({ type: 'ping', id: 0 });
    const probe = setInterval(ping, 1000);
    const offPong = port.onMessage((message) => {
      if (message.type !== 'pong' || detach) return;
      clearInterval(probe);
      offPong();
      detach = app.attachAudioPort(port);
    });
    ping();
    ws.on('close', () => {
      clearInterval(probe);
      offPong();
      detach?.();
    });
    ws.on('error', () => undefined);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}/`;
  log.info({ url: url, paired: Boolean(options.token) }, 'web mode listening');
  return {
    url,
    port,
    close: async () => {
      for (const client of [...api.clients, ...audio.clients]) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections?.();
    },
  };
}
