import { describe, expect, it } from 'vitest';
import { PcmRing } from '../../../../renderer/audio/pcm-ring.js';
import { mulberry32 } from '../../../../main/util/seeded-random.js';

const CANARY = -12_345; // never a sample value below (they are >= 0)

describe('PcmRing', () => {
  it('rejects a capacity that is not a positive integer', () => {
    expect(() => new PcmRing(0)).toThrow(RangeError);
    expect(() => new PcmRing(2.5)).toThrow(RangeError);
  });

  // After ringbuf.js tests/test.mjs: a writer pushes a running sequence in random sizes, a reader pops in
  // random sizes into a buffer guarded by canaries; every sample must come out once, in order, and nothing
  // outside the requested range may be touched. Here both sides run in one thread against a model.
  for (const seed of [1, 2, 3, 42, 1234, 99_991, 2 ** 31 - 1]) {
    it(`keeps a random push/pop sequence in order with canaries intact (seed ${seed})`, () => {
      const random = mulberry32(seed);
      const capacity = 1 + Math.floor(random() * 300);
      const ring = new PcmRing(capacity);
      let nextWrite = 0; // next sequence value to write
      let nextRead = 0; // next sequence value expected out
      let dropped = 0;
      const scales: number[] = []; // per written sample: 32768 if it was written as Int16, else 1
      for (let op = 0; op < 3_000; op++) {
        if (random() < 0.5) {
          const length = Math.floor(random() * capacity * 1.3);
          const asInt16 = random() < 0.5;
          // Values the ring stores exactly in both encodings: v for Float32, v/32768 for Int16.
          const source = asInt16 ? new Int16Array(length) : new Float32Array(length);
          for (let i = 0; i < length; i++) source[i] = (nextWrite + i) % 30_000;
          const free = ring.free;
          const written = ring.write(source);
          expect(written).toBe(Math.min(length, free));
          // Dropped samples are the newest ones, so the sequence continues from the last stored value.
          dropped += length - written;
          nextWrite += written;
          for (let i = 0; i < written; i++) scales.push(asInt16 ? 32_768 : 1);
        } else {
          const size = Math.floor(random() * capacity * 1.3) + 2;
          const into = new Float32Array(size).fill(CANARY);
          const offset = Math.floor(random() * size);
          const length = Math.floor(random() * (size - offset + 1));
          const available = ring.available;
          const read = ring.read(into, offset, length);
          expect(read).toBe(Math.min(available, length));
          for (let i = 0; i < size; i++) {
            // (plain comparisons first: an expect() per sample would dominate the run time)
            if (i < offset || i >= offset + read) {
              if (into[i] !== CANARY) expect(into[i], `canary at ${i} (op ${op})`).toBe(CANARY);
            } else {
              const value = into[i]! * scales[nextRead]!; // exact, not just close
              if (value !== nextRead % 30_000) expect(value, `sample ${nextRead} (op ${op})`).toBe(nextRead % 30_000);
              nextRead++;
            }
          }
        }
        expect(ring.available).toBe(nextWrite - nextRead);
        expect(ring.available).toBeLessThanOrEqual(capacity);
        expect(ring.free).toBe(capacity - ring.available);
        expect(ring.droppedSamples).toBe(dropped);
        expect(ring.totalWritten).toBe(nextWrite);
        expect(ring.totalRead).toBe(nextRead);
      }
    });
  }

  it('wraps around the end of its buffer', () => {
    const ring = new PcmRing(8);
    expect(ring.write(Float32Array.from([1, 2, 3, 4, 5, 6]))).toBe(6);
    const first = new Float32Array(4);
    expect(ring.read(first)).toBe(4);
    expect([...first]).toEqual([1, 2, 3, 4]);
    expect(ring.write(Float32Array.from([7, 8, 9, 10, 11, 12]))).toBe(6); // indices 6, 7, 0, 1, 2, 3
    expect(ring.available).toBe(8);
    const all = new Float32Array(10).fill(CANARY);
    expect(ring.read(all, 1)).toBe(8);
    expect([...all]).toEqual([CANARY, 5, 6, 7, 8, 9, 10, 11, 12, CANARY]);
  });

  it('on overflow drops the newest samples, counts them, and keeps what is queued', () => {
    const ring = new PcmRing(4);
    expect(ring.write(Float32Array.from([1, 2, 3]))).toBe(3);
    expect(ring.write(Float32Array.from([4, 5, 6]))).toBe(1);
    expect(ring.droppedSamples).toBe(2);
    expect(ring.write(Float32Array.from([7]))).toBe(0);
    expect(ring.droppedSamples).toBe(3);
    const out = new Float32Array(4);
    expect(ring.read(out, 0, 2)).toBe(2);
    expect(ring.write(Float32Array.from([8, 9, 10]))).toBe(2);
    expect(ring.droppedSamples).toBe(4);
    expect(ring.read(out)).toBe(4);
    expect([...out]).toEqual([3, 4, 8, 9]);
  });

  it('converts Int16 to float as s / 32768, exactly', () => {
    const ring = new PcmRing(4);
    ring.write(Int16Array.from([-32_768, -1, 0, 32_767]));
    const out = new Float32Array(4);
    ring.read(out);
    expect([...out]).toEqual([-1, -1 / 32_768, 0, 32_767 / 32_768]);
  });

  it('writes a sub-range and answers out-of-range requests with counts, not exceptions', () => {
    const ring = new PcmRing(8);
    expect(ring.write(Float32Array.from([1, 2, 3, 4, 5]), 1, 3)).toBe(2);
    expect(ring.write(Float32Array.from([1, 2]), 5, 9)).toBe(0);
    expect(ring.write(Float32Array.from([1, 2]), 2, 1)).toBe(0);
    expect(ring.write(Float32Array.from([6, 7]), -3)).toBe(2);
    const out = new Float32Array(3).fill(CANARY);
    expect(ring.read(out, 5, 2)).toBe(0);
    expect(ring.read(out, 2, 10)).toBe(1);
    expect(ring.read(out, 0, -1)).toBe(0);
    expect([...out]).toEqual([CANARY, CANARY, 2]);
    expect(ring.read(out)).toBe(3);
    expect([...out]).toEqual([3, 6, 7]);
  });

  it('skips and clears without losing its stream position or drop count', () => {
    const ring = new PcmRing(4);
    ring.write(Float32Array.from([1, 2, 3, 4, 5]));
    expect(ring.skip(1)).toBe(1);
    expect(ring.skip(10)).toBe(3);
    expect(ring.totalRead).toBe(4);
    ring.write(Float32Array.from([6, 7, 8]));
    ring.clear();
    expect(ring.available).toBe(0);
    expect(ring.totalWritten).toBe(7);
    expect(ring.totalRead).toBe(7);
    expect(ring.droppedSamples).toBe(1);
    ring.write(Float32Array.from([9, 10, 11, 12]));
    const out = new Float32Array(4);
    expect(ring.read(out)).toBe(4);
    expect([...out]).toEqual([9, 10, 11, 12]);
  });
});
