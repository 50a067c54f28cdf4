/**
 * AudioWorkletProcessor that plays the assistant's PCM16 24 kHz mono audio. A thin shell around
 * `PcmPlayerCore`: built by esbuild into one self-contained file (no Blob URL, so a `default-src 'self'`
 * CSP works) and loaded with `audioContext.audioWorklet.addModule(url)`.
 *
 * Messages from main arrive on `this.port` (the page relays them: web mode) or on a MessagePort the page
 * hands over with `{ type: 'attach-port', port }` (Electron: main holds the other end of a
 * MessageChannelMain, so the renderer's main thread is not in the audio path). Outgoing messages go to
 * the attached port once there is one, else to `this.port`.
 *
 * The node lives as long as the session: `process()` always returns true and outputs silence when there
 * is nothing to play.
 */
import { PcmPlayerCore } from './pcm-player-core.js';
import {
  PCM_PLAYER_PROCESSOR,
  PLAYER_SAMPLE_RATE,
  type MainToWorkletMessage,
  type PcmPlayerProcessorOptions,
  type WorkletToMainMessage,
} from '../../preload/contract/player-protocol.js';

class PcmPlayerProcessor extends AudioWorkletProcessor implements AudioWorkletProcessorImpl {
  readonly #core: PcmPlayerCore;
  #out: MessagePort;

  constructor(options?: { processorOptions?: PcmPlayerProcessorOptions }) {
    super();
    const processorOptions = options?.processorOptions ?? {};
    this.#out = this.port;
    this.#core = new PcmPlayerCore((message: WorkletToMainMessage) => this.#out.postMessage(message), {
      sampleRate,
      ringSeconds: processorOptions.ringSeconds,
      prebufferMs: processorOptions.prebufferMs,
      timing: processorOptions.timing,
    });
    this.port.onmessage = (event: MessageEvent<unknown>) => this.#onMessage(event.data);
    if (sampleRate !== PLAYER_SAMPLE_RATE) {
      this.port.postMessage({
        type: 'error',
        message: `the AudioContext runs at ${sampleRate} Hz; the player needs ${PLAYER_SAMPLE_RATE} Hz`,
      } satisfies WorkletToMainMessage);
    }
  }

  #onMessage(data: unknown): void {
    if (typeof data !== 'object' || data === null) return;
    const message = data as { type?: unknown; port?: unknown };
    if (message.type === 'attach-port') {
      if (message.port instanceof MessagePort) this.#attach(message.port);
      return;
    }
    this.#core.handleMessage(data as MainToWorkletMessage, currentFrame);
  }

  #attach(port: MessagePort): void {
    if (this.#out !== this.port) this.#out.close();
    this.#out = port;
    port.onmessage = (event: MessageEvent<unknown>) => this.#onMessage(event.data);
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const output = outputs[0];
    if (output === undefined || output.length === 0) return true;
    const first = output[0]!;
    this.#core.render(first, currentFrame);
    for (let channel = 1; channel < output.length; channel++) output[channel]!.set(first);
    return true;
  }
}

registerProcessor(PCM_PLAYER_PROCESSOR, PcmPlayerProcessor);
