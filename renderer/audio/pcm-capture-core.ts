/**
 * The capture worklet's logic, DOM-free and tested in Node: render quanta at the AudioContext's rate
 * in, 16 kHz PCM16 frames of 512 samples out (`emit` takes ownership of each frame).
 */
import { PAGE_MIC_FRAME_SAMPLES, PAGE_MIC_SAMPLE_RATE } from '../../preload/contract/mic-wire.js';
import { StreamResampler } from './stream-resampler.js';

export class PcmCaptureCore {
  readonly #resampler: StreamResampler;
  readonly #emit: (frame: Int16Array) => void;
  #scratch: Float32Array;
  #frame = new Int16Array(PAGE_MIC_FRAME_SAMPLES);
  #filled = 0;

  constructor(contextRate: number, emit: (frame: Int16Array) => void) {
    this.#resampler = new StreamResampler(contextRate, PAGE_MIC_SAMPLE_RATE);
    this.#emit = emit;
    this.#scratch = new Float32Array(this.#resampler.maxOutput(128));
  }

  /** One quantum of the microphone's first channel (any length). */
  process(input: Float32Array): void {
    if (this.#scratch.length < this.#resampler.maxOutput(input.length))
      this.#scratch = new Float32Array(this.#resampler.maxOutput(input.length));
    const n = this.#resampler.process(input, this.#scratch);
    for (let i = 0; i < n; i++) {
      const v = Math.round(this.#scratch[i]! * 32768);
      this.#frame[this.#filled++] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
      if (this.#filled === PAGE_MIC_FRAME_SAMPLES) {
        const full = this.#frame;
        this.#frame = new Int16Array(PAGE_MIC_FRAME_SAMPLES);
        this.#filled = 0;
        this.#emit(full);
      }
    }
  }
}
