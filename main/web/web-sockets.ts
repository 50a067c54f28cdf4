import type { WebSocket } from 'ws';
import { webSocketPlayerPort } from '../audio/renderer-player.js';
import { PageMicSource } from '../audio/page-mic-source.js';
import type { Player } from '../audio/player.js';
import { createLogger } from '../util/logger.js';
import type { AssistantApp } from '../app/assistant-app.js';
import { decodeMicFrame, decodePageMicMessage, encodeMicMessage } from '../../preload/contract/mic-wire.js';

const log = createLogger('web');

/** Who is on the other end of a socket (a paired device). */
export type SocketPeer = { deviceId: string };

/** /api/ws: `window.assistant` over a WebSocket (invokes in, results and events out). */
export function serveApi(ws: WebSocket, app: AssistantApp, peer: SocketPeer = { deviceId: 'unknown' }): void {
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
    // A press or a typed message here: this device's microphone (if on) takes the conversation.
    if (message.channel === 'conversation:start' || message.channel === 'conversation:send-text') app.claimMicForDevice(peer.deviceId);
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
export function serveAudio(ws: WebSocket, app: AssistantApp, peer: SocketPeer = { deviceId: 'unknown' }): void {
  const port = webSocketPlayerPort(ws, { ignore: isMicMessage });
  let detach: (() => void) | undefined;
  let player: Player | undefined;
  const ping = () => port.postMessage({ type: 'ping', id: 0 });
  const probe = setInterval(ping, 1000);
  const offPong = port.onMessage((message) => {
    if (message.type !== 'pong' || detach) return;
    clearInterval(probe);
    offPong();
    detach = app.attachAudioPort(port, { onPlayer: (p) => (player = p) });
  });
  ping();
  const mic = servePageMic(ws, app, peer, () => player);
  ws.on('close', () => {
    clearInterval(probe);
    offPong();
    detach?.();
    mic.close();
  });
  ws.on('error', () => undefined);
}

/**
 * The page's microphone on its audio socket (preload/contract/mic-wire.ts): after `mic-start`, its
 * frames become a `PageMicSource` with a wake word of its own (AssistantApp.addPageMic); nothing of
 * it reaches OpenAI unless that wake word (then the privacy gate) lets it. `mic-stop` or the socket
 * closing removes it. Frames before `mic-start`, or malformed, are dropped.
 */
function servePageMic(ws: WebSocket, app: AssistantApp, peer: SocketPeer, output: () => Player | undefined): { close(): void } {
  let source: PageMicSource | null = null;
  let remove: (() => void) | null = null;
  let dropped = 0;
  const stop = () => {
    remove?.();
    remove = null;
    void source?.stop();
    source = null;
  };
  const onMessage = (data: unknown, isBinary: boolean) => {
    if (isBinary) {
      const frame = decodeMicFrame(toBytes(data));
      if (frame && source) source.push(frame.samples);
      else if (dropped++ === 0) log.debug({ device: peer.deviceId }, 'dropped a microphone frame (no capture started, or malformed)');
      return;
    }
    const message = decodePageMicMessage(String(data));
    if (message?.type === 'mic-stop') stop();
    else if (message?.type === 'mic-start' && !source) {
      const mic = new PageMicSource();
      source = mic;
      const label = message.name ?? `device ${peer.deviceId.slice(0, 6)}`;
      void mic.start();
      remove = app.addPageMic({
        deviceId: peer.deviceId,
        label,
        mic,
        onBusy: (owner) => {
          if (ws.readyState === ws.OPEN) ws.send(encodeMicMessage({ type: 'mic-busy', owner }));
        },
        output,
      });
      log.info({ device: peer.deviceId, label }, 'a page microphone started');
    }
  };
  ws.on('message', onMessage);
  return {
    close: () => {
      ws.off('message', onMessage);
      stop();
    },
  };
}

/** Mic messages share the audio socket with the player protocol; the player must not see them. */
function isMicMessage(data: unknown, isBinary: boolean): boolean {
  if (isBinary) return true; // the player protocol never sends binary frames from the page
  return decodePageMicMessage(String(data)) !== null;
}

function toBytes(data: unknown): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(0);
}
