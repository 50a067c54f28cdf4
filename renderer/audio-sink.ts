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
 *
 * Web mode also offers this device's microphone ("Use this device's microphone", remembered in this
 * browser's localStorage): captured on the same AudioContext and sent on the same audio socket
 * (preload/contract/mic-wire.ts). The server runs a wake word for it; nothing goes to OpenAI before
 * that wake word (or a press, or a typed message).
 */
import { PLAYER_SAMPLE_RATE } from '../preload/contract/player-protocol.js';
import { AUDIO_PORT_MESSAGE } from '../preload/contract/types.js';
import { relayWebSocket, WorkletPlayer } from './audio/worklet-player.js';
import type { AppApi } from './state/app-api.js';
import { Store } from './state/store.js';
import { reconnectDelayMs, socketUrl, unpairedRetryDelayMs } from './web-bridge-model.js';
import { errorMessage } from '../preload/contract/wire-error.js';
import {
  decodeServerMicMessage,
  encodeMicFrame,
  encodeMicMessage,
  PAGE_MIC_FRAME_SAMPLES,
  PAGE_MIC_SAMPLE_RATE,
} from '../preload/contract/mic-wire.js';
import { PageMicError, startPageCapture, type PageCapture, type PageMicFailure } from './audio/page-mic.js';

/** This device's microphone: `off` (not wanted), `starting` (asking the browser), `on`, or why it cannot be used. */
export type PageMicState = 'off' | 'starting' | 'on' | PageMicFailure;

const MIC_PREFERENCE_KEY = 'hearth.useThisMicrophone';
const MIC_NAME_KEY = 'hearth.microphoneName';
/** How long "busy in <device>" stays up. */
const BUSY_NOTICE_MS = 8000;

/** `waiting`: no audio path yet; `suspended`: needs a click or key press; `unsupported`: no AudioWorklet (not a secure context). */
export type AudioSinkState = 'waiting' | 'suspended' | 'running' | 'unsupported' | 'failed';

export type AudioSink = {
  readonly state: Store<AudioSinkState>;
  /** Resumes a suspended AudioContext (call from a user gesture). */
  resume(): Promise<void>;
  /** Web mode only: this device's microphone can be offered (a secure page with audio). */
  readonly micAvailable: boolean;
  readonly mic: Store<PageMicState>;
  /** The device that had the conversation when a wake word here was turned away ("busy in …"), for a few seconds. */
  readonly micBusy: Store<string | null>;
  /** This device's name as other devices see it ("busy in Kitchen"). */
  readonly micName: Store<string>;
  /** Turns this device's microphone on or off (call from a user gesture: the browser may ask for permission). */
  setMicEnabled(enabled: boolean): Promise<void>;
  setMicName(name: string): void;
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

  const mic = new Store<PageMicState>('off');
  const micBusy = new Store<string | null>(null);
  const micName = new Store<string>(readStorage(MIC_NAME_KEY) ?? '');
  const captureUrl = new URL('audio/pcm-capture.worklet.js', document.baseURI).href;

  const supported = typeof AudioContext !== 'undefined' && typeof AudioWorkletNode !== 'undefined' && window.isSecureContext;
  if (!supported) {
    state.set('unsupported');
    return {
      state,
      resume: async () => {},
      micAvailable: false,
      mic,
      micBusy,
      micName,
      setMicEnabled: async () => {},
      setMicName: () => {},
      dispose: () => {},
    };
  }
  let setMicEnabled: (enabled: boolean) => Promise<void> = async () => {};

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
    let capture: PageCapture | null = null;
    let micWanted = readStorage(MIC_PREFERENCE_KEY) === '1';
    let micSeq = 0;
    let busyTimer: ReturnType<typeof setTimeout> | null = null;
    const announceMic = () => {
      if (!capture || socket?.readyState !== WebSocket.OPEN) return;
      const name = micName.get().trim();
      socket.send(
        encodeMicMessage({
          type: 'mic-start',
          sampleRate: PAGE_MIC_SAMPLE_RATE,
          frameSamples: PAGE_MIC_FRAME_SAMPLES,
          ...(name ? { name } : {}),
        }),
      );
    };
    const startMic = async () => {
      if (!player || capture || mic.get() === 'starting') return;
      mic.set('starting');
      try {
        const started = await startPageCapture(player.context, captureUrl, (pcm) => {
          if (socket?.readyState === WebSocket.OPEN) socket.send(encodeMicFrame(micSeq++, pcm));
        });
        if (!micWanted || disposed) {
          started.stop();
          mic.set('off');
          return;
        }
        capture = started;
        mic.set('on');
        announceMic();
      } catch (error) {
        mic.set(error instanceof PageMicError ? error.reason : 'failed');
      }
    };
    const stopMic = () => {
      capture?.stop();
      capture = null;
      if (socket?.readyState === WebSocket.OPEN) socket.send(encodeMicMessage({ type: 'mic-stop' }));
      mic.set('off');
    };
    setMicEnabled = async (enabled: boolean) => {
      micWanted = enabled;
      writeStorage(MIC_PREFERENCE_KEY, enabled ? '1' : null);
      if (!enabled) return stopMic();
      await player?.resume().catch(() => undefined);
      await startMic();
    };
    const onMicMessage = (event: MessageEvent<unknown>) => {
      const message = decodeServerMicMessage(event.data);
      if (message?.type !== 'mic-busy') return;
      micBusy.set(message.owner);
      if (busyTimer !== null) clearTimeout(busyTimer);
      busyTimer = setTimeout(() => {
        busyTimer = null;
        micBusy.set(null);
      }, BUSY_NOTICE_MS);
    };
    cleanups.push(() => {
      if (busyTimer !== null) clearTimeout(busyTimer);
      capture?.stop();
      capture = null;
    });
    const openSocket = () => {
      if (disposed || !player) return;
      const ws = new WebSocket(socketUrl(location.href, '/api/audio'));
      socket = ws;
      stopRelay = relayWebSocket(ws, player);
      ws.addEventListener('message', onMicMessage);
      ws.addEventListener('open', () => {
        attempt = 0;
        announceReady();
        announceMic();
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
      // Remembered from an earlier visit: the browser keeps (or asks again for) the permission.
      if (micWanted) await startMic();
    })();
    cleanups.push(
      micName.subscribe(() => {
        // The new name goes with the next start; restart the announcement so the server hears it now.
        if (capture && socket?.readyState === WebSocket.OPEN) {
          socket.send(encodeMicMessage({ type: 'mic-stop' }));
          announceMic();
        }
      }),
    );
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
    micAvailable: api.mode !== 'electron',
    mic,
    micBusy,
    micName,
    setMicEnabled: (enabled) => setMicEnabled(enabled),
    setMicName: (name) => {
      const clean = name.slice(0, 40);
      writeStorage(MIC_NAME_KEY, clean.trim() ? clean : null);
      micName.set(clean);
    },
    dispose: () => {
      disposed = true;
      for (const cleanup of cleanups.splice(0)) cleanup();
      void player?.close();
      player = null;
    },
  };
}

function readStorage(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // storage disabled: the choice lasts for this page only
  }
}

function writeStorage(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // storage disabled
  }
}
