import WebSocket from 'ws';
import {
  ERR_CANNOT_CONNECT,
  ERR_INVALID_AUTH,
  ERR_HASS_HOST_REQUIRED,
  type ConnectionOptions,
  type HaWebSocket,
} from 'home-assistant-js-websocket';
import { createLogger } from '../util/logger.js';
import { errorMessage } from '../util/errors.js';

const log = createLogger('home-assistant');

/** Why the last connection attempt failed, kept so the first failure can be told in one clear sentence. */
export type SocketFailure =
  | { kind: 'auth_invalid'; message: string }
  | { kind: 'network'; code: string; message: string }
  | { kind: 'http_status'; status: number }
  | { kind: 'not_home_assistant'; message: string }
  | { kind: 'timeout' }
  | { kind: 'closed'; code: number };

export type HaSocketOptions = {
  /** Accept a self-signed certificate for this socket only (never process-wide). */
  allowSelfSignedCertificate: boolean;
  /** Opening handshake + auth must finish within this (ws has no default). */
  handshakeTimeoutMs: number;
  onFailure: (failure: SocketFailure) => void;
  /** A frame that is not JSON, or a listener that threw on it: dropped, reported here. */
  onMalformed: (detail: string) => void;
  /**
   * Sees every message before the library: return it (possibly changed) or null to drop it. The
   * library console.warns on events for unknown subscriptions, unknown pongs and diffs for unknown
   * entities; such messages are dropped here instead.
   */
  filter?: (message: Record<string, unknown>) => Record<string, unknown> | null;
};

type Listener = (event: { data: string }) => void;

/**
 * The part of the browser WebSocket that home-assistant-js-websocket's Connection uses, on a `ws`
 * socket. It also shields the library from malformed frames: its message handler parses every
 * frame with JSON.parse and would throw inside the socket's event loop.
 */
class WsHaSocket {
  readonly OPEN = WebSocket.OPEN;
  haVersion = '';
  readonly #ws: WebSocket;
  readonly #listeners = { message: new Set<Listener>(), close: new Set<() => void>() };
  readonly #onMalformed: (detail: string) => void;

