/**
 * The renderer's view of main: the AssistantApi with `{ ok: false }` turned into a thrown IpcError
 * (thrown here, in the page's world, so its fields survive: errors thrown across contextBridge lose
 * them), plus the health of the link to main (always up in Electron; a WebSocket in web mode).
 * DOM-free; renderer/api.ts builds it from `window.assistant` or the web bridge.
 */
import type { AssistantApi } from '../../preload/contract/assistant-api.js';
import type { EventChannels, InvokeChannels, SendChannels } from '../../preload/contract/channels.js';
import { errorMessage, type WireError } from '../../preload/contract/wire-error.js';

export class IpcError extends Error {
  readonly wire: WireError;
  constructor(wire: WireError) {
    super(wire.message);
    this.name = 'IpcError';
    this.wire = wire;
  }
}

/**
 * The link between the page and main: `open` once usable; `reconnecting` after it dropped;
 * `unpaired` while the server refuses this page because its device is no longer paired (web mode:
 * revoked, or the pairing token rotated). Still retrying in both.
 */
export type LinkState = 'connecting' | 'open' | 'reconnecting' | 'unpaired' | 'closed';

export type LinkMonitor = {
  readonly state: LinkState;
  subscribe(listener: (state: LinkState) => void): () => void;
};

export type HostMode = 'electron' | 'web';

export type AppApi = {
  readonly mode: HostMode;
  readonly link: LinkMonitor;
  /** Resolves with the value, or throws an IpcError carrying the WireError. */
  invoke<K extends keyof InvokeChannels>(channel: K, ...args: Parameters<InvokeChannels[K]>): Promise<ReturnType<InvokeChannels[K]>>;
  send<K extends keyof SendChannels>(channel: K, ...args: Parameters<SendChannels[K]>): void;
  on<K extends keyof EventChannels>(channel: K, listener: (payload: EventChannels[K]) => void): () => void;
};

export const ALWAYS_OPEN: LinkMonitor = { state: 'open', subscribe: () => () => {} };

export function wrapAssistantApi(raw: AssistantApi, mode: HostMode, link: LinkMonitor = ALWAYS_OPEN): AppApi {
  return {
    mode,
    link,
    async invoke(channel, ...args) {
      const result = await raw.invoke(channel, ...args);
      if (!result.ok) throw new IpcError(result.error);
      return result.value;
    },
    send: (channel, ...args) => raw.send(channel, ...args),
    on: (channel, listener) => raw.on(channel, listener),
  };
}

/** A WireError for a failure that happened in the page itself (e.g. a thrown TypeError). */
export function toWireError(error: unknown): WireError {
  if (error instanceof IpcError) return error.wire;
  return {
    name: error instanceof Error ? error.name : 'Error',
    source: 'app',
    category: 'unknown',
    permanent: false,
    message: errorMessage(error),
  };
}
