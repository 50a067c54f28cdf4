import { concatInt16 } from './pcm.js';

/**
 * Groups small PCM chunks into appends of at least `minSamples` (about 20 ms) so the socket is not
 * flooded with tiny frames, while never holding audio longer than one incoming chunk.
 */
export class AudioBatcher {
  #pending: Int16Array[] = [];
  #pendingSamples = 0;
  readonly minSamples: number;

  constructor(minSamples: number) {
    this.minSamples = minSamples;
  }

  /** Adds a chunk; returns a batch when enough audio has accumulated. */
  push(chunk: Int16Array): Int16Array | null {
    if (chunk.length === 0) return null;
    this.#pending.push(chunk);
    this.#pendingSamples += chunk.length;
    return this.#pendingSamples >= this.minSamples ? this.flush() : null;
  }

  flush(): Int16Array | null {
    if (this.#pendingSamples === 0) return null;
    const batch = this.#pending.length === 1 ? this.#pending[0]! : concatInt16(this.#pending);
    this.#pending = [];
    this.#pendingSamples = 0;
    return batch;
  }

  get pendingSamples(): number {
    return this.#pendingSamples;
  }
}
