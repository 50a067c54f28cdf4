/**
 * Web mode: the AssistantApi over the server's WebSocket at /api/ws (wire format in
 * web-bridge-model.ts). Invokes made before the socket is open wait for it (up to `connectTimeoutMs`);
 * invokes in flight when it drops are answered with a connectivity error. The socket reconnects with
 * backoff; `link` tells the page (banner, re-fetch of `state:get`).
 *
 * A browser does not tell a script why an upgrade failed, so a page whose device was unpaired (revoked,
 * or the token rotated: the server answers 401) would only see sockets that close. After every socket
 * that closes or fails to open, the bridge asks `probePairing` once (a plain HTTP request, whose status
 * the page can read) and, on "not paired", reports `unpaired` and retries more slowly until a socket
 * opens again (the user may pair this browser again in another tab).
 *
 * DOM-free (the socket and the probe are injected), so it runs under Node in the unit tests.
 */
import type { AssistantApi } from '../preload/contract/assistant-api.js';
import { isEventChannel, isInvokeChannel, isSendChannel } from '../preload/contract/channels.js';
import type { InvokeResult } from '../preload/contract/wire-error.js';
import type { LinkMonitor, LinkState } from './state/app-api.js';
import {
  connectivityError,
  encodeClientFrame,
  pairingFromStatus,
  parseServerFrame,
  reconnectDelayMs,
  unpairedRetryDelayMs,
  type ClientFrame,
  type PairingProbe,
} from './web-bridge-model.js';

