import { TypedEmitter } from '../util/typed-emitter.js';
import { MIC_FRAME_MS, MIC_FRAME_SAMPLES, type MicSource, type MicSourceEvents, type MicStatus } from './mic-source.js';

/** A page may send up to 2 s of frames at once (after a stall), and 10 % faster than real time. */
const BURST_FRAMES = Math.round(2000 / MIC_FRAME_MS);
const RATE_MARGIN = 1.1;

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
  readonly #now: () => number;
  /** Frames the page may still send ahead of real time (a burst after a network stall), refilled as time passes. */
  #allowance = BURST_FRAMES;
  #lastRefill: number;
  #dropped = 0;

  constructor(options: { now?: () => number } = {}) {
    super();
    this.#now = options.now ?? (() => performance.now());
    this.#lastRefill = this.#now();
  }

  /** Frames dropped because the page sent faster than a microphone can. */
  get dropped(): number {
    return this.#dropped;
  }

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

  /**
   * One frame from the page; ignored unless running and unmuted, and dropped when the page sends
   * faster than real time (beyond a burst of 2 s): a paired page cannot flood the wake word.
   */
  push(samples: Int16Array): void {
    if (this.#status !== 'running' || this.#muted || samples.length !== MIC_FRAME_SAMPLES) return;
    const now = this.#now();
    this.#allowance = Math.min(BURST_FRAMES, this.#allowance + ((now - this.#lastRefill) / MIC_FRAME_MS) * RATE_MARGIN);
    this.#lastRefill = now;
    if (this.#allowance < 1) {
      this.#dropped++;
      return;
    }
    this.#allowance -= 1;
    const timestampMs = this.#nextMs;
    this.#nextMs += MIC_FRAME_MS;
    this.emit('frame', { samples, timestampMs });
  }
}
