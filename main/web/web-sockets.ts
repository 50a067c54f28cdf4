import type { WebSocket } from 'ws';
import { webSocketPlayerPort } from '../audio/renderer-player.js';
import type { AssistantApp } from '../app/assistant-app.js';

/** /api/ws: `window.assistant` over a WebSocket (invokes in, results and events out). */
export function serveApi(ws: WebSocket, app: AssistantApp): void {
  const off = app.onEvent((channel, payload) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'event', channel, payload }));
  });
  ws.on('close', off);
  ws.on('error', () => undefined);
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    let message: { type?: unknown; id?: unknown; channel?: unknown; args?: unknown };
    try {
      message = JSON.parse(String(data)) as typeof message;
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    if (message.type !== 'invoke' || typeof message.id !== 'number') return; // sends carry nothing main needs here
    const id = message.id;
    const args = Array.isArray(message.args) ? message.args : [];
    void app.invoke(message.channel, args).then((result) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'result', id, result }));
    });
  });
}

/**
 * /api/audio: the assistant's voice. A page's audio socket becomes the output only once its worklet
 * answers a ping from inside process(): proof that its AudioContext runs. A tab whose sound is still
 * suspended (autoplay) can neither take the voice from the kitchen tablet nor leave the assistant
 * waiting on silence.
 */
export function serveAudio(ws: WebSocket, app: AssistantApp): void {
  const port = webSocketPlayerPort(ws);
  let detach: (() => void) | undefined;
  const ping = () => port.postMessage({ type: 'ping', id: 0 });
  const probe = setInterval(ping, 1000);
  const offPong = port.onMessage((message) => {
    if (message.type !== 'pong' || detach) return;
    clearInterval(probe);
    offPong();
    detach = app.attachAudioPort(port);
  });
  ping();
  ws.on('close', () => {
    clearInterval(probe);
    offPong();
    detach?.();
  });
  ws.on('error', () => undefined);
}