/** What the bridge uses of a WebSocket: the browser's, or a test's fake. */
export type BridgeSocket = {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  addEventListener(type: 'open' | 'close', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
};

/** WebSocket.OPEN (the constant is not there under Node 20, where the unit tests run). */
const OPEN = 1;

export type WebBridgeOptions = {
  url: string;
  createSocket: (url: string) => BridgeSocket;
  /**
   * Is this page still paired? Asked once after every socket that closes or fails to open (see
   * `healthProbe`). Without it the bridge never reports `unpaired`.
   */
  probePairing?: (signal: AbortSignal) => Promise<PairingProbe>;
  /** How long an invoke waits for the socket to (re)open before failing. */
  connectTimeoutMs?: number;
  /** How long an invoke waits for its result. */
  requestTimeoutMs?: number;
  /** A probe that has not answered by then counts as `unknown` (and is aborted). */
  probeTimeoutMs?: number;
};

export type WebBridge = AssistantApi & { readonly link: LinkMonitor; close(): void };

type Pending = { resolve: (result: InvokeResult<unknown>) => void; timer: ReturnType<typeof setTimeout> };

/**
 * The pairing probe of the browser: `GET /health` with the page's cookie. The server answers 401 to a
 * missing, revoked or rotated-away session (and clears the cookie); anything else, or no answer, says
 * nothing about pairing. Never throws.
 */
export function healthProbe(url: string, fetchImpl: typeof fetch = fetch): (signal: AbortSignal) => Promise<PairingProbe> {
  return async (signal) => {
    try {
      // Not a literal in the call: Node's RequestInit (this file is type-checked for the unit tests too) has no `cache`.
      const init = { credentials: 'same-origin', cache: 'no-store', redirect: 'manual', signal } as const;
      const response = await fetchImpl(url, init);
      void response.body?.cancel().catch(() => undefined);
      return pairingFromStatus(response.status);
    } catch {
      return 'unknown';
    }
  };
}

export function createWebBridge(options: WebBridgeOptions): WebBridge {
  const { createSocket, probePairing } = options;
  const connectTimeoutMs = options.connectTimeoutMs ?? 15_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const probeTimeoutMs = options.probeTimeoutMs ?? 10_000;
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const linkListeners = new Set<(state: LinkState) => void>();
  const pending = new Map<number, Pending>();
  let waitingForOpen: Array<() => void> = [];
  let linkState: LinkState = 'connecting';
  let socket: BridgeSocket | null = null;
  let nextId = 1;
  let attempt = 0;
  let everOpened = false;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let probeAbort: AbortController | null = null;
  let closed = false;

  const setLink = (state: LinkState) => {
    if (state === linkState) return;
    linkState = state;
    for (const listener of [...linkListeners]) listener(state);
  };

  const failPending = (message: string) => {
    for (const [id, entry] of pending) {
      clearTimeout(entry.timer);
      entry.resolve({ ok: false, error: connectivityError(message) });
      pending.delete(id);
    }
  };

  /** The probe's answer, `unknown` if it throws, rejects, answers nonsense or takes too long. */
  const checkPairing = async (): Promise<PairingProbe> => {
    if (!probePairing) return 'unknown';
    const abort = new AbortController();
    probeAbort = abort;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Settles on the timeout, or at once when close() aborts: a probe that ignores its signal holds nothing up.
    const timedOut = new Promise<PairingProbe>((resolve) => {
      abort.signal.addEventListener('abort', () => resolve('unknown'), { once: true });
      timer = setTimeout(() => abort.abort(), probeTimeoutMs);
    });
    try {
      const answer = await Promise.race([probePairing(abort.signal), timedOut]); // a synchronous throw lands in catch too
      return answer === 'paired' || answer === 'unpaired' ? answer : 'unknown';
    } catch {
      return 'unknown';
    } finally {
      clearTimeout(timer);
      if (probeAbort === abort) probeAbort = null;
    }
  };

  /** After a socket closed or failed to open: one probe, then the link state, then one retry. */
  const afterFailure = async () => {
    const pairing = await checkPairing();
    if (closed) return;
    // `unknown` changes nothing: still reconnecting, or still unpaired (only a pairing undoes that).
    if (pairing === 'unpaired') setLink('unpaired');
    else if (pairing === 'paired') setLink(everOpened ? 'reconnecting' : 'connecting');
    const delay = linkState === 'unpaired' ? unpairedRetryDelayMs() : reconnectDelayMs(attempt++);
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect();
    }, delay);
  };

  const connect = () => {
    if (closed) return;
    const ws = createSocket(options.url);
    socket = ws;
    ws.addEventListener('open', () => {
      if (socket !== ws) return;
      everOpened = true;
      attempt = 0;
      setLink('open');
      const waiters = waitingForOpen;
      waitingForOpen = [];
      for (const wake of waiters) wake();
    });
    ws.addEventListener('message', (event: { data: unknown }) => {
      if (socket !== ws) return;
      const frame = parseServerFrame(event.data);
      if (frame === null) return;
      if (frame.type === 'result') {
        const entry = pending.get(frame.id);
        if (!entry) return;
        pending.delete(frame.id);
        clearTimeout(entry.timer);
        entry.resolve(frame.result);
        return;
      }
      for (const listener of [...(listeners.get(frame.channel) ?? [])]) listener(frame.payload);
    });
    ws.addEventListener('close', () => {
      if (socket !== ws) return;
      socket = null;
      failPending('The connection to Hearth was lost before it answered.');
      if (closed) {
        setLink('closed');
        return;
      }
      if (linkState !== 'unpaired') setLink(everOpened ? 'reconnecting' : 'connecting');
      void afterFailure();
    });
    // 'error' is always followed by 'close'; nothing to do here.
  };

  const whenOpen = (): Promise<boolean> => {
    if (socket?.readyState === OPEN) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        waitingForOpen = waitingForOpen.filter((w) => w !== wake);
        resolve(false);
      }, connectTimeoutMs);
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      waitingForOpen.push(wake);
    });
  };

  const transmit = (frame: ClientFrame): boolean => {
    if (socket?.readyState !== OPEN) return false;
    socket.send(encodeClientFrame(frame));
    return true;
  };

  const invoke = async (channel: string, ...args: unknown[]): Promise<InvokeResult<unknown>> => {
    if (!isInvokeChannel(channel)) {
      return {
        ok: false,
        error: { ...connectivityError(`"${channel}" is not an invoke channel`), category: 'invalid_request', permanent: true },
      };
    }
    if (!(await whenOpen())) return { ok: false, error: connectivityError('Hearth is not reachable right now.') };
    const id = nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        resolve({ ok: false, error: connectivityError(`Hearth did not answer "${channel}" in time.`) });
      }, requestTimeoutMs);
      pending.set(id, { resolve, timer });
      if (!transmit({ type: 'invoke', id, channel, args })) {
        pending.delete(id);
        clearTimeout(timer);
        resolve({ ok: false, error: connectivityError('Hearth is not reachable right now.') });
      }
    });
  };

  const send = (channel: string, ...args: unknown[]) => {
    if (isSendChannel(channel)) transmit({ type: 'send', channel, args });
  };

  const on = (channel: string, listener: (payload: unknown) => void) => {
    if (!isEventChannel(channel)) throw new Error(`"${channel}" is not an event channel of the contract`);
    if (!listeners.has(channel)) listeners.set(channel, new Set());
    const set = listeners.get(channel)!;
    const wrapped = (payload: unknown) => listener(payload);
    set.add(wrapped);
    return () => {
      set.delete(wrapped);
    };
  };

  connect();

  return {
    invoke,
    send,
    on,
    link: {
      get state() {
        return linkState;
      },
      subscribe(listener) {
        linkListeners.add(listener);
        return () => linkListeners.delete(listener);
      },
    },
    close() {
      closed = true;
      if (retryTimer !== null) clearTimeout(retryTimer);
      probeAbort?.abort();
      socket?.close();
      socket = null;
      failPending('Closed.');
      setLink('closed');
    },
  } as WebBridge;
}
