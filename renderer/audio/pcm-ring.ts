/**
 * A preallocated single-threaded ring of Float32 samples for the audio thread (after padenot/ringbuf.js,
 * without the SharedArrayBuffer). Standard library only: it runs in the AudioWorkletGlobalScope, in the
 * page and in Node tests.
 *
 * - Nothing is allocated after construction: `write` and `read` copy with index loops (no `subarray`,
 *   no `slice`, no views), so they are safe inside `AudioWorkletProcessor.process()`.
 * - Counts instead of exceptions: `write` returns how many samples it stored, `read` how many it copied.
 * - Overflow drops the NEWEST samples (the tail of the write that does not fit) and counts them in
 *   `droppedSamples`; queued audio is never overwritten. Audio already queued is older, so it is what
 *   must play next; growing is impossible without allocating on the audio thread. The player sizes the
 *   ring generously (60 s at 24 kHz = 5.8 MB) and the main process applies flow control well below it,
 *   so a drop means a bug or a runaway producer, and the counter makes it visible.
 * - Int16 input is converted to float as `s / 32768` (so -32768 → -1 exactly and 32767 → 0.99997).
 */
export class PcmRing {
  readonly capacity: number;
  readonly #buffer: Float32Array;
  /** Index of the oldest queued sample. */
  #readIndex = 0;
  #available = 0;
  #dropped = 0;
  #totalWritten = 0;
  #totalRead = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0) throw new RangeError(`PcmRing capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.#buffer = new Float32Array(capacity);
  }

  /** Samples queued and not yet read. */
  get available(): number {
    return this.#available;
  }

  /** Room left before an overflow. */
  get free(): number {
    return this.capacity - this.#available;
  }

  /** Samples refused by `write` because the ring was full, since construction. */
  get droppedSamples(): number {
    return this.#dropped;
  }

  /** Samples stored since construction (a stream position; `clear` does not reset it). */
  get totalWritten(): number {
    return this.#totalWritten;
  }

  /** Samples read or cleared since construction (`totalWritten - available`). */
  get totalRead(): number {
    return this.#totalRead;
  }

  /**
   * Appends `source[start, end)`. Returns the number of samples stored; the rest (the newest ones) is
   * dropped and counted.
   */
  write(source: Int16Array | Float32Array, start = 0, end = source.length): number {
    const from = clampIndex(start, source.length);
    const to = Math.max(from, clampIndex(end, source.length));
    const wanted = to - from;
    const count = Math.min(wanted, this.capacity - this.#available);
    this.#dropped += wanted - count;
    if (count === 0) return 0;
    const buffer = this.#buffer;
    let writeIndex = this.#readIndex + this.#available;
    if (writeIndex >= this.capacity) writeIndex -= this.capacity;
    const firstPart = Math.min(count, this.capacity - writeIndex);
    if (source instanceof Int16Array) {
      for (let i = 0; i < firstPart; i++) buffer[writeIndex + i] = source[from + i]! / 32768;
      for (let i = firstPart; i < count; i++) buffer[i - firstPart] = source[from + i]! / 32768;
    } else {
      for (let i = 0; i < firstPart; i++) buffer[writeIndex + i] = source[from + i]!;
      for (let i = firstPart; i < count; i++) buffer[i - firstPart] = source[from + i]!;
    }
    this.#available += count;
    this.#totalWritten += count;
    return count;
  }

  /**
   * Moves up to `length` of the oldest samples into `into[offset, offset + length)`. Returns how many
   * were copied; the rest of that range is left untouched.
   */
  read(into: Float32Array, offset = 0, length = into.length - offset): number {
    const from = clampIndex(offset, into.length);
    const count = Math.min(this.#available, Math.max(0, Math.min(length, into.length - from)));
    if (count === 0) return 0;
    const buffer = this.#buffer;
    const readIndex = this.#readIndex;
    const firstPart = Math.min(count, this.capacity - readIndex);
    for (let i = 0; i < firstPart; i++) into[from + i] = buffer[readIndex + i]!;
    for (let i = firstPart; i < count; i++) into[from + i] = buffer[i - firstPart]!;
    this.#advance(count);
    return count;
  }

  /** Discards up to `count` of the oldest samples; returns how many were discarded. */
  skip(count: number): number {
    const n = Math.min(this.#available, Math.max(0, Math.floor(count)));
    if (n > 0) this.#advance(n);
    return n;
  }

  /** Discards everything queued (the drop counter is kept). */
  clear(): void {
    this.#totalRead += this.#available;
    this.#available = 0;
    this.#readIndex = 0;
  }

  #advance(count: number): void {
    this.#readIndex += count;
    if (this.#readIndex >= this.capacity) this.#readIndex -= this.capacity;
    this.#available -= count;
    this.#totalRead += count;
  }
}

function clampIndex(index: number, length: number): number {
  if (!(index > 0)) return 0;
  return index > length ? length : Math.floor(index);
}
