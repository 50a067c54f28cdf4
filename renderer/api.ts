/**
 * The only reader of `window.assistant`. In Electron the preload has put the contract-checked bridge
 * there; in web mode (a browser on the web server) it is absent and the page talks to main over the
 * server's WebSocket instead. Either way the rest of the renderer sees one AppApi, whose invoke throws
 * an IpcError on `{ ok: false }`.
 */
import type { AssistantApi } from '../preload/contract/assistant-api.js';
import { wrapAssistantApi, type AppApi } from './state/app-api.js';
import { createWebBridge, healthProbe } from './web-bridge.js';
import { socketUrl, withoutToken } from './web-bridge-model.js';

declare global {
  interface Window {
    readonly assistant?: AssistantApi;
  }
}

let api: AppApi | undefined;

export function getAppApi(): AppApi {
  if (api) return api;
  const bridged = window.assistant;
  if (bridged !== undefined) {
    api = wrapAssistantApi(bridged, 'electron');
    return api;
  }
  // Web mode. The pairing token has become an HttpOnly cookie when the page was served: take it out of
  // the address bar so it is not bookmarked, shared or left in the history.
  const clean = withoutToken(location.href);
  if (clean !== null) history.replaceState(history.state, '', clean);
  const bridge = createWebBridge({
    url: socketUrl(location.href, '/api/ws'),
    createSocket: (url) => new WebSocket(url),
    probePairing: healthProbe(new URL('/health', location.href).href),
  });
  api = wrapAssistantApi(bridge, 'web', bridge.link);
  return api;
}
