/** The channels a `RendererPlayer` speaks to the worklet over: Electron's MessagePortMain, or a WebSocket. */
import { createLogger } from '../util/logger.js';
import type { MainToWorkletMessage, WorkletToMainMessage } from '../../preload/contract/player-protocol.js';
import * as wire from '../../preload/contract/player-wire.js';

const log = createLogger('renderer-player');

/** A bidirectional channel to the worklet. */
export interface PlayerPort {
  /** Sends a message; `transfer` lists buffers the port may transfer instead of copying. */
  postMessage(message: MainToWorkletMessage, transfer?: ArrayBuffer[]): void;
  /** Listens to the worklet's messages; returns a function that stops listening. */
  onMessage(listener: (message: WorkletToMainMessage) => void): () => void;
  close?(): void;
}

/** The worklet's messages fanned out to the port's listeners. */
function workletListeners(): Pick<PlayerPort, 'onMessage'> & { deliver(message: WorkletToMainMessage): void } {
  const listeners = new Set<(message: WorkletToMainMessage) => void>();
  return {
    deliver: (message) => {
      for (const listener of [...listeners]) listener(message);
    },
    onMessage: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Electron's MessagePortMain, structurally (this file must not import electron). */
export type MessagePortMainLike = {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  off(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  start(): void;
  close(): void;
};

/**
 * A PlayerPort on Electron's MessagePortMain (the renderer hands the other end to the worklet).
 * MessagePortMain cannot transfer ArrayBuffers, so chunks are copied by structured clone.
 */
export function messagePortMainPlayerPort(port: MessagePortMainLike): PlayerPort {
  const listeners = workletListeners();
  const onMessage = (event: { data: unknown }) => listeners.deliver(event.data as WorkletToMainMessage);
  port.on('message', onMessage);
  port.start();
  return {
    postMessage: (message) => port.postMessage(message),
    onMessage: listeners.onMessage,
    close: () => {
      port.off('message', onMessage);
      port.close();
    },
  };
}

/** The parts of a `ws` WebSocket the player needs. */
export type WebSocketLike = {
  readonly readyState: number;
  send(data: string | Uint8Array): void;
  on(event: 'message', listener: (data: unknown, isBinary: boolean) => void): unknown;
  off(event: 'message', listener: (data: unknown, isBinary: boolean) => void): unknown;
  close(): void;
};

const WEBSOCKET_OPEN = 1;

/**
 * A PlayerPort over a WebSocket to a page that relays to the worklet (`relayWebSocket`). `ignore`
 * skips messages of another protocol sharing the socket.
 */
export function webSocketPlayerPort(
  socket: WebSocketLike,
  options: { ignore?: (data: unknown, isBinary: boolean) => boolean } = {},
): PlayerPort {
  const listeners = workletListeners();
  const onMessage = (data: unknown, isBinary: boolean) => {
    if (options.ignore?.(data, isBinary)) return; // another protocol on the same socket (web mode's microphone)
    const message = wire.decodeWorkletToMain(isBinary ? toFrame(data) : String(data));
    if (message === null) {
      log.warn('ignored an invalid message from the playback page');
      return;
    }
    listeners.deliver(message);
  };
  socket.on('message', onMessage);
  return {
    postMessage: (message) => {
      if (socket.readyState === WEBSOCKET_OPEN) socket.send(wire.encodeWireMessage(message));
    },
    onMessage: listeners.onMessage,
    close: () => socket.off('message', onMessage),
  };
}

function toFrame(data: unknown): string | ArrayBuffer | ArrayBufferView {
  if (typeof data === 'string' || data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]);
  return String(data);
}
