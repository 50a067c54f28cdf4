/**
 * A streaming polyphase resampler for the page's microphone (any AudioContext rate → 16 kHz), small
 * enough for the capture worklet: a windowed-sinc (Blackman) low-pass at 92 % of the lower Nyquist
 * frequency, one table of taps per phase, built once. Standard library only; allocates nothing per
 * call after construction (the caller gives the output array).
 */

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

export class StreamResampler {
  /** Output samples per `#down` input samples. */
  readonly #up: number;
  readonly #down: number;
  readonly #taps: number;
  readonly #half: number;
  readonly #table: Float32Array;
  /** Input history; `#buffer[0]` is input sample number `#start` (negative numbers: the initial silence). */
  #buffer: Float32Array;
  #start: number;
  #count: number;
  /** The next output's position in the input: `#base + #phase / #up`. */
  #base = 0;
  #phase = 0;

  constructor(inputRate: number, outputRate: number, halfTaps = 16) {
    if (!Number.isInteger(inputRate) || !Number.isInteger(outputRate) || inputRate <= 0 || outputRate <= 0)
      throw new RangeError('sample rates must be positive integers');
    const g = gcd(inputRate, outputRate);
    this.#up = outputRate / g;
    this.#down = inputRate / g;
    this.#half = halfTaps;
    this.#taps = 2 * halfTaps;
    const cutoff = Math.min(1, outputRate / inputRate) * 0.92; // of the input's Nyquist frequency
    this.#table = new Float32Array(this.#up * this.#taps);
    for (let p = 0; p < this.#up; p++) {
      let sum = 0;
      for (let j = 0; j < this.#taps; j++) {
        const x = p / this.#up + halfTaps - 1 - j; // distance from the output's position, in input samples
        const sinc = x === 0 ? 1 : Math.sin(Math.PI * cutoff * x) / (Math.PI * cutoff * x);
        const w =
          Math.abs(x) >= halfTaps ? 0 : 0.42 + 0.5 * Math.cos((Math.PI * x) / halfTaps) + 0.08 * Math.cos((2 * Math.PI * x) / halfTaps);
        const h = sinc * w;
        this.#table[p * this.#taps + j] = h;
        sum += h;
      }
      for (let j = 0; j < this.#taps; j++) this.#table[p * this.#taps + j]! /= sum; // unity gain at DC
    }
    this.#buffer = new Float32Array(this.#taps + 8192);
    // Silence before the first sample, so the first outputs have a full window.
    this.#start = -this.#taps;
    this.#count = this.#taps;
  }

  /** The most output samples `process` can write for an input of this many samples. */
  maxOutput(inputLength: number): number {
    return Math.ceil(((inputLength + 1) * this.#up) / this.#down) + 1;
  }

  /** Resamples `input` (appended to what came before); writes into `output` and returns how many samples were written. */
  process(input: Float32Array, output: Float32Array): number {
    this.#append(input);
    let written = 0;
    const end = this.#start + this.#count;
    const taps = this.#taps;
    while (written < output.length) {
      const first = this.#base - this.#half + 1;
      if (first + taps > end) break;
      const offset = first - this.#start;
      const row = this.#phase * taps;
      let acc = 0;
      for (let j = 0; j < taps; j++) acc += this.#buffer[offset + j]! * this.#table[row + j]!;
      output[written++] = acc;
      this.#phase += this.#down;
      while (this.#phase >= this.#up) {
        this.#phase -= this.#up;
        this.#base++;
      }
    }
    return written;
  }

  #append(input: Float32Array): void {
    // Drop what the next output no longer needs.
    const keepFrom = this.#base - this.#half + 1;
    const drop = Math.max(0, Math.min(this.#count, keepFrom - this.#start));
    if (drop > 0) {
      this.#buffer.copyWithin(0, drop, this.#count);
      this.#start += drop;
      this.#count -= drop;
    }
    if (this.#count + input.length > this.#buffer.length) {
      const grown = new Float32Array((this.#count + input.length) * 2);
      grown.set(this.#buffer.subarray(0, this.#count));
      this.#buffer = grown;
    }
    this.#buffer.set(input, this.#count);
    this.#count += input.length;
  }
}
