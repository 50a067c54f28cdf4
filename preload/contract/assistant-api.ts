import type { EventChannels, InvokeChannels, SendChannels } from './channels.js';
import type { InvokeResult } from './wire-error.js';

/**
 * `window.assistant`, derived from the channel maps (never written twice): the preload bridge over
 * ipcRenderer and the web-mode client over a WebSocket both implement exactly this.
 */
export type AssistantApi = {
  invoke<K extends keyof InvokeChannels>(
    channel: K,
    ...args: Parameters<InvokeChannels[K]>
  ): Promise<InvokeResult<ReturnType<InvokeChannels[K]>>>;
  send<K extends keyof SendChannels>(channel: K, ...args: Parameters<SendChannels[K]>): void;
  on<K extends keyof EventChannels>(channel: K, listener: (payload: EventChannels[K]) => void): () => void;
};
