/**
 * Page side of assistant playback: owns the AudioContext (24 kHz) and the AudioWorkletNode running
 * `pcm-player.worklet.js`, and connects it to whoever speaks the player protocol for main:
 *
 * - Electron: main creates a MessageChannelMain and sends one end to the renderer; the page hands it to
 *   the worklet with `attachPort(port)`. Main and the worklet then talk directly; the page's main thread
 *   is not in the audio path (a busy UI cannot delay audio or a flush).
 * - Web mode: audio arrives over a WebSocket; `relayWebSocket(socket, player)` decodes frames and posts
 *   them to the worklet (PCM buffers transferred), and sends the worklet's reports back.
 *
 * The worklet module is loaded from a URL served by the app (no Blob URL), so a strict
 * `default-src 'self'` CSP works.
 */
import {
  PCM_PLAYER_PROCESSOR,
  PLAYER_SAMPLE_RATE,
  transferablesOf,
  type AttachPortMessage,
  type MainToWorkletMessage,
  type PcmPlayerProcessorOptions,
  type WorkletToMainMessage,
} from '../../preload/contract/player-protocol.js';
import { decodeMainToWorklet, encodeWireMessage } from '../../preload/contract/player-wire.js';

export type WorkletPlayerOptions = PcmPlayerProcessorOptions & {
  /** URL of the bundled worklet, e.g. `new URL('./pcm-player.worklet.js', import.meta.url)`. */
  moduleUrl: string | URL;
  /** An existing context at 24 kHz (not closed by `close()`); by default the player creates one. */
  context?: AudioContext;
  /** Where the player's output goes (default: the context's destination). */
  destination?: AudioNode;
  /**
   * Where to listen for the first user gesture (pointerdown/keydown) that may resume a context the
   * autoplay policy left suspended; null to not listen. Default: `globalThis` (the window).
   */
  gestureTarget?: EventTarget | null;
};

/** Something the page can post main's messages to and hear the worklet from. */
export type WorkletEndpoint = {
  post(message: MainToWorkletMessage): void;
  onMessage(listener: (message: WorkletToMainMessage) => void): () => void;
};

export class WorkletPlayer implements WorkletEndpoint {
  readonly context: AudioContext;
  readonly node: AudioWorkletNode;
  readonly #ownsContext: boolean;
  readonly #listeners = new Set<(message: WorkletToMainMessage) => void>();
  #removeGestureListeners: () => void = () => {};
  #attached = false;

