import { TypedEmitter } from '../util/typed-emitter.js';
import { MIC_FRAME_MS, MIC_FRAME_SAMPLES, type MicSource, type MicSourceEvents, type MicStatus } from './mic-source.js';

/**
 * Web mode: a browser's microphone. The page captures in an AudioWorklet and sends 16 kHz frames of
 * 512 samples on its audio socket (preload/contract/mic-wire.ts); the socket's handler pushes them
 * here. Stream time counts samples (the page delivers in real time), so it never jumps with the
 * network. Running while the page says its capture runs; start/stop/mute belong to the page (the
 * user's switch there) and to the app's mute, which drops frames.
 */
export class PageMicSource extends TypedEmitter<MicSourceEvents> implements MicSource {
  #status: MicStatus = 'stopped';
  #muted = false;
  #nextMs = 0;

  get status(): MicStatus {
    return this.#status;
  }

  get muted(): boolean {
    return this.#muted;
  }

  /** The page's capture started (or was never stopped): frames may follow. */
  async start(): Promise<void> {
    if (this.#status === 'running') return;
    this.#status = 'running';
    this.emit('status', 'running');
  }

  async stop(): Promise<void> {
    if (this.#status === 'stopped') return;
    this.#status = 'stopped';
    this.emit('status', 'stopped');
  }

  async setMuted(muted: boolean): Promise<void> {
    this.#muted = muted;
  }

  /** One frame from the page; ignored unless running and unmuted. */
  push(samples: Int16Array): void {
    if (this.#status !== 'running' || this.#muted || samples.length !== MIC_FRAME_SAMPLES) return;
    const timestampMs = this.#nextMs;
    this.#nextMs += MIC_FRAME_MS;
    this.emit('frame', { samples, timestampMs });
  }
}
