/**
 * Web mode: the AssistantApi over the server's WebSocket at /api/ws (wire format in
 * web-bridge-model.ts). Invokes made before the socket is open wait for it (up to `connectTimeoutMs`);
 * invokes in flight when it drops are answered with a connectivity error. The socket reconnects with
 * backoff; `link` tells the page (banner, re-fetch of `state:get`).
 */
import type { AssistantApi } from '../preload/contract/assistant-api.js';
import { isEventChannel, isInvokeChannel, isSendChannel } from '../preload/contract/channels.js';
import type { InvokeResult } from '../preload/contract/wire-error.js';
import type { LinkMonitor, LinkState } from './state/app-api.js';
import { connectivityError, encodeClientFrame, parseServerFrame, reconnectDelayMs, type ClientFrame } from './web-bridge-model.js';

export type WebBridgeOptions = {
  url: string;
  createSocket?: (url: string) => WebSocket;
  /** How long an invoke waits for the socket to (re)open before failing. */
  connectTimeoutMs?: number;
  /** How long an invoke waits for its result. */
  requestTimeoutMs?: number;
};

export type WebBridge = AssistantApi & { readonly link: LinkMonitor; close(): void };

type Pending = { resolve: (result: InvokeResult<unknown>) => void; timer: ReturnType<typeof setTimeout> };

export function createWebBridge(options: WebBridgeOptions): WebBridge {
  const createSocket = options.createSocket ?? ((url: string) => new WebSocket(url));
  const connectTimeoutMs = options.connectTimeoutMs ?? 15_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const linkListeners = new Set<(state: LinkState) => void>();
  const pending = new Map<number, Pending>();
  let waitingForOpen: Array<() => void> = [];
  let linkState: LinkState = 'connecting';
  let socket: WebSocket | null = null;
  let nextId = 1;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
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

  const connect = () => {
    if (closed) return;
    let opened = false;
    const ws = createSocket(options.url);
    socket = ws;
    ws.addEventListener('open', () => {
      if (socket !== ws) return;
      opened = true;
      attempt = 0;
      setLink('open');
      const waiters = waitingForOpen;
      waitingForOpen = [];
      for (const wake of waiters) wake();
    });
    ws.addEventListener('message', (event: MessageEvent) => {
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
      setLink(opened || linkState === 'reconnecting' ? 'reconnecting' : 'connecting');
      retryTimer = setTimeout(() => {
        retryTimer = null;
        connect();
      }, reconnectDelayMs(attempt++));
    });
    // 'error' is always followed by 'close'; nothing to do here.
  };

  const whenOpen = (): Promise<boolean> => {
    if (socket?.readyState === WebSocket.OPEN) return Promise.resolve(true);
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
    if (socket?.readyState !== WebSocket.OPEN) return false;
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
      socket?.close();
      socket = null;
      failPending('Closed.');
      setLink('closed');
    },
  } as WebBridge;
}
