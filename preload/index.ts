// The Electron preload: exposes the contract-checked bridge as `window.assistant` and forwards the audio MessagePort.
import { contextBridge, ipcRenderer } from 'electron';
import { AUDIO_PORT_CHANNEL, AUDIO_PORT_MESSAGE } from './contract/types.js';
import { createBridge } from './create-bridge.js';

// The preload is type-checked with the Node project (no DOM lib): the one window call it makes.
declare const window: { postMessage(message: unknown, targetOrigin: string, transfer?: readonly unknown[]): void };

contextBridge.exposeInMainWorld('assistant', createBridge(ipcRenderer));
ipcRenderer.on(AUDIO_PORT_CHANNEL, (event) => window.postMessage(AUDIO_PORT_MESSAGE, '*', event.ports));
