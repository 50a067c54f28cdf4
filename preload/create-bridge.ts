/**
 * The preload bridge: builds `window.assistant` (the typed AssistantApi) over ipcRenderer. Only the
 * contract's channels are reachable; every name is checked against the exhaustive name sets before
 * ipcRenderer is touched. Nothing else is exposed: no ipcRenderer, no process, no environment.
 *
 * Pure: takes an `IpcRendererLike`, so it is unit-tested in Node with a recording fake
 * (test/unit/preload/create-bridge.test.ts) and never loads electron.
 */
import type { AssistantApi } from './contract/assistant-api.js';
import { isEventChannel, isInvokeChannel, isSendChannel } from './contract/channels.js';
import { errorMessage, isInvokeResult, type InvokeResult, type WireError } from './contract/wire-error.js';

/** The part of Electron's `ipcRenderer` the bridge uses (the real one satisfies it structurally). */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  send(channel: string, ...args: unknown[]): void;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

function bridgeError(message: string, category: WireError['category']): WireError {
  return { name: 'BridgeError', source: 'app', category, permanent: category === 'invalid_request', message };
}

export function createBridge(ipc: IpcRendererLike): AssistantApi {
  const invoke = async (channel: string, ...args: unknown[]): Promise<InvokeResult<unknown>> => {
    if (!isInvokeChannel(channel)) {
      return { ok: false, error: bridgeError(`"${String(channel)}" is not an invoke channel of the contract`, 'invalid_request') };
    }
    try {
      const answer = await ipc.invoke(channel, ...args);
      // Main always answers an envelope; anything else means the handler is missing or broken.
      return isInvokeResult(answer)
        ? answer
        : { ok: false, error: bridgeError(`"${channel}" answered without a result envelope`, 'application') };
    } catch (error) {
      // ipcRenderer.invoke rejects only when no handler is registered or the answer cannot be cloned.
      return { ok: false, error: bridgeError(errorMessage(error), 'application') };
    }
  };

  const send = (channel: string, ...args: unknown[]): void => {
    if (!isSendChannel(channel)) return;
    ipc.send(channel, ...args);
  };

  const on = (channel: string, listener: (payload: unknown) => void): (() => void) => {
    if (!isEventChannel(channel)) throw new Error(`"${String(channel)}" is not an event channel of the contract`);
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    // Strip the IpcRendererEvent: the page never sees `sender` or `ports`.
    const wrapped = (_event: unknown, payload: unknown) => listener(payload);
    ipc.on(channel, wrapped);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      ipc.removeListener(channel, wrapped);
    };
  };

  return { invoke, send, on } as AssistantApi;
}