  constructor(ws: WebSocket, options: Pick<HaSocketOptions, 'onMalformed' | 'filter'>) {
    this.#ws = ws;
    this.#onMalformed = options.onMalformed;
    const filter = options.filter;
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let text = rawToString(data);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        this.#onMalformed(`a frame that is not JSON (${text.length} characters)`);
        return;
      }
      // One message or a coalesced array of them; anything but objects is dropped.
      const batch = Array.isArray(parsed) ? parsed : [parsed];
      const kept: Record<string, unknown>[] = [];
      let changed = false;
      for (const item of batch) {
        if (typeof item !== 'object' || item === null || Array.isArray(item)) {
          changed = true;
          continue;
        }
        const next = filter ? filter(item as Record<string, unknown>) : (item as Record<string, unknown>);
        if (next !== item) changed = true;
        if (next) kept.push(next);
      }
      if (kept.length === 0) return;
      if (changed) text = JSON.stringify(kept);
      for (const listener of [...this.#listeners.message]) {
        try {
          listener({ data: text });
        } catch (error) {
          this.#onMalformed(`a message the client could not process (${errorMessage(error)})`);
        }
      }
    });
    ws.on('close', () => {
      for (const listener of [...this.#listeners.close]) listener();
    });
  }

  get readyState(): number {
    return this.#ws.readyState;
  }

  send(data: string): void {
    this.#ws.send(data);
  }

  close(): void {
    if (this.#ws.readyState === WebSocket.CLOSED) return;
    this.#ws.close();
    // A dead peer never answers the close frame: do not wait ws's 30 s for it.
    const timer = setTimeout(() => this.#ws.terminate(), 2000);
    timer.unref();
    this.#ws.once('close', () => clearTimeout(timer));
  }

  addEventListener(type: 'message' | 'close', listener: Listener | (() => void)): void {
    if (type === 'message') this.#listeners.message.add(listener as Listener);
    else if (type === 'close') this.#listeners.close.add(listener as () => void);
  }

  removeEventListener(type: 'message' | 'close', listener: Listener | (() => void)): void {
    if (type === 'message') this.#listeners.message.delete(listener as Listener);
    else if (type === 'close') this.#listeners.close.delete(listener as () => void);
  }
}

function rawToString(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/**
 * `createSocket` for home-assistant-js-websocket on `ws`: answers the auth handshake, sets
 * `haVersion`, sends `supported_features` as id 1, and rejects with the library's numeric codes
 * (ERR_INVALID_AUTH stops its reconnect loop; ERR_CANNOT_CONNECT keeps it going).
 */
export function createHaSocketFactory(options: HaSocketOptions): (connection: ConnectionOptions) => Promise<HaWebSocket> {
  return (connection) =>
    new Promise<HaWebSocket>((resolve, reject) => {
      const auth = connection.auth;
      if (!auth) {
        reject(ERR_HASS_HOST_REQUIRED);
        return;
      }
      const wsUrl = auth.wsUrl;
      const ws = new WebSocket(wsUrl, {
        handshakeTimeout: options.handshakeTimeoutMs,
        // Only for this socket, and only when the user opted in for this server.
        rejectUnauthorized: !options.allowSelfSignedCertificate,
        perMessageDeflate: false,
      });
      let settled = false;
      let failure: SocketFailure | null = null;
      const fail = (code: number) => {
        if (settled) return;
        settled = true;
        clearTimeout(authTimer);
        options.onFailure(failure ?? { kind: 'closed', code: 1006 });
        if (ws.readyState !== WebSocket.CLOSED) ws.terminate();
        reject(code);
      };
      // The handshake timeout covers the HTTP upgrade; this covers the auth exchange after it.
      const authTimer = setTimeout(() => {
        failure ??= { kind: 'timeout' };
        fail(ERR_CANNOT_CONNECT);
      }, options.handshakeTimeoutMs + 1000);
      ws.on('unexpected-response', (_req, res) => {
        failure = { kind: 'http_status', status: res.statusCode ?? 0 };
        res.resume();
        fail(ERR_CANNOT_CONNECT);
      });
      ws.on('error', (error: NodeJS.ErrnoException) => {
        if (!settled) {
          const message = error.message ?? String(error);
          failure ??= /timed out/i.test(message) ? { kind: 'timeout' } : { kind: 'network', code: error.code ?? '', message };
          fail(ERR_CANNOT_CONNECT);
        } else {
          log.debug({ err: error }, 'Home Assistant socket error');
        }
      });
      ws.on('close', (code) => {
        failure ??= { kind: 'closed', code };
        fail(ERR_CANNOT_CONNECT);
      });
      const onAuthMessage = (data: WebSocket.RawData, isBinary: boolean) => {
        if (settled) return;
        let message: { type?: unknown; ha_version?: unknown; message?: unknown };
        try {
          message = isBinary ? {} : (JSON.parse(rawToString(data)) as typeof message);
        } catch {
          failure = { kind: 'not_home_assistant', message: 'the server answered with something that is not JSON' };
          fail(ERR_CANNOT_CONNECT);
          return;
        }
        if (message === null || typeof message !== 'object') message = {};
        if (message.type === 'auth_required') {
          ws.send(JSON.stringify({ type: 'auth', access_token: auth.accessToken }));
        } else if (message.type === 'auth_invalid') {
          failure = { kind: 'auth_invalid', message: typeof message.message === 'string' ? message.message : 'auth_invalid' };
          fail(ERR_INVALID_AUTH);
        } else if (message.type === 'auth_ok') {
          settled = true;
          clearTimeout(authTimer);
          ws.off('message', onAuthMessage);
          const socket = new WsHaSocket(ws, options);
          socket.haVersion = typeof message.ha_version === 'string' ? message.ha_version : '0.0.0';
          // Id 1 is reserved for this: Connection starts its ids at 2.
          ws.send(JSON.stringify({ type: 'supported_features', id: 1, features: { coalesce_messages: 1 } }));
          resolve(socket as unknown as HaWebSocket);
        } else {
          failure = { kind: 'not_home_assistant', message: `unexpected first message ${JSON.stringify(message.type ?? null)}` };
          fail(ERR_CANNOT_CONNECT);
        }
      };
      ws.on('message', onAuthMessage);
    });
}
