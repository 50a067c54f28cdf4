/**
 * The /api/ws wire format (web mode), pure:
 *   client → server  {"type":"invoke","id":N,"channel":"…","args":[…]}
 *                    {"type":"send","channel":"…","args":[…]}
 *   server → client  {"type":"result","id":N,"result":InvokeResult}
 *                    {"type":"event","channel":"…","payload":…}
 * Frames that do not match (or name a channel outside the contract) are dropped.
 */
import { isEventChannel, type EventChannel } from '../preload/contract/channels.js';
import { isInvokeResult, type InvokeResult, type WireError } from '../preload/contract/wire-error.js';

export type ClientFrame =
  { type: 'invoke'; id: number; channel: string; args: unknown[] } | { type: 'send'; channel: string; args: unknown[] };

export type ServerFrame =
  { type: 'result'; id: number; result: InvokeResult<unknown> } | { type: 'event'; channel: EventChannel; payload: unknown };

export function encodeClientFrame(frame: ClientFrame): string {
  return JSON.stringify(frame);
}

export function parseServerFrame(text: unknown): ServerFrame | null {
  if (typeof text !== 'string') return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const frame = value as Record<string, unknown>;
  if (frame.type === 'result') {
    if (typeof frame.id !== 'number' || !isInvokeResult(frame.result)) return null;
    return { type: 'result', id: frame.id, result: frame.result };
  }
  if (frame.type === 'event') {
    if (!isEventChannel(frame.channel) || !('payload' in frame)) return null;
    return { type: 'event', channel: frame.channel, payload: frame.payload };
  }
  return null;
}

/** Reconnect delays: 0.5 s doubling to 10 s, with ±20 % jitter so many pages do not reconnect in step. */
export function reconnectDelayMs(attempt: number, random: number = Math.random()): number {
  const base = Math.min(10_000, 500 * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.8 + 0.4 * random));
}

/**
 * While the page is not paired the sockets are refused until someone pairs this browser again (in
 * another tab, which shares the cookie): retry every 15 s (±20 %), instead of the 10 s of a plain drop.
 */
export function unpairedRetryDelayMs(random: number = Math.random()): number {
  return Math.round(15_000 * (0.8 + 0.4 * random));
}

/**
 * Whether the page is still paired, as a plain HTTP request to the server answers it (a browser never
 * shows a script the status of a refused WebSocket upgrade). `unknown`: no answer, or one that says
 * nothing about pairing (a proxy's 502, a 500, a timeout).
 */
export type PairingProbe = 'paired' | 'unpaired' | 'unknown';

/** The server answers 401 to any request whose session cookie is missing, revoked or from a rotated token. */
export function pairingFromStatus(status: number): PairingProbe {
  if (status === 401) return 'unpaired';
  if (status >= 200 && status < 300) return 'paired';
  return 'unknown';
}

export function connectivityError(message: string): WireError {
  return { name: 'ConnectionError', source: 'app', category: 'connectivity', permanent: false, message };
}

/** The socket URL for a path on the page's own server (ws: for http:, wss: for https:). */
export function socketUrl(pageUrl: string, path: string): string {
  const url = new URL(path, pageUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = '';
  url.hash = '';
  return url.href;
}

/** The page URL without the pairing token (it is in an HttpOnly cookie by now); null if there was none. */
export function withoutToken(pageUrl: string): string | null {
  const url = new URL(pageUrl);
  if (!url.searchParams.has('token')) return null;
  url.searchParams.delete('token');
  return url.href;
}
