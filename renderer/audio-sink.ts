/**
 * Plays the assistant's voice. The player (renderer/audio/worklet-player.ts) runs in an AudioWorklet;
 * main feeds it with the player protocol:
 *
 * - Electron: main sends a MessagePort; the preload forwards it with the window message
 *   AUDIO_PORT_MESSAGE; it is attached straight to the worklet (the page's thread is not in the path).
 * - Web mode: the page opens /api/audio and relays it into the worklet (reconnecting with backoff).
 *
 * Once the AudioContext runs (the first user gesture resumes it if the autoplay policy suspended it),
 * the page sends `audio:ready`, again after every reconnect.
 */
import { PLAYER_SAMPLE_RATE } from '../preload/contract/player-protocol.js';
import { AUDIO_PORT_MESSAGE } from '../preload/contract/types.js';
import { relayWebSocket, WorkletPlayer } from './audio/worklet-player.js';
import type { AppApi } from './state/app-api.js';
import { Store } from './state/store.js';
import { reconnectDelayMs, socketUrl, unpairedRetryDelayMs } from './web-bridge-model.js';
import { errorMessage } from '../preload/contract/wire-error.js';

/** `waiting`: no audio path yet; `suspended`: needs a click or key press; `unsupported`: no AudioWorklet (not a secure context). */
export type AudioSinkState = 'waiting' | 'suspended' | 'running' | 'unsupported' | 'failed';

export type AudioSink = {
  readonly state: Store<AudioSinkState>;
  /** Resumes a suspended AudioContext (call from a user gesture). */
  resume(): Promise<void>;
  dispose(): void;
};

export type AudioSinkOptions = {
  api: AppApi;
  /** The worklet module, relative to the page. */
  moduleUrl?: string;
  /** Reports a failure to create the player (shown in the banner). */
  onError?: (message: string) => void;
};

export function startAudioSink(options: AudioSinkOptions): AudioSink {
  const { api } = options;
  const state = new Store<AudioSinkState>('waiting');
  const moduleUrl = new URL(options.moduleUrl ?? 'audio/pcm-player.worklet.js', document.baseURI).href;
  const cleanups: Array<() => void> = [];
  let player: WorkletPlayer | null = null;
  let disposed = false;

  const supported = typeof AudioContext !== 'undefined' && typeof AudioWorkletNode !== 'undefined' && window.isSecureContext;
  if (!supported) {
    state.set('unsupported');
    return { state, resume: async () => {}, dispose: () => {} };
  }

  /** Web mode: the audio socket is open too (main streams into it as soon as it hears `audio:ready`). */
  let pathOpen = () => true;
  const announceReady = () => {
    if (player?.context.state === 'running' && pathOpen()) api.send('audio:ready', { sampleRate: PLAYER_SAMPLE_RATE });
  };

  const track = (created: WorkletPlayer) => {
    const update = () => {
      if (player !== created) return;
      const running = created.context.state === 'running';
      state.set(running ? 'running' : 'suspended');
      if (running) announceReady();
    };
    created.context.addEventListener('statechange', update);
    update();
  };

  const createPlayer = async (): Promise<WorkletPlayer | null> => {
    try {
      const created = await WorkletPlayer.create({ moduleUrl });
      if (disposed) {
        await created.close();
        return null;
      }
      return created;
    } catch (error) {
      state.set('failed');
      options.onError?.(errorMessage(error));
      return null;
    }
  };

  if (api.mode === 'electron') {
    // One player per port: main sends a new port when it restarts its side.
    let generation = 0;
    const onMessage = (event: MessageEvent) => {
      if (event.source !== window || event.data !== AUDIO_PORT_MESSAGE) return;
      const port = event.ports[0];
      if (!port) return;
      const mine = ++generation;
      void (async () => {
        const previous = player;
        player = null;
        await previous?.close();
        const created = await createPlayer();
        if (!created || mine !== generation) {
          await created?.close();
          return;
        }
        created.attachPort(port);
        player = created;
        track(created);
      })();
    };
    window.addEventListener('message', onMessage);
    cleanups.push(() => window.removeEventListener('message', onMessage));
  } else {
    let socket: WebSocket | null = null;
    let stopRelay: () => void = () => {};
    let attempt = 0;
    let retry: ReturnType<typeof setTimeout> | null = null;
    pathOpen = () => socket?.readyState === WebSocket.OPEN;
    const openSocket = () => {
      if (disposed || !player) return;
      const ws = new WebSocket(socketUrl(location.href, '/api/audio'));
      socket = ws;
      stopRelay = relayWebSocket(ws, player);
      ws.addEventListener('open', () => {
        attempt = 0;
        announceReady();
      });
      ws.addEventListener('close', () => {
        if (socket !== ws) return;
        stopRelay();
        socket = null;
        if (disposed) return;
        // Unpaired (the API socket found out): the server refuses this socket too until the browser pairs again.
        const delay = api.link.state === 'unpaired' ? unpairedRetryDelayMs() : reconnectDelayMs(attempt++);
        retry = setTimeout(() => {
          retry = null;
          openSocket();
        }, delay);
      });
    };
    void (async () => {
      const created = await createPlayer();
      if (!created) return;
      player = created;
      track(created);
      openSocket();
    })();
    // After the API socket comes back, main has forgotten the page: say again that it can play; and an
    // audio socket still waiting for its retry (a long one while unpaired) tries again now.
    cleanups.push(
      api.link.subscribe((link) => {
        if (link !== 'open') return;
        announceReady();
        if (retry !== null) {
          clearTimeout(retry);
          retry = null;
          openSocket();
        }
      }),
    );
    cleanups.push(() => {
      if (retry !== null) clearTimeout(retry);
      stopRelay();
      socket?.close();
    });
  }

  return {
    state,
    resume: async () => {
      await player?.resume();
    },
    dispose: () => {
      disposed = true;
      for (const cleanup of cleanups.splice(0)) cleanup();
      void player?.close();
      player = null;
    },
  };
}