  private constructor(context: AudioContext, node: AudioWorkletNode, ownsContext: boolean) {
    this.context = context;
    this.node = node;
    this.#ownsContext = ownsContext;
    node.port.onmessage = (event: MessageEvent<WorkletToMainMessage>) => {
      for (const listener of [...this.#listeners]) listener(event.data);
    };
  }

  /** Creates the context (if not given), loads the worklet module and connects the node. */
  static async create(options: WorkletPlayerOptions): Promise<WorkletPlayer> {
    const ownsContext = options.context === undefined;
    const context = options.context ?? new AudioContext({ sampleRate: PLAYER_SAMPLE_RATE, latencyHint: 'interactive' });
    if (context.sampleRate !== PLAYER_SAMPLE_RATE) {
      if (ownsContext) await context.close();
      throw new Error(`WorkletPlayer needs an AudioContext at ${PLAYER_SAMPLE_RATE} Hz, got ${context.sampleRate} Hz`);
    }
    try {
      await context.audioWorklet.addModule(options.moduleUrl);
      const processorOptions: PcmPlayerProcessorOptions = {
        ringSeconds: options.ringSeconds,
        prebufferMs: options.prebufferMs,
        timing: options.timing,
      };
      const node = new AudioWorkletNode(context, PCM_PLAYER_PROCESSOR, {
        numberOfInputs: 0,
        numberOfOutputs: 1,
        outputChannelCount: [1],
        processorOptions,
      });
      node.connect(options.destination ?? context.destination);
      const player = new WorkletPlayer(context, node, ownsContext);
      if (context.state === 'suspended') player.#resumeOnGesture(options.gestureTarget === undefined ? globalThis : options.gestureTarget);
      return player;
    } catch (error) {
      if (ownsContext) await context.close();
      throw error;
    }
  }

  /** Posts a message from main to the worklet, transferring the chunk's PCM buffer. */
  post(message: MainToWorkletMessage): void {
    this.node.port.postMessage(message, transferablesOf(message));
  }

  /**
   * The worklet's messages arriving on `node.port` (all of them, until a port is attached; after that
   * they go to the attached port's other end).
   */
  onMessage(listener: (message: WorkletToMainMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Connects `port` straight to the worklet: it reads main's messages from it and sends its reports to
   * it. The port is transferred (unusable here afterwards). Attach at most one.
   */
  attachPort(port: MessagePort): void {
    if (this.#attached) throw new Error('WorkletPlayer: a port is already attached');
    this.#attached = true;
    const message: AttachPortMessage<MessagePort> = { type: 'attach-port', port };
    this.node.port.postMessage(message, [port]);
  }

  async resume(): Promise<void> {
    if (this.context.state === 'suspended') await this.context.resume();
  }

  /**
   * Resolves once the audio clock really runs: `currentTime` advanced at least 80% of the wall time
   * over a 100 ms window. The first context of a page can stall for hundreds of milliseconds while the
   * audio output starts; waiting keeps that out of latency measurements.
   */
  async waitForClock(timeoutMs = 5_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const wallStart = performance.now();
      const contextStart = this.context.currentTime;
      await new Promise((resolve) => setTimeout(resolve, 100));
      const wall = performance.now() - wallStart;
      const advanced = (this.context.currentTime - contextStart) * 1000;
      if (advanced >= 0.8 * wall) return;
      if (performance.now() > deadline) {
        throw new Error(
          `the audio clock does not run (state ${this.context.state}, advanced ${advanced.toFixed(1)} ms in ${wall.toFixed(1)} ms)`,
        );
      }
    }
  }

  /**
   * Estimated time from the render of a sample to its presentation at the output device, in ms, from
   * `getOutputTimestamp()`; null where the browser cannot tell yet.
   */
  outputLatencyMs(): number | null {
    const stamp = this.context.getOutputTimestamp();
    if (stamp.contextTime === undefined || stamp.performanceTime === undefined || stamp.performanceTime === 0) return null;
    return (this.context.currentTime - stamp.contextTime) * 1000 + (performance.now() - stamp.performanceTime);
  }

  async close(): Promise<void> {
    this.#removeGestureListeners();
    this.#listeners.clear();
    this.node.port.onmessage = null;
    this.node.disconnect();
    if (this.#ownsContext && this.context.state !== 'closed') await this.context.close();
  }

  #resumeOnGesture(target: EventTarget | null): void {
    if (target === null) return;
    const events = ['pointerdown', 'keydown'] as const;
    const onGesture = () => {
      this.#removeGestureListeners();
      void this.context.resume();
    };
    for (const type of events) target.addEventListener(type, onGesture, { once: true, capture: true });
    this.#removeGestureListeners = () => {
      for (const type of events) target.removeEventListener(type, onGesture, { capture: true });
      this.#removeGestureListeners = () => {};
    };
  }
}

/** A MessagePort (e.g. one end of a MessageChannel whose other end is attached to the worklet). */
export function messagePortEndpoint(port: MessagePort): WorkletEndpoint {
  const listeners = new Set<(message: WorkletToMainMessage) => void>();
  port.onmessage = (event: MessageEvent<WorkletToMainMessage>) => {
    for (const listener of [...listeners]) listener(event.data);
  };
  return {
    post: (message) => port.postMessage(message, transferablesOf(message)),
    onMessage: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/**
 * Web mode: relays the player protocol between a WebSocket to main (wire format of player-wire.ts) and
 * the worklet. Returns a function that stops relaying (the socket is left open).
 */
export function relayWebSocket(socket: WebSocket, endpoint: WorkletEndpoint): () => void {
  socket.binaryType = 'arraybuffer';
  const onSocketMessage = (event: MessageEvent<string | ArrayBuffer>) => {
    const message = decodeMainToWorklet(event.data);
    if (message !== null) endpoint.post(message);
  };
  socket.addEventListener('message', onSocketMessage);
  const stopListening = endpoint.onMessage((message) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(encodeWireMessage(message));
  });
  return () => {
    socket.removeEventListener('message', onSocketMessage);
    stopListening();
  };
}
