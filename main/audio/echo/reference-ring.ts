/**
 * The echo reference: what the player played, indexed by absolute sample number on the app clock
 * (sample n was played at n / 16 ms). Reading where nothing was written (before the first write,
 * in a gap, or older than the ring) gives silence, which is what the loudspeaker played then.
 */
export class ReferenceRing {
  readonly capacity: number;
  #ring: Float32Array;
  /** One past the newest sample written (absolute index); -Infinity before the first write. */
  #end = -Infinity;
  /** The oldest sample ever written (absolute index). */
  #low = Infinity;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.#ring = new Float32Array(capacity);
  }

  get end(): number {
    return this.#end;
  }

  write(start: number, samples: Float32Array): void {
    const n = this.capacity;
    if (this.#end !== -Infinity && start > this.#end) {
      // A gap (nothing played): silence, at most one ring's worth.
      for (let i = Math.max(this.#end, start - n); i < start; i++) this.#ring[mod(i, n)] = 0;
    }
    const from = Math.max(0, samples.length - n);
    for (let i = from; i < samples.length; i++) this.#ring[mod(start + i, n)] = samples[i]!;
    this.#low = Math.min(this.#low, start);
    this.#end = Math.max(this.#end, start + samples.length);
  }

  /** Fills `out` with the samples from `start` (absolute index) on; silence where unknown. */
  read(start: number, out: Float32Array): void {
    const lowest = Math.max(this.#low, this.#end - this.capacity);
    for (let i = 0; i < out.length; i++) {
      const index = start + i;
      out[i] = index >= lowest && index < this.#end ? this.#ring[mod(index, this.capacity)]! : 0;
    }
  }

  clear(): void {
    this.#end = -Infinity;
    this.#low = Infinity;
  }
}

function mod(i: number, n: number): number {
  const r = i % n;
  return r < 0 ? r + n : r;
}
